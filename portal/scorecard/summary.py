"""The health of many partnerships at once, for pages that list them (the portfolio).

`health_for` reads the stored figures only: the latest month worked out for each
partnership, with its override, in one statement however many partnerships are asked
for. A partnership's figures are worked out when its overview or Health page is opened
or its benefits and ratings change (`store.current`), never here.
"""
import datetime as dt
from dataclasses import dataclass

from peewee import fn

from portal.scorecard.bands import NO_DATA, TONES, band_of
from portal.scorecard.models import HealthScore


@dataclass(frozen=True)
class HealthSummary:
    """The health of one partnership as its Health page shows it.

    `score` is 0-100, or None when the month has no data (never a made-up number);
    `band` is healthy, watch, at_risk or no_data and `band_label` its words; an
    `overridden` score was set by a person with a reason (`computed` is what the figures
    say); `stale` counts the measures not updated within their cadence; `period` is the
    month the figures are for and `as_of` when they were worked out (None: never).
    """

    score: float | None
    band: str
    band_label: str
    overridden: bool = False
    stale: int = 0
    computed: float | None = None
    period: dt.date | None = None
    as_of: dt.datetime | None = None

    @property
    def tone(self):
        return TONES[self.band]


NOTHING_YET = HealthSummary(score=None, band=NO_DATA[0], band_label=NO_DATA[1])


def summary_of(row):
    """The HealthSummary of a stored HealthScore row."""
    overridden = row.override_score is not None
    score = row.override_score if overridden else row.score
    band, label = band_of(score)
    return HealthSummary(score=score, band=band, band_label=label, overridden=overridden,
                         stale=row.stale, computed=row.score, period=row.period,
                         as_of=row.computed_at)


def health_for(partnership_ids):
    """{partnership id: HealthSummary} for every id asked for, in one statement; a
    partnership whose health was never worked out gets "no data"."""
    ids = sorted({int(i) for i in partnership_ids})
    if not ids:
        return {}
    latest = (HealthScore.select(HealthScore.partnership.alias("pid"),
                                 fn.MAX(HealthScore.period).alias("last"))
              .where(HealthScore.partnership.in_(ids)).group_by(HealthScore.partnership))
    rows = (HealthScore.select(HealthScore)
            .join(latest, on=((HealthScore.partnership == latest.c.pid)
                              & (HealthScore.period == latest.c.last))))
    found = {row.partnership_id: summary_of(row) for row in rows}
    return {pid: found.get(pid, NOTHING_YET) for pid in ids}

"""The health score, worked out and kept: one row per partnership and month.

A page reads the month's row. It is worked out again when it is missing, when
something in the partnership changed (`mark_dirty`: a cheap UPDATE that empties
`computed_at`), or when it was worked out on an earlier day (staleness and overdue
actions move with the calendar). Working it out never touches the override columns:
only a person sets or clears an override.
"""
import datetime as dt
import json
import math

from flask import current_app, has_app_context
from flask_babel import force_locale

from portal.accounts.models import utcnow
from portal.db import write_transaction
from portal.plugins.host import call_hook
from portal.prepared import Prepared
from portal.records import PartnershipInfo
from portal.scorecard import measures
from portal.scorecard.bands import WEIGHTS, band_of
from portal.scorecard.models import HealthScore

MONTHS = 12  # the trend's length


def month_of(day):
    return day.replace(day=1)


def months_back(period, count):
    """The first days of `count` months up to and including `period`, oldest first."""
    out, year, month = [], period.year, period.month
    for _ in range(count):
        out.append(dt.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return out[::-1]


def _measure(key, label, value, weight, updated_on, cadence, on, source="portal", stale=None):
    if value is None:  # nothing measured: neither a date nor stale
        updated_on, stale = None, False
    return {"key": key, "label": label, "value": value, "weight": weight,
            "updated_on": updated_on.isoformat() if updated_on else None, "cadence_days": cadence,
            "stale": bool(measures.is_stale(updated_on, cadence, on) if stale is None else stale),
            "source": source}


def plugin_measures(partnership, on):
    """The measures plugins add through `portal_health_measures`."""
    if not has_app_context() or "portal_plugins" not in current_app.extensions:
        return []
    info = PartnershipInfo.from_row(partnership)
    found = call_hook(current_app.extensions["portal_plugins"], "portal_health_measures",
                      partnership=info, on=on)
    out = []
    for plugin, m in found:
        value = None if m.value is None else float(m.value)
        value = None if value is None or not math.isfinite(value) else max(0.0, min(100.0, value))
        if not isinstance(m.weight, (int, float)) or not math.isfinite(m.weight) or m.weight <= 0:
            continue
        updated = m.updated_on.date() if isinstance(m.updated_on, dt.datetime) else m.updated_on
        updated = updated if isinstance(updated, dt.date) else None
        cadence = m.cadence_days if isinstance(m.cadence_days, int) and m.cadence_days > 0 else None
        key = str(m.key)
        if key in WEIGHTS or key in {o["key"] for o in out}:  # never mistaken for another
            key = f"{plugin}-{key}"
        out.append(_measure(key, str(m.label), value, float(m.weight), updated, cadence, on,
                            source=plugin))
    return out


def compute(partnership, on=None, release=True):
    """[measure dicts] of the partnership on the day `on`, the portal's then the plugins'
    (`release`: see measures.feeds)."""
    on = on or dt.date.today()
    feeds = measures.feeds(partnership, on, release=release)
    trust, used = measures.trust_on(feeds, on)
    survey, survey_feed = measures.survey_on(feeds, on)
    benefits, benefits_on, benefits_cadence, benefits_stale = measures.benefits_measure(
        measures.benefits_of(partnership.id), on)
    ratings, rated_on = measures.ratings_measure(measures.latest_ratings(partnership.id))
    values = {
        "trust": (trust, max((f.closed_on for f in used), default=None), measures.SURVEY_CADENCE, None),
        "survey": (survey, survey_feed.closed_on if survey_feed else None, measures.SURVEY_CADENCE, None),
        "benefits": (benefits, benefits_on, benefits_cadence, benefits_stale),
        "ratings": (ratings, rated_on, measures.RATING_CADENCE, None),
        "actions": (measures.actions_measure(partnership.id, on), on, None, None),
        "enablement": (measures.enablement_measure(partnership.id, on), on, None, None),
    }
    with force_locale("en"):  # stored as it is; the page shows WEIGHTS' label in its language
        labels = {key: str(label) for key, (label, _weight, _what) in WEIGHTS.items()}
    out = [_measure(key, labels[key], values[key][0], weight, values[key][1], values[key][2], on,
                    stale=values[key][3])
           for key, (_label, weight, _what) in WEIGHTS.items()]
    return out + plugin_measures(partnership, on)


def score_of(measure_list):
    """(0-100 or None, stale count): the weighted average of the measures with a value,
    their weights scaled up to fill the whole (never a 0 for a measure without data)."""
    counted = [m for m in measure_list if m["value"] is not None]
    total = sum(m["weight"] for m in counted)
    if not counted or total <= 0:
        return None, 0
    score = sum(m["value"] * m["weight"] for m in counted) / total
    return score, sum(1 for m in counted if m["stale"])


def shares(measure_list):
    """{key: share of the score in per cent} over the measures with a value."""
    counted = [m for m in measure_list if m["value"] is not None]
    total = sum(m["weight"] for m in counted)
    return {m["key"]: 100.0 * m["weight"] / total for m in counted} if total else {}


def fresh(row, now=None):
    now = now or utcnow()
    return row is not None and row.computed_at is not None and row.computed_at.date() == now.date()


def current(partnership, row=None, today=None, save=True):
    """This month's row, worked out again if it is missing, dirty or from an earlier day.
    `row`: this month's row when the caller has read it already. Without `save` (a page
    drawn again after a refused form, which must leave every table as it was) the row
    worked out is returned unsaved."""
    today = today or dt.date.today()
    period = month_of(today)
    if row is None or row.period != period:
        row = HealthScore.get_or_none(HealthScore.partnership == partnership.id,
                                      HealthScore.period == period)
    if fresh(row):
        return row
    found = compute(partnership, today, release=save)
    score, stale = score_of(found)
    fields = {HealthScore.score: score, HealthScore.band: band_of(score)[0],
              HealthScore.stale: stale, HealthScore.measures: json.dumps(found),
              HealthScore.computed_at: utcnow()}
    if not save:
        unsaved = row or HealthScore(partnership=partnership.id, period=period)
        for field, value in fields.items():
            setattr(unsaved, field.name, value)
        return unsaved
    with write_transaction():
        (HealthScore.insert({HealthScore.partnership: partnership.id, HealthScore.period: period,
                             **fields})
         .on_conflict(conflict_target=[HealthScore.partnership, HealthScore.period],
                      update=fields).execute())
    return HealthScore.get(HealthScore.partnership == partnership.id, HealthScore.period == period)


def mark_dirty(partnership_id, today=None):
    """Something the score reads changed: this month's row is worked out on next view.

    It is read first and written only when it was worked out: after the first change
    since the score was last shown every POST would otherwise write a second time, in a
    transaction of its own, after the one that made the change (issue 12)."""
    period = month_of(today or dt.date.today())
    if _WORKED_OUT.first(partnership_id, period) is None:
        return
    with write_transaction():
        (HealthScore.update(computed_at=None)
         .where(HealthScore.partnership == partnership_id, HealthScore.period == period,
                HealthScore.computed_at.is_null(False)).execute())


_WORKED_OUT = Prepared(lambda partnership_id, period: HealthScore.select(HealthScore.id).where(
    HealthScore.partnership == partnership_id, HealthScore.period == period,
    HealthScore.computed_at.is_null(False)).limit(1).tuples())


def history(partnership_id, today=None):
    """{period: row} of the last MONTHS months: one statement."""
    periods = months_back(month_of(today or dt.date.today()), MONTHS)
    rows = HealthScore.select().where(HealthScore.partnership == partnership_id,
                                      HealthScore.period >= periods[0])
    return periods, {row.period: row for row in rows}


def latest_two(partnership_id):
    """The two newest rows, newest first, for the overview's card: one statement."""
    return _LATEST_TWO.rows(partnership_id)


_LATEST_TWO = Prepared(lambda partnership_id: HealthScore.select().where(
    HealthScore.partnership == partnership_id).order_by(HealthScore.period.desc()).limit(2))


def effective(row):
    """The score the page shows for a row: the override, else the computed score."""
    if row is None:
        return None
    return row.override_score if row.override_score is not None else row.score


def set_override(partnership, user, score, reason, today=None):
    row = current(partnership, today=today)
    with write_transaction():
        (HealthScore.update(override_score=score, override_reason=reason, override_by=user.id,
                            override_at=utcnow(), override_computed=row.score)
         .where(HealthScore.id == row.id).execute())
    return row


def clear_override(partnership, today=None):
    """Back to the computed score; returns the override that was cleared (or None)."""
    period = month_of(today or dt.date.today())
    row = HealthScore.get_or_none(HealthScore.partnership == partnership.id, HealthScore.period == period)
    if row is None or row.override_score is None:
        return None
    with write_transaction():
        (HealthScore.update(override_score=None, override_reason="", override_by=None,
                            override_at=None, override_computed=None)
         .where(HealthScore.id == row.id).execute())
    return row.override_score


def measures_of(row):
    return json.loads(row.measures) if row is not None and row.measures else []

"""The Relational Survey (seed 003): fifteen 1-5 ratings of a partnership's health.

A built-in instrument written against the public API only: the items live in
instrument.toml, this module holds the scoring. Scoring follows the seed's reading
guide: low items go to the team for discussion, high items are studied for what works.
"""
from pathlib import Path

from flask_babel import gettext as _, ngettext

from portal import Flag, Interpretation, decimal, hookimpl, instrument_from_toml

__version__ = "1.0.0"

# Seed 003: "any question in which the average score is three or less presents an
# issue that the team should discuss".
DISCUSS_AT = 3.0
# A strength is an item the team rates well in absolute terms, not merely the least bad:
# the best three items averaging 4 or more. Fewer (or none) is an honest answer.
STRENGTH_AT = 4.0
TOP_STRENGTHS = 3


def _mean(values):
    values = [v for v in values if v is not None]
    return sum(values) / len(values) if values else None


def _at_or_below(mean, limit):
    """Compare on two decimals, so a stored 2.9999999 or 3.0000001 counts as the 3.0 shown."""
    return round(mean, 2) <= limit


def score(results):
    """Overall band from the mean of item means; one flag per item averaging 3 or less."""
    answered = [item for item in results.items.values() if item.mean is not None]
    if not answered:
        return Interpretation(headline=_("No ratings yet"), tone="neutral",
                              notes=(_("Nobody has rated the items in this run."),))

    overall = _mean(item.mean for item in answered)
    if round(overall, 2) >= 4:
        band, tone, headline = _("Strong"), "good", _("A strong working relationship")
    elif not _at_or_below(overall, DISCUSS_AT):
        band, tone, headline = _("Developing"), "warning", _("A relationship with room to grow")
    else:
        band, tone, headline = _("At risk"), "bad", _("The relationship needs attention")

    flags = tuple(
        Flag(title=_("Discuss: %(item)s", item=item.question.text),
             question_id=item.question.id,
             detail=ngettext("Averaged %(mean)s of 5 over %(num)d answer, at or below "
                             "the level of 3 where the team should talk it through.",
                             "Averaged %(mean)s of 5 over %(num)d answers, at or below "
                             "the level of 3 where the team should talk it through.",
                             item.count, mean=decimal(item.mean, 2)),
             suggested_action=item.question.guidance or _(
                 "Talk through why this item scored low and agree one change to try "
                 "before the next survey."))
        for item in answered if _at_or_below(item.mean, DISCUSS_AT))

    best = sorted((item for item in answered if item.mean >= STRENGTH_AT),
                  key=lambda item: -item.mean)
    strengths = tuple(item.question.id for item in best[:TOP_STRENGTHS])

    notes = []
    if flags:
        notes.append(_("Start with the flagged items: look for the reasons behind each low "
                       "score, then ask what makes the best-rated items work and whether "
                       "that carries over."))
    notes.append(ngettext("Based on %(num)d response.", "Based on %(num)d responses.",
                          results.responses))

    metrics = {"Overall": round(overall, 2)}
    # Seed 003, item 1: "How well did we build trust between us?"
    trust = results.items.get("trust")
    if trust is not None and trust.mean is not None:
        metrics["Trust"] = round(trust.mean, 2)

    return Interpretation(headline=_("%(headline)s (average %(average)s of 5)",
                                     headline=headline, average=decimal(overall, 1)),
                          band=band,
                          tone=tone, flags=flags, strengths=strengths, notes=tuple(notes),
                          metrics=metrics)


INSTRUMENT = instrument_from_toml(Path(__file__).parent / "instrument.toml", score=score)
SOURCE = INSTRUMENT.source


@hookimpl
def portal_instruments():
    return INSTRUMENT

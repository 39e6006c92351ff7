"""The 60-second Partner Relationship Management assessment (seed 003): ten yes/no items.

A built-in instrument written against the public API only. The seed scores one person's
answers; a run here collects several people's, so each item is first settled by majority
and the seed's rule is then applied to the settled items.
"""
from pathlib import Path

from flask_babel import gettext as _, ngettext

from portal import Flag, Interpretation, hookimpl, instrument_from_toml, load_toml

__version__ = "1.0.0"

DATA = Path(__file__).parent / "instrument.toml"
ACTIONS = load_toml(DATA).get("actions", {})  # read in the request's language

# Seed 003: "If you have three or more 'no' responses, you do not have a PRM program in place."
NO_PROGRAM_AT = 3


def in_place(item):
    """An item is in place when more respondents answered yes than no.

    A tie counts as no: a practice that half the team does not recognise is not yet a
    shared practice of the partnership. An item nobody answered is not in place either.
    """
    return item.yes > item.no


def score(results):
    """Settle each item by majority, then apply the seed's three-"no" rule."""
    items = [item for item in results.items.values() if item.question.type == "yesno"]
    missing = [item for item in items if not in_place(item)]
    total, gaps = len(items), len(missing)
    answers = sum(item.yes + item.no for item in items)
    if not answers:
        return Interpretation(headline=_("No answers yet"), tone="neutral",
                              notes=(_("Nobody has answered the questions in this run."),))
    yes_share = 100 * sum(item.yes for item in items) / answers

    if gaps >= NO_PROGRAM_AT:
        band, tone = _("No program"), "bad"
        headline = _("No PRM program in place: %(gaps)d of %(total)d practices are missing",
                     gaps=gaps, total=total)
    elif gaps:
        band, tone = _("In place, with gaps"), "good"
        headline = _("A PRM program is in place: %(present)d of %(total)d practices, "
                     "%(gaps)d still to add", present=total - gaps, total=total, gaps=gaps)
    else:
        band, tone = _("Complete"), "good"
        headline = _("A complete PRM program: all %(total)d practices are in place", total=total)

    flags = tuple(
        Flag(title=_("Not in place: %(practice)s", practice=item.question.text),
             question_id=item.question.id,
             detail=item.question.guidance,
             suggested_action=ACTIONS.get(
                 item.question.id, _("Agree an owner and a date to put this practice in place.")))
        for item in missing)

    notes = [ngettext("Each item is settled by majority over %(num)d response; "
                      "a split vote counts as not in place.",
                      "Each item is settled by majority over %(num)d responses; "
                      "a split vote counts as not in place.", results.responses)]
    split = [item for item in items if item.yes and item.yes == item.no]
    if split:
        notes.append(ngettext("The team was evenly split on %(num)d item; talking those "
                              "through may show the practice exists but is not widely known.",
                              "The team was evenly split on %(num)d items; talking those "
                              "through may show the practice exists but is not widely known.",
                              len(split)))

    return Interpretation(
        headline=headline, band=band, tone=tone, flags=flags,
        strengths=tuple(item.question.id for item in items if in_place(item)),
        notes=tuple(notes),
        metrics={"Items in place": total - gaps, "Yes answers (%)": round(yes_share, 1)})


INSTRUMENT = instrument_from_toml(DATA, score=score)
SOURCE = INSTRUMENT.source


@hookimpl
def portal_instruments():
    return INSTRUMENT

"""The 60-second Partner Relationship Management assessment (seed 003): ten yes/no items.

A built-in instrument written against the public API only. The seed scores one person's
answers; a run here collects several people's, so each item is first settled by majority
and the seed's rule is then applied to the settled items.
"""
import tomllib
from pathlib import Path

from portal import Flag, Interpretation, hookimpl, instrument_from_toml

__version__ = "1.0.0"

DATA = Path(__file__).parent / "instrument.toml"
ACTIONS = tomllib.loads(DATA.read_text(encoding="utf-8")).get("actions", {})

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
        return Interpretation(headline="No answers yet", tone="neutral",
                              notes=("Nobody has answered the questions in this run.",))
    yes_share = 100 * sum(item.yes for item in items) / answers

    if gaps >= NO_PROGRAM_AT:
        band, tone = "No program", "bad"
        headline = f"No PRM program in place: {gaps} of {total} practices are missing"
    elif gaps:
        band, tone = "In place, with gaps", "good"
        headline = (f"A PRM program is in place: {total - gaps} of {total} practices, "
                    f"{gaps} still to add")
    else:
        band, tone = "Complete", "good"
        headline = f"A complete PRM program: all {total} practices are in place"

    flags = tuple(
        Flag(title=f"Not in place: {item.question.text}",
             question_id=item.question.id,
             detail=item.question.guidance,
             suggested_action=ACTIONS.get(
                 item.question.id, "Agree an owner and a date to put this practice in place."))
        for item in missing)

    notes = [f"Each item is settled by majority over {results.responses} response{'s' if results.responses != 1 else ''}; "
             "a split vote counts as not in place."]
    split = [item for item in items if item.yes and item.yes == item.no]
    if split:
        notes.append(f"The team was evenly split on {len(split)} item{'s' if len(split) != 1 else ''}; talking those "
                     "through may show the practice exists but is not widely known.")

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

"""Meeting check: an example third-party instrument plugin for Partnership Portal.

After a partnership's review meeting both sides rate the agenda and whether the people
who could decide were present, and say whether the meeting ended with agreed actions.
The questions live in instrument.toml beside this file; this module holds the scoring
and the hooks, and imports only the public API documented in docs/plugins.md.
"""
from pathlib import Path

from flask import render_template

from portal import DashboardCard, Flag, Interpretation, hookimpl, instrument_from_toml

__version__ = "0.3.0"

HERE = Path(__file__).parent
SCALE_ITEMS = ("agenda", "decision_makers")
YESNO_ITEM = "agreed_actions"
# As in the built-in relational survey: an item averaging three or less is for the team
# to talk through.
DISCUSS_AT = 3.0
STRENGTH_AT = 4.0
# Roles that may open a run (the portal's own rule for opening runs).
OPENING_ROLES = ("editor", "sponsor")


def _at_or_below(mean, limit):
    """Compare on two decimals, so a stored 2.9999999 counts as the 3.00 people see."""
    return round(mean, 2) <= limit


def score(results):
    """Flag weak ratings and a "no" majority on agreed actions; chart meeting quality."""
    scales = [results.items[qid] for qid in SCALE_ITEMS]
    rated = [item for item in scales if item.mean is not None]
    if not rated:
        return Interpretation(headline="No ratings yet", tone="neutral",
                              notes=("Nobody has rated the last review meeting in this run.",))

    quality = sum(item.mean for item in rated) / len(rated)
    flags = [
        Flag(title=f"Discuss: {item.question.text}",
             question_id=item.question.id,
             detail=f"Averaged {item.mean:.1f} of 5 over {item.count} answers.",
             suggested_action=item.question.guidance)
        for item in rated if _at_or_below(item.mean, DISCUSS_AT)
    ]
    actions = results.items[YESNO_ITEM]
    if actions.no > actions.yes:
        flags.append(Flag(
            title="Most people left the meeting without agreed actions",
            question_id=YESNO_ITEM,
            detail=f"{actions.no} of {actions.count} answered no.",
            suggested_action=actions.question.guidance))

    if not flags:
        band, tone = "Productive", "good"
    elif _at_or_below(quality, DISCUSS_AT):
        band, tone = "Unproductive", "bad"
    else:
        band, tone = "Room to improve", "warning"
    return Interpretation(
        headline=f"Meeting quality {quality:.1f} of 5",
        band=band, tone=tone, flags=tuple(flags),
        strengths=tuple(item.question.id for item in rated if item.mean >= STRENGTH_AT),
        notes=(f"Based on {results.responses} responses.",),
        metrics={"Meeting quality": round(quality, 2)})


INSTRUMENT = instrument_from_toml(HERE / "instrument.toml", score=score)


@hookimpl
def portal_instruments():
    return INSTRUMENT


@hookimpl
def portal_template_folders():
    return HERE / "templates"


@hookimpl
def portal_dashboard_cards(partnership, membership):
    if membership is None:
        return None
    body = render_template("meeting_check/card.html", partnership=partnership,
                           can_open=membership.role in OPENING_ROLES)
    return DashboardCard("After the review meeting", body, weight=60)

"""Kirkpatrick tracking: training programs measured at the four levels, plus Phillips ROI.

Seed 002 (pillar 5) asks partners to define metrics at all four Kirkpatrick levels
(reaction, learning, behavior, results) with weight on levels 3 and 4; seed 004 asks
for ROI that can be demonstrated. Per partnership, programs (name, audience, dates,
cost) get metrics per level with a unit, baseline and target, measured over time by
hand or from CSV; benefits attributed to a program (each with how its effect was
isolated) give the Phillips level-5 ROI; behaviour follow-ups fall due 30/60/90 days
after a program ends. A level-1 reaction form runs through the instrument engine.

Written against the public plugin API only.

The plugin is this package: the portal registers this module, so every hook
implementation is here and the rest lives in modules named after what they hold
(`models`, `tracking`, `forms`, `csv_import`, `views`, `corrections`, `reaction`).
"""
from pathlib import Path

from flask import render_template, url_for
from flask_babel import gettext as _

from portal import AgendaPoint, CalendarEvent, DashboardCard, NavItem, hookimpl

from . import corrections  # noqa: F401 - registers the edit and delete pages on `bp`
from .models import MODELS, Program
from .health import health_measure
from .reaction import REACTION
from .results import agenda_notes, audit_evidence
from .tracking import follow_ups
from .views import bp, program_summaries

__version__ = "1.0.0"


@hookimpl
def portal_models():
    return MODELS


@hookimpl
def portal_migrations():
    return Path(__file__).parent / "migrations"


@hookimpl
def portal_blueprints():
    return bp


@hookimpl
def portal_instruments():
    return REACTION


@hookimpl
def portal_navigation_items(partnership, membership):
    if membership is None:
        return None
    return NavItem.tab(_("Programs"), "kirkpatrick.programs", partnership, weight=58)


@hookimpl
def portal_dashboard_cards(partnership, membership):
    if membership is None:
        return None
    rows = program_summaries(partnership.id)
    tone = "warning" if any(r["due"] for r in rows) else "neutral"
    return DashboardCard(_("Training programs"),
                         render_template("kirkpatrick/card.html", partnership=partnership,
                                         rows=rows), weight=58, tone=tone)


@hookimpl
def portal_calendar_events(partnership, start, end):
    """The behaviour follow-ups not yet done, 30, 60 and 90 days after each program."""
    found = []
    for program in Program.select().where(Program.partnership_id == partnership.id):
        url = url_for("kirkpatrick.program", partnership_id=partnership.id, program_id=program.id)
        for row in follow_ups(program):
            if row["state"] != "done" and row["due_on"] and start <= row["due_on"] < end:
                found.append(CalendarEvent(
                    row["due_on"], _("Day-%(day)s behavior follow-up: %(program)s",
                                     day=row["day"], program=program.name), url,
                    kind="follow-up", uid=f"kirkpatrick-{program.id}-{row['day']}"))
    return found


@hookimpl
def portal_review_agenda_points(partnership):
    """Each program's metrics at the four levels, latest value against baseline and target.
    The review keeps the point as written: title and notes stay in English."""
    notes = agenda_notes(partnership.id)
    return None if notes is None else AgendaPoint("Kirkpatrick results", notes, minutes=10)


@hookimpl
def portal_audit_evidence(partnership, start, end):
    """Impact evidence for the 4 I's audit: each program's metrics against target, and ROI."""
    return audit_evidence(partnership.id, start, end, lambda program: url_for(
        "kirkpatrick.program", partnership_id=partnership.id, program_id=program.id))


@hookimpl
def portal_health_measures(partnership, on):
    """Level 3 and 4 metrics against their targets, for the Health tab's score."""
    return health_measure(partnership.id, on)

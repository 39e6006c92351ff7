"""Acme: an example plugin that implements every hook, as docs/plugins.md shows them.

It keeps a partnership's goals (a page, a form, a table with its schema steps), adds a
tab and an overview card, a one-question pulse instrument with a results panel, and
writes an audit entry when someone answers a named run. tests/test_docs.py loads it
from a plugins folder and checks each hook's effect.
"""
import datetime as dt
from pathlib import Path

import peewee
from flask import redirect, render_template, request, url_for

from portal import (AgendaPoint, CalendarEvent, DashboardCard, Evidence, HealthMeasure, Instrument,
                    PrefilledAnswer, Interpretation, Model, NavItem, Question,
                    ResultsPanel, current_membership, current_partnership, hookimpl,
                    partnership_blueprint, record_audit, render, requires_role, role_at_least,
                    write_transaction)

__version__ = "1.0.0"
HERE = Path(__file__).parent


class AcmeGoal(Model):
    partnership_id = peewee.IntegerField(index=True)
    text = peewee.TextField()

    class Meta:
        table_name = "acme_goal"


bp = partnership_blueprint("acme", __name__, "/acme")


@bp.route("")
def page(partnership_id):
    goals = AcmeGoal.select().where(AcmeGoal.partnership_id == partnership_id)
    return render("acme/page.html", partnership=current_partnership(), goals=list(goals),
                  can_add=role_at_least(current_membership(), "editor"))


@bp.route("/goals", methods=["POST"])
@requires_role("editor")
def add_goal(partnership_id):
    text = (request.form.get("text") or "").strip()[:500]
    if text:
        with write_transaction():
            AcmeGoal.create(partnership_id=partnership_id, text=text)
        record_audit("acme_goal_added", partnership=current_partnership(), goal=text)
    return redirect(url_for("acme.page", partnership_id=partnership_id))


def score(results):
    mood = results.items["mood"]
    return Interpretation(f"Mood averages {mood.mean:.1f} of 5", tone="neutral",
                          metrics={"Mood": mood.mean})


PULSE = Instrument(
    id="acme_pulse", version="1.0.0", title="Acme pulse", summary="One question a month.",
    source="Acme Learning", cadence_days=30, cadence_label="monthly", score=score,
    questions=(Question("mood", "How is the partnership going?", low_label="Badly",
                        high_label="Very well"),))


@hookimpl
def portal_startup(app):
    app.extensions["acme"] = {"greeting": app.config.get("ACME_GREETING", "Hello")}


@hookimpl
def portal_blueprints():
    return bp


@hookimpl
def portal_template_folders():
    return HERE / "templates"


@hookimpl
def portal_static_folders():
    return HERE / "static"


@hookimpl
def portal_navigation_items(partnership, membership):
    if membership is None:
        return None
    return NavItem.tab("Acme", "acme.page", partnership, weight=70)


@hookimpl
def portal_models():
    return [AcmeGoal]


@hookimpl
def portal_migrations():
    return HERE / "migrations"


@hookimpl
def portal_instruments():
    return PULSE


@hookimpl
def portal_dashboard_cards(partnership, membership):
    if membership is None:
        return None
    goals = AcmeGoal.select().where(AcmeGoal.partnership_id == partnership.id).count()
    return DashboardCard("Acme goals", render_template("acme/card.html", goals=goals,
                                                       partnership=partnership), weight=60)


@hookimpl
def portal_response_submitted(run, response, respondent):
    if run.instrument_id == PULSE.id and respondent is not None:
        record_audit("acme_pulse_answered", partnership=run.partnership_id,
                     who=respondent.name, answered=len(response.answered))


@hookimpl
def portal_results_panels(instrument, results):
    if instrument.id != PULSE.id:
        return None
    return ResultsPanel("Acme's reading", render_template(
        "acme/panel.html", low=results.items["mood"].distribution[1]))


@hookimpl
def portal_calendar_events(partnership, start, end):
    if not AcmeGoal.select().where(AcmeGoal.partnership_id == partnership.id).exists():
        return None
    url = url_for("acme.page", partnership_id=partnership.id)
    quarters = [dt.date(year, month, 1) for year in range(start.year, end.year + 1)
                for month in (1, 4, 7, 10)]
    return [CalendarEvent(day, "Acme goals: quarterly check", url, kind="acme")
            for day in quarters if start <= day < end]


@hookimpl
def portal_review_agenda_points(partnership):
    goals = [goal.text for goal in AcmeGoal.select().where(AcmeGoal.partnership_id == partnership.id)]
    if not goals:
        return None
    return AgendaPoint("Acme goals", "\n".join(f"- {text}" for text in goals), minutes=5)


@hookimpl
def portal_health_measures(partnership, on):
    goals = AcmeGoal.select().where(AcmeGoal.partnership_id == partnership.id).count()
    if not goals:
        return None
    return HealthMeasure("acme_goals", "Acme goals set", min(100, 25 * goals), weight=5,
                         updated_on=on)


@hookimpl
def portal_run_opened(run, partnership):
    if run.instrument_id == PULSE.id:
        record_audit("acme_pulse_opened", partnership=partnership.id, title=run.title)


@hookimpl
def portal_audit_evidence(partnership, start, end):
    goals = AcmeGoal.select().where(AcmeGoal.partnership_id == partnership.id).count()
    return Evidence("Integration", f"{goals} Acme goal{'' if goals == 1 else 's'} agreed by both sides.",
                    url_for("acme.page", partnership_id=partnership.id), str(goals), start, end)


@hookimpl
def portal_prefilled_answers(run):
    if run.instrument_id != PULSE.id:
        return None
    return PrefilledAnswer("mood", "3")  # a named pulse starts in the middle of the scale

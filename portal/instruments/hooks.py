"""The instruments feature's navigation tabs and dashboard cards, through the same
hooks plugins use."""
import datetime as dt

from flask import render_template
from flask_babel import gettext as _

from portal import DashboardCard, NavItem, hookimpl
from portal.instruments import actions, registry, runs as run_ops, tallies, views
from portal.instruments.actions import open_actions
from portal.instruments.models import TABLES
from portal.instruments.results import run_results


@hookimpl
def portal_blueprints():
    return [views.bp, actions.bp]


@hookimpl
def portal_models():
    return TABLES


@hookimpl
def portal_navigation_items(partnership, membership):
    if membership is None:
        return None
    return [
        NavItem.tab(_("Instruments"), "instruments.index", partnership, weight=40),
        NavItem.tab(_("Action plan"), "actions.index", partnership, weight=45),
    ]


@hookimpl
def portal_dashboard_cards(partnership, membership, user):
    if membership is None:
        return None
    today = dt.date.today()
    cards = []
    runs = run_ops.runs_of(partnership.id, user.id)
    waiting = run_ops.waiting_for(user, partnership.id, today, runs=runs, role=membership.role)
    if waiting:
        cards.append(DashboardCard(
            _("Waiting for your answer"),
            render_template("instruments/_card_waiting.html", partnership=partnership, runs=waiting),
            weight=5, tone="warning"))
    actions = open_actions(partnership.id)
    cards.append(DashboardCard(
        _("Action plan"),
        render_template("instruments/_card_actions.html", partnership=partnership,
                        actions=actions, today=today),
        weight=30, tone="bad" if any(a.overdue(today) for a in actions) else "neutral"))
    cards.extend(_latest_results(partnership, runs))
    return cards


def _latest_results(partnership, runs):
    """One card per instrument with the headline of its latest visible run.

    `runs`: the partnership's runs, oldest first. Results are read from the latest runs'
    stored tallies (tallies.py), all in one statement: a card never counts answers,
    however many there are."""
    cards = []
    latest, runs_of = {}, {}
    for run in runs:  # oldest first
        latest[run.instrument_id] = run
        runs_of.setdefault(run.instrument_id, []).append(run)
    stored = tallies.stored_for(latest.values())
    for instrument_id, run in sorted(latest.items()):
        rr = run_results(run, stored=stored.get(run.id))
        instrument = registry.get(instrument_id)
        title = run.meta["title"]
        if rr.score_error:
            cards.append(DashboardCard(
                _("%(title)s: this result could not be computed", title=title),
                render_template("instruments/_card_error.html", partnership=partnership, run=run,
                                error=rr.score_error),
                weight=50, tone="warning"))
            continue
        due = (run_ops.next_due(partnership.id, instrument, runs=runs_of[instrument_id])
               if instrument else None)
        cards.append(DashboardCard(
            title,
            render_template("instruments/_card_result.html", partnership=partnership, run=run,
                            rr=rr, next_due=due, today=dt.date.today()),
            weight=50, tone=rr.interpretation.tone if rr.interpretation else "neutral"))
    return cards

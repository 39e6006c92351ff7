"""Enablement's place on partnership pages — the dashboard tab and an overview card —
through the same hooks plugins use."""
import datetime as dt

from flask import render_template, url_for

from portal import DashboardCard, NavItem, hookimpl
from portal.content import enablement, reviews
from portal.content.models import Completion
from portal.vocabulary import role_at_least


@hookimpl
def portal_navigation_items(partnership, membership):
    if membership is None:
        return None
    return NavItem("Enablement", url_for("enablement.index", partnership_id=partnership.id),
                   weight=52, area="partnership", endpoint="enablement.index")


@hookimpl
def portal_dashboard_cards(partnership, membership, user):
    """Active members and items read in the window, and the reviews due for this member."""
    if membership is None:
        return None
    at = enablement.now()
    start = at - dt.timedelta(days=enablement.WINDOW_DAYS)
    completions = (Completion.select()
                   .where(Completion.partnership == partnership.id, Completion.at >= start,
                          Completion.at < at).count())
    due = (reviews.due_count(user, partnership)
           if role_at_least(membership.role, "member") else None)
    body = render_template("enablement/_card.html", partnership=partnership, due=due,
                           active=enablement.active_members(partnership.id, start, at),
                           completions=completions, window=enablement.WINDOW_DAYS)
    return DashboardCard("Enablement", body, weight=35, tone="warning" if due else "neutral")

"""Enablement content as a feature: the library, cohorts, reflections, spaced reviews and
the enablement dashboard, with their tabs and the overview card, through the hooks
plugins use."""

from flask import render_template
from flask_babel import gettext as _

from portal import DashboardCard, NavItem, hookimpl, role_at_least
from portal.content import cohorts, enablement, library_files, models, reflections, reviews, views
from portal.content.cohorts import blueprint as cohort_pages
from portal.content.reflections import views as reflection_pages


@hookimpl
def portal_blueprints():
    return [views.bp, library_files.bp, reviews.bp, enablement.bp, cohort_pages.bp,
            reflection_pages.bp]


@hookimpl
def portal_models():
    return [*models.TABLES, *cohorts.TABLES, *reflections.TABLES, *reviews.TABLES]


@hookimpl
def portal_navigation_items(partnership, membership):
    """The Library, Enablement and Cohorts tabs. Every member sees them, viewers
    included: cohort pages are readable by the whole partnership (cohorts explains who
    may post)."""
    if membership is None:
        return None
    return [
        NavItem.tab(_("Library"), "content.index", partnership, weight=35),
        NavItem.tab(_("Enablement"), "enablement.index", partnership, weight=52),
        NavItem.tab(_("Cohorts"), "cohorts.index", partnership, weight=55),
    ]


@hookimpl
def portal_dashboard_cards(partnership, membership, user):
    """Active members and items read in the window, and the reviews due for this member."""
    if membership is None:
        return None
    active, completions, due = enablement.card_figures(
        partnership.id, user.id, role_at_least(membership, "member"), enablement.now())
    body = render_template("enablement/_card.html", partnership=partnership, due=due,
                           active=active, completions=completions, window=enablement.WINDOW_DAYS)
    return DashboardCard(_("Enablement"), body, weight=35, tone="warning" if due else "neutral")

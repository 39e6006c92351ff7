"""Relational expectations as a feature: their pages, tab and overview cards, through
the same hooks plugins use.

A member with expectations still to acknowledge gets the first card on the overview
page, so a new member sees them on their first visit (seed 003, PRM aspect #4: new
members "must be briefed on the partnership's culture"). Editors, sponsors and org
admins get a card naming who has not acknowledged the current wording yet.
"""
from flask import render_template
from flask_babel import gettext as _

from portal import DashboardCard, NavItem, hookimpl
from portal.expectations import views
from portal.expectations.acknowledgements import board
from portal.expectations.models import TABLES
from portal.expectations.roles import sees_everyone


@hookimpl
def portal_blueprints():
    return views.bp


@hookimpl
def portal_models():
    return TABLES


@hookimpl
def portal_navigation_items(partnership, membership):
    if membership is None:
        return None
    return NavItem.tab(_("Expectations"), "expectations.index", partnership, weight=30)


@hookimpl
def portal_dashboard_cards(partnership, membership, user):
    if membership is None:
        return None
    current = board(partnership.id)
    cards = []
    mine = current.pending_for(user.id)
    if mine:
        cards.append(DashboardCard(
            _("Expectations for you to acknowledge"),
            render_template("expectations/_card_mine.html", partnership=partnership,
                            items=mine, total=len(current.items), user_id=user.id),
            weight=1, tone="warning"))
    # An admin of either organization follows up too (membership.side says they are one).
    org_admin = user.is_site_admin or (user.is_org_admin and membership.side is not None)
    if sees_everyone(membership, org_admin):
        # No expectations at all is a warning too: seed 003 (PRM aspect #4) asks for them.
        tone = "good" if current.items and current.everyone_done else "warning"
        cards.append(DashboardCard(
            _("Relational expectations"),
            render_template("expectations/_card_everyone.html", partnership=partnership,
                            board=current, outstanding=current.outstanding_by_member()),
            weight=25, tone=tone))
    return cards

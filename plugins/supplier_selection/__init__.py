"""Supplier selection: a client organization chooses a supplier with weighted criteria.

Seeds 000 (step 5), 001 (steps 1-6) and 002 (stage 1): the need a selection serves
(strategic needs for the next 12-36 months, capability gaps), candidate suppliers,
weighted criteria (the seeds' list by default), several evaluators scoring 1-5 with a
note, sealed until every evaluator has submitted, moderated scores per criterion with
the individual scores kept, weighted totals and ranking, disagreement (spread) per
criterion and candidate, and the smallest change of one weight that changes the
winner. Choosing a supplier creates (or links) the pilot partnership, stage
"onboarding", whose overview links back to the selection record. A candidate may be a
supplier not yet in the portal, named with a contact person: choosing it creates the
organization and invites the contact (`decision`).

Evaluators are the people of the client organization who join the selection
("Join as evaluator"); the API offers no user listing, so nobody is added by name.
Written against the public plugin API only.

The plugin is this package: the portal registers this module, so every hook
implementation is here; the rest lives in modules named after what they hold
(`models`, `ranking`, `ahp`, `access`, `forms`, `state`, `blueprint`, `views`,
`evaluation_views`, `decision`).
"""
from pathlib import Path

from flask import render_template, url_for
from flask_babel import gettext as _

from portal import DashboardCard, NavItem, current_organization, hookimpl

# Importing the view modules registers their routes on `bp`.
from . import views  # noqa: F401
from . import evaluation_views  # noqa: F401
from . import decision  # noqa: F401
from .access import client_org
from .blueprint import bp
from .models import MODELS, Selection

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
def portal_navigation_items(user):
    if user is None or client_org() is None:
        return None
    return NavItem(_("Supplier selection"), url_for("supplier_selection.index"), weight=30,
                   area="main", endpoint="supplier_selection.index")


@hookimpl
def portal_dashboard_cards(partnership):
    selection = Selection.get_or_none(Selection.partnership_id == partnership.id)
    if selection is None:
        return None
    org = current_organization()
    if org is None or org.id != selection.client_org_id:
        return None
    return DashboardCard(_("Supplier selection"),
                         render_template("supplier_selection/card.html", selection=selection),
                         weight=20)

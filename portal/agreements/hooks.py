"""The jointly written agreement as a feature: its pages and its tab."""
from flask_babel import gettext as _

from portal import NavItem, hookimpl
from portal.agreements import blueprint
from portal.agreements.models import TABLES


@hookimpl
def portal_blueprints():
    return blueprint.bp


@hookimpl
def portal_models():
    return TABLES


@hookimpl
def portal_navigation_items(partnership, membership):
    if membership is None:
        return None
    return NavItem.tab(_("Agreement"), "agreements.show", partnership, weight=15)

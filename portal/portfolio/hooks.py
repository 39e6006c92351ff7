"""The portfolio as a feature: its pages, its tables and the "Portfolio" header link."""
from flask import url_for
from flask_babel import gettext as _

from portal import NavItem, hookimpl
from portal.portfolio import reevaluation_views  # noqa: F401 - registers its routes on `bp`
from portal.portfolio.models import TABLES
from portal.portfolio.views import bp


@hookimpl
def portal_blueprints():
    return bp


@hookimpl
def portal_models():
    return TABLES


@hookimpl
def portal_navigation_items(user):
    if user is None:
        return None
    return NavItem(_("Portfolio"), url_for("portfolio.index"), weight=12, endpoint="portfolio.index")

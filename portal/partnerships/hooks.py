"""Partnerships as a feature: the list, the overview page and its members."""
from flask import url_for
from flask_babel import gettext as _

from portal import NavItem, hookimpl
from portal.partnerships import views
from portal.partnerships.models import Partnership, PartnershipMember


@hookimpl
def portal_blueprints():
    return views.bp


@hookimpl
def portal_models():
    return [Partnership, PartnershipMember]


@hookimpl
def portal_navigation_items(user, partnership, membership):
    if user is None:
        return None
    items = [NavItem(_("Partnerships"), url_for("partnerships.index"), weight=10,
                     endpoint="partnerships.index")]
    if membership is not None:
        items += [
            NavItem.tab(_("Overview"), "partnerships.show", partnership, weight=10),
            NavItem.tab(_("Members"), "partnerships.members", partnership, weight=20),
        ]
    return items

"""Partnerships as a feature: the list, the overview page and its members."""
from flask import url_for

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
    items = [NavItem("Partnerships", url_for("partnerships.index"), weight=10,
                     endpoint="partnerships.index")]
    if membership is not None:
        items += [
            NavItem.tab("Overview", "partnerships.show", partnership, weight=10),
            NavItem.tab("Members", "partnerships.members", partnership, weight=20),
        ]
    return items

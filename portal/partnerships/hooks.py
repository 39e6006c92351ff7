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
            NavItem("Overview", url_for("partnerships.show", partnership_id=partnership.id),
                    weight=10, area="partnership", endpoint="partnerships.show"),
            NavItem("Members", url_for("partnerships.members", partnership_id=partnership.id),
                    weight=20, area="partnership", endpoint="partnerships.members"),
        ]
    return items

"""The portal's own navigation, supplied through the same hook plugins use."""
from flask import url_for

from portal import NavItem, hookimpl


@hookimpl
def portal_navigation_items(user, partnership, membership):
    items = []
    if not user.is_authenticated:
        return items
    items.append(NavItem("Partnerships", url_for("partnerships.index"), weight=10,
                         endpoint="partnerships.index"))
    if user.is_org_admin:
        items.append(NavItem("My organization", url_for("accounts.organization"), weight=80,
                             endpoint="accounts.organization"))
    if user.is_site_admin:
        items.append(NavItem("Site admin", url_for("admin.index"), weight=90,
                             endpoint="admin.index"))
    if membership is not None:
        items.append(NavItem("Overview", url_for("partnerships.show", partnership_id=partnership.id),
                             weight=10, area="partnership", endpoint="partnerships.show"))
        items.append(NavItem("Members", url_for("partnerships.members", partnership_id=partnership.id),
                             weight=20, area="partnership", endpoint="partnerships.members"))
        items.append(NavItem("Library", url_for("content.index", partnership_id=partnership.id),
                             weight=35, area="partnership", endpoint="content.index"))
        items.append(NavItem("Agreement", url_for("agreements.show", partnership_id=partnership.id),
                             weight=15, area="partnership", endpoint="agreements.show"))
    return items

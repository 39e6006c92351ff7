"""The site admin's pages (organizations, plugins, audit log) as a feature, with the two
records only they read: the audit log and the errors plugins met while serving."""
from flask import url_for
from flask_babel import gettext as _

from portal import NavItem, hookimpl
from portal.admin import views
from portal.audit import AuditEntry
from portal.plugins.faults import PluginFault


@hookimpl
def portal_blueprints():
    return views.bp


@hookimpl
def portal_models():
    return [AuditEntry, PluginFault]


@hookimpl
def portal_navigation_items(user):
    if user is None or not user.is_site_admin:
        return None
    return NavItem(_("Site admin"), url_for("admin.index"), weight=90, endpoint="admin.index")

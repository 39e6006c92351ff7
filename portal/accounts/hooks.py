"""Accounts as a feature of the portal: login, profile, the organization's page and
its people, registered through the same hooks plugins use."""
from flask import url_for
from flask_babel import gettext as _

from portal import NavItem, hookimpl
from portal.accounts import auth, display, views
from portal.accounts.models import LoginAttempt, Organization, User


@hookimpl
def portal_blueprints():
    return [auth.bp, views.bp, display.bp]


@hookimpl
def portal_startup(app):
    display.init_app(app)


@hookimpl
def portal_models():
    return [Organization, User, LoginAttempt]


@hookimpl
def portal_navigation_items(user):
    if user is None or not user.is_org_admin:
        return None
    return NavItem(_("My organization"), url_for("accounts.organization"), weight=80,
                   endpoint="accounts.organization")

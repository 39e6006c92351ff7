"""What every page's layout needs: navigation from plugins, dates in the user's zone."""
from zoneinfo import ZoneInfo

from flask import current_app, g, request
from flask_login import current_user

from portal.plugins.host import call_hook
from portal.plugins.services import current_membership, current_partnership, logged_in_user


def navigation(area="main"):
    """NavItems for one area of the page, sorted by weight so plugin load order never shows."""
    if "nav_items" not in g:
        host = current_app.extensions["portal_plugins"]
        items = [item for _, item in call_hook(
            host, "portal_navigation_items", user=logged_in_user(),
            partnership=current_partnership(), membership=current_membership())]
        g.nav_items = sorted(items, key=lambda item: (item.weight, item.label))
    return [item for item in g.nav_items if item.area == area]


def without_database():
    """Let the layout render for this request without a single query.

    The header shows the logged-in user's name, organization and unread notices and
    asks plugins for navigation, all from the database; the page that says the
    database is not answering renders as for a visitor instead, with no navigation.
    Flask-Login's own setter stores the anonymous user, so the session is untouched
    and the user is still logged in once the database is back.
    """
    current_app.login_manager._update_request_context_with_user()
    g.nav_items = []


def is_current(item):
    return item.endpoint is not None and item.endpoint == request.endpoint


def local_time(value, fmt="%d %b %Y, %H:%M"):
    """Stored times are UTC; show them in the viewer's own time zone."""
    if value is None:
        return ""
    zone = "UTC"
    if current_user.is_authenticated:
        zone = current_user.timezone or "UTC"
    try:
        tz = ZoneInfo(zone)
    except (KeyError, ValueError):
        tz, zone = ZoneInfo("UTC"), "UTC"
    return value.replace(tzinfo=ZoneInfo("UTC")).astimezone(tz).strftime(fmt)


def day(value):
    """A date as every page writes it ("30 Nov 2026"); empty for None."""
    return value.strftime("%d %b %Y") if value else ""


def init_app(app):
    app.add_template_global(navigation)
    app.add_template_global(is_current)
    app.add_template_filter(local_time)
    app.add_template_filter(day)

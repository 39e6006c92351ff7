"""What every page's layout needs: navigation from plugins, dates in the user's zone."""
import datetime as dt
from zoneinfo import ZoneInfo

from flask import current_app, g, has_request_context, request
from flask_babel import get_locale
from flask_login import current_user

from portal.fragments import items_key
from portal.notifications import unread_count
from portal.plugins.host import call_hook
from portal.plugins.services import current_membership, current_partnership, logged_in_user


def navigation(area="main"):
    """NavItems for one area of the page, sorted by weight so plugin load order never shows."""
    if "nav_items" not in g:
        host = current_app.extensions["portal_plugins"]
        items = [item for _, item in call_hook(
            host, "portal_navigation_items", user=logged_in_user(),
            partnership=current_partnership(), membership=current_membership())]
        g.nav_items = sorted(items, key=lambda item: (item.weight, str(item.label)))
    return [item for item in g.nav_items if item.area == area]


def header_key():
    """What the header shows (base.html): the person, their organization, their unread
    notices, the main navigation and which of its items is current."""
    items = items_key(navigation("main"))
    if not current_user.is_authenticated:
        return None, items, request.endpoint
    return (current_user.id, current_user.name, current_user.organization.name,
            unread_count(), items, request.endpoint)


def partnership_key(partnership):
    """What a partnership page's heading and tabs show (partnerships/_layout.html)."""
    return (partnership.id, partnership.name, partnership.stage, partnership.client.name,
            partnership.supplier.name, items_key(navigation("partnership")), request.endpoint)


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


#: strftime directives as CLDR patterns, for dates in a language other than English.
_PATTERNS = {"d": "dd", "m": "MM", "Y": "yyyy", "y": "yy", "H": "HH", "M": "mm", "S": "ss",
             "b": "MMM", "B": "MMMM", "a": "EEE", "A": "EEEE", "%": "%"}
#: The formats every page uses, written with figures where the language expects them.
_NUMERIC = {"%d %b %Y": "%d.%m.%Y", "%d %b %Y, %H:%M": "%d.%m.%Y, %H:%M", "%d %b": "%d.%m.",
            "%d %B %Y": "%d. %B %Y"}


def _cldr(fmt):
    """A strftime format as a CLDR pattern (literal text quoted)."""
    out, literal, i = [], "", 0
    while i < len(fmt):
        if fmt[i] == "%" and i + 1 < len(fmt) and fmt[i + 1] in _PATTERNS:
            if literal:
                out.append("'" + literal.replace("'", "''") + "'")
                literal = ""
            out.append(_PATTERNS[fmt[i + 1]])
            i += 2
        else:
            literal += fmt[i]
            i += 1
    if literal:
        out.append("'" + literal.replace("'", "''") + "'")
    return "".join(out)


def _written(value, fmt):
    """`value` written with strftime's `fmt` in English (as every page always wrote it),
    else in the reader's language: figures for the usual dates ("05.01.2026"), names of
    months and days in that language."""
    locale = get_locale() if has_request_context() else None
    if locale is None or locale.language == "en":
        return value.strftime(fmt)
    from babel.dates import format_datetime

    return format_datetime(value, _cldr(_NUMERIC.get(fmt, fmt)), locale=locale)


def dated(value, fmt="%d %b %Y"):
    """A date or time (as stored) written with strftime's `fmt` in the reader's language:
    `{{ review.due_on | dated }}`, `{{ period | dated("%B %Y") }}`; empty for None."""
    if not value:
        return ""
    if not isinstance(value, dt.datetime):
        value = dt.datetime(value.year, value.month, value.day)
    return _written(value, fmt)


def decimal(value, places=None, grouped=False):
    """A number as the reader's language writes it: `{{ mean | decimal(2) }}` gives
    "3.75" in English and "3,75" in German (as "%.2f" would in English); without
    `places`, as "%g" would (at most six significant digits); `grouped` for amounts of
    money ("1,234.50", "1.234,50")."""
    if value is None:
        return ""
    locale = get_locale() if has_request_context() else None
    if locale is None or locale.language == "en":
        if places is None:
            return "%g" % value
        return f"{value:,.{places}f}" if grouped else "%.*f" % (places, value)
    from babel.numbers import format_decimal

    pattern = ("#,##0" if grouped else "0") + ("." + "0" * places if places else "")
    if places is None:
        pattern, value = "0.######", float(f"{value:.6g}")
    return format_decimal(value, format=pattern, locale=locale, decimal_quantization=True)


def local_time(value, fmt="%d %b %Y, %H:%M"):
    """Stored times are UTC; show them in the viewer's own time zone and language."""
    if value is None:
        return ""
    zone = "UTC"
    if current_user.is_authenticated:
        zone = current_user.timezone or "UTC"
    try:
        tz = ZoneInfo(zone)
    except (KeyError, ValueError):
        tz, zone = ZoneInfo("UTC"), "UTC"
    return _written(value.replace(tzinfo=ZoneInfo("UTC")).astimezone(tz), fmt)


def day(value):
    """A date as every page writes it ("30 Nov 2026"; "30.11.2026" in German); empty
    for None."""
    return dated(value)


def page_language():
    """The language of the page, for `<html lang>`: what the texts are translated into."""
    return str(get_locale() or "en").replace("_", "-")


def init_app(app):
    app.add_template_global(page_language)
    app.add_template_global(navigation)
    app.add_template_global(is_current)
    app.add_template_global(header_key)
    app.add_template_global(partnership_key)
    app.add_template_filter(local_time)
    app.add_template_filter(day)
    app.add_template_filter(dated)
    app.add_template_filter(decimal)

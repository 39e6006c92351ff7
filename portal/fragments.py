"""Parts of the layout kept as drawn while what they show is the same (issue 12).

The header (brand, navigation, notifications, account menu) and a partnership's
heading and tabs are most of what drawing a page costs, for the section editor about
half, yet they change only when a name, a count, a navigation item or the language
does. A template wraps such a part in a call block:

    {% call kept_fragment("header", header_key()) %} … {% endcall %}

and the part is drawn again only for a key not seen before. The key names everything
the part shows: the template passes the values it reads (a name, the unread count,
the navigation items as the plugins returned them for this page, the current
endpoint); `kept_fragment` adds the theme (whose templates may draw the part their own
way), the page's template, the language and what every URL depends on (host, scheme,
script root). So a change to any of them draws the part
again, never a stale one, and nothing needs to be told to forget. The plugins'
navigation is still asked for on every page, as `portal_navigation_items` promises;
only drawing its answer is saved.

A kept part may hold the page's CSRF token (the logout form): it is kept with the
token it was drawn with, which is replaced with the current request's when served, as
in kept pages (portal/page_cache.py). PORTAL_FRAGMENT_CACHE_MB sets the size per
worker process (default 8, least recently used out first); 0 turns it off.
"""
import threading
from contextlib import suppress

from cachetools import LRUCache
from flask import current_app, request
from flask_babel import get_locale
from flask_wtf.csrf import generate_csrf
from jinja2 import pass_context
from markupsafe import Markup

from portal.security import held_token, with_current_token


class FragmentCache:
    def __init__(self, max_bytes):
        # A key (the navigation items among it) takes 2–5 KB beside the part's HTML.
        self.parts = LRUCache(maxsize=max_bytes, getsizeof=lambda part: len(part[0]) + 4096)
        self.lock = threading.Lock()  # cachetools' caches are not thread-safe

    def draw(self, key, draw):
        with self.lock:
            kept = self.parts.get(key)
        if kept is not None:
            return Markup(with_current_token(*kept))
        html = str(draw())
        with self.lock, suppress(ValueError):  # a part larger than the whole cache
            self.parts[key] = (html, held_token(html, generate_csrf()))
        return Markup(html)


@pass_context
def kept_fragment(context, name, key, caller):
    """The part of the template inside the call block, drawn once per key (see above)."""
    cache = current_app.extensions.get("portal_fragments")
    if cache is None:
        return caller()
    full_key = (name, current_app.active_theme_name(), context.name, str(get_locale()),
                request.host, request.scheme, request.script_root, key)
    return cache.draw(full_key, caller)


def items_key(items):
    """Navigation items as a key: what a link shows and where it goes."""
    return tuple((str(item.label), item.url, item.endpoint) for item in items)


def init_app(app):
    megabytes = app.config["PORTAL_FRAGMENT_CACHE_MB"]
    if megabytes > 0:
        app.extensions["portal_fragments"] = FragmentCache(int(megabytes * 1024 * 1024))
    app.add_template_global(kept_fragment)

"""Pages kept as drawn until the data they were drawn from changes (issue 12).

Drawing a page costs 2–5 ms of Python (forms, layout, templates) however few statements
it sends, while a person mostly opens pages nothing has changed since they last saw
them. So each worker process keeps the pages it drew for signed-in GET requests and
serves one again when all of these are the same:

- the person and the session (its CSRF secret): a page drawn for one session is never
  shown to another, not even to the same person in another browser;
- the request: host, scheme, path and query, Accept and Accept-Language, the
  display-settings cookie;
- the version of the data, read by the statement that loads the signed-in user, before
  anything else the page shows (`portal.db.data_version_sql`; on SQLite completed by
  this process's own writes and its connection; on PostgreSQL any transaction that
  writes anywhere on the server, autovacuum's ANALYZE included, so pages are drawn
  again more often than needed, never less);
- the minute, so that what a page says about time ("overdue", who is editing now) is
  at most a minute late;
- the plugins that are loaded (one that fails is taken out while the process runs).

A kept page was drawn for the same person, session and data after authorization let
them see it, so authorization would let them again: it is served before authorization
runs, after the statement that loads the user and the version. A page is kept
only when its view answered 200 with HTML, wrote nothing, flashed nothing, left the
session and cookies alone and no plugin failed while drawing it. The CSRF token in a
kept page is replaced with the current request's. htmx requests are always drawn.

PORTAL_PAGE_CACHE_MB sets the size per worker process (default 32); 0 turns it off.
"""
import threading
import time
from contextlib import suppress

from cachetools import LRUCache
from flask import current_app, g, request, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from portal import db
from portal.accounts.display import COOKIE as DISPLAY_COOKIE
from portal.plugins import faults
from portal.security import held_token, with_current_token

#: Headers a kept page does not carry over: recomputed, or never kept (see `_keepable`).
_NOT_KEPT = {"content-length", "set-cookie"}


class PageCache:
    def __init__(self, max_bytes):
        self.pages = LRUCache(maxsize=max_bytes, getsizeof=lambda page: len(page[1]) + 512)
        self.lock = threading.Lock()  # cachetools' caches are not thread-safe

    def serve_kept(self):
        """Before authorization: a page kept for this key. It was kept after the same
        person passed the same checks on the same data, so they would pass again; the
        one statement sent is the one that loads the user and reads the version."""
        g.page_cache_key = key = _key()
        if key is None:
            return None
        with self.lock:
            page = self.pages.get(key)
        if page is None:
            return None
        return _served(page)

    def dispatch(self, draw):
        """The view's response, kept when it may be (`_keepable`); `draw` runs the view."""
        key = g.pop("page_cache_key", None)
        if key is None:
            return draw()
        before = (db.writes_sent(), faults.recorded(), session.modified)
        token = generate_csrf()
        response = current_app.make_response(draw())
        if _keepable(response, before):
            body = response.get_data()
            kept_token = held_token(body, token)
            headers = [(k, v) for k, v in response.headers if k.lower() not in _NOT_KEPT]
            with self.lock, suppress(ValueError):  # a page larger than the whole cache
                self.pages[key] = (response.status_code, body, headers, kept_token)
        response.headers["X-Page-Cache"] = "miss"
        return response


def minute():
    """The minute of the key; a function of its own so that a test can hold it still
    (two requests a moment apart can straddle a minute)."""
    return int(time.time() // 60)


def _key():
    if request.method != "GET" or "HX-Request" in request.headers:
        return None
    if not current_user.is_authenticated:
        return None
    secret = session.get("csrf_token")
    version = getattr(current_user, "data_version", None)
    if not secret or version is None or "_flashes" in session:
        return None
    plugins = current_app.extensions["portal_plugins"]
    return (current_user.get_id(), secret, request.host, request.scheme, request.full_path,
            request.headers.get("Accept", ""), request.headers.get("Accept-Language", ""),
            request.cookies.get(DISPLAY_COOKIE, ""),
            db.version_key(version), minute(), len(plugins.loaded))


def _keepable(response, before):
    writes, failures, session_modified = before
    return (response.status_code == 200 and response.mimetype == "text/html"
            and not response.is_streamed and not response.direct_passthrough
            and "Set-Cookie" not in response.headers
            and db.writes_sent() == writes and faults.recorded() == failures
            and not session_modified and not session.modified and "_flashes" not in session)


def _served(page):
    status, body, headers, kept_token = page
    response = current_app.response_class(with_current_token(body, kept_token), status=status,
                                          headers=headers)
    response.headers["X-Page-Cache"] = "hit"
    return response


def init_app(app):
    """Call just before the before-request function that authorizes: every other one
    (the connection, the schema check, refused characters) runs first."""
    megabytes = app.config["PORTAL_PAGE_CACHE_MB"]
    if megabytes > 0:
        app.extensions["portal_page_cache"] = PageCache(int(megabytes * 1024 * 1024))
        app.before_request(_serve_kept)


def _serve_kept():
    cache = current_app.extensions.get("portal_page_cache")
    return None if cache is None else cache.serve_kept()

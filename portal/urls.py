"""URL converters shared by every blueprint, plugins' included, and URLs built once."""
from flask import has_request_context, request
from werkzeug.routing import IntegerConverter

from portal.assets import FILES, add_content_hash, file_of, stamp

#: The largest id a row can have: PostgreSQL's INTEGER (SQLite's is wider). Ids typed
#: into forms are held to the same bound (portal.forms.database_id).
MAX_DATABASE_ID = 2**31 - 1


class DatabaseId(IntegerConverter):
    """`<int:…>` bounded to the database's INTEGER range.

    An id larger than any row could have is a plain 404, not an overflow error in the
    database driver (SQLite refuses values past 64 bits, PostgreSQL past 32).
    """

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_DATABASE_ID)
        super().__init__(map, *args, **kwargs)


#: URLs kept per application; emptied when it holds this many (ids make them many).
MAX_REMEMBERED = 20_000


def remembered(app, build, endpoint, anchor, method, scheme, external, values):
    """`build(endpoint, …)`'s URL, built once per process for the same arguments and
    request host, scheme and script root (issue 12).

    A drawn page builds thirty to forty URLs (layout, navigation tabs, forms), and
    Flask's `url_for` with Werkzeug's map spends 10–25 µs on each: a tenth of drawing
    the section editor. The rules cannot change once the app serves, so the same
    arguments give the same URL, except through `url_defaults` callbacks. A file's URL
    names its content (portal/assets.py): it is kept with the file's size and time, and
    built again when they change. Once any other callback is registered, whose result
    nothing here can know, every URL is built each time.
    """
    key = _key(app, endpoint, anchor, method, scheme, external, values)
    if key is None:
        return build(endpoint, _anchor=anchor, _method=method, _scheme=scheme,
                     _external=external, **values)
    kept = app.remembered_urls.get(key)
    if kept is not None and (kept[1] is None or stamp(kept[1]) == kept[2]):
        return kept[0]
    path = file_of(endpoint, values) if endpoint in FILES else None
    stamped = stamp(path) if path is not None else None  # before the hash is read
    url = build(endpoint, _anchor=anchor, _method=method, _scheme=scheme, _external=external,
                **values)
    if endpoint in FILES and stamped is None:
        return url  # no such file: nothing to follow
    if len(app.remembered_urls) >= MAX_REMEMBERED:
        app.remembered_urls.clear()
    app.remembered_urls[key] = (url, path, stamped)
    return url


def _key(app, endpoint, anchor, method, scheme, external, values):
    if not has_request_context():
        return None
    if app.url_default_functions != _ONLY_CONTENT_HASH:
        return None
    environ = request.environ  # what Werkzeug builds the request's URL adapter from
    key = (endpoint, anchor, method, scheme, external, environ.get("HTTP_HOST"),
           environ.get("SERVER_NAME"), environ.get("SERVER_PORT"), environ["wsgi.url_scheme"],
           environ.get("SCRIPT_NAME"), request.blueprint if endpoint[:1] == "." else None)
    if values:
        # The type too: True == 1, but a rule's converter writes them apart.
        key += tuple((name, type(value), value) for name, value in values.items())
    try:
        hash(key)
    except TypeError:  # a list of values for one name, or another unhashable argument
        return None
    return key


_ONLY_CONTENT_HASH = {None: [add_content_hash]}

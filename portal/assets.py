"""Scripts and files the portal serves itself: htmx, the portal's and the themes' and
plugins' static files, each at a URL that names its content, cached for a year and
sent compressed.

htmx comes from the `django-js-lib-htmx` package, which ships htmx 2's script as
package data (importing it pulls in no web framework); nothing is fetched at run time.

Every URL of a file carries `v`, a hash of the file's bytes, added by `url_for` itself
(a `url_defaults` callback), so templates and plugins write `url_for('static', …)` or
`plugin_static(…)` as before. A response to a URL whose `v` is the file's current hash
may be kept by the browser for a year without asking again (`immutable`); after an
upgrade or a theme change the pages name new URLs. Any other URL of a file (an old `v`,
or none) is answered too, but must be checked again each time (`no-cache`), so nobody
keeps an outdated stylesheet.

CSS, JavaScript and SVG are compressed (flask-compress: brotli, else gzip). Pages are
not: each is made for one person, compressing it costs time on every request, and a
reverse proxy can do it where wanted (README, "Deploying with gunicorn and PostgreSQL").
"""
import hashlib
import os
from importlib.resources import files
from pathlib import Path

from flask import Blueprint, abort, current_app, request, send_from_directory, url_for
from flask_compress import Compress
from werkzeug.security import safe_join

bp = Blueprint("assets", __name__)

HTMX_DIR = files("js_lib_htmx") / "static" / "htmx"
HTMX_VERSION = __import__("js_lib_htmx").__version__.rsplit(".", 1)[0]
YEAR = 31536000
COMPRESSED = ["text/css", "text/javascript", "application/javascript", "image/svg+xml"]
_hashes = {}  # path: ((mtime_ns, size), hash)


@bp.route("/-/htmx/<version>/htmx.min.js")
def htmx_script(version):
    # The version in the URL names the content: the file is kept for a year.
    if version != HTMX_VERSION:
        abort(404)
    return send_from_directory(str(HTMX_DIR), "htmx.min.js", max_age=YEAR)


@bp.route("/-/plugins/<plugin>/<path:filename>")
def plugin_static(plugin, filename):
    path = _plugin_file(plugin, filename)
    if path is None:
        abort(404)
    return send_from_directory(path.parent, path.name)


def _inside(folder, filename):
    """`folder`/`filename` when it stays inside `folder` ("../" is refused), else None."""
    joined = safe_join(str(folder), filename)
    return Path(joined) if joined else None


def _plugin_file(plugin, filename):
    info = current_app.extensions["portal_plugins"].plugins.get(plugin)
    if info is None or info.status != "loaded":
        return None
    found = (_inside(folder, filename) for folder in info.static_folders)
    return next((path for path in found if path and path.is_file()), None)


def _theme_file(theme, filename):
    found = current_app.themes.get(theme)
    return _inside(found.static, filename) if found else None


#: The endpoints that serve files, and where each finds the file its URL names.
FILES = {
    "static": lambda filename: _inside(current_app.static_folder, filename),
    "themes.static": _theme_file,
    "assets.plugin_static": _plugin_file,
}


def file_of(endpoint, values):
    """The file a URL of a file endpoint names, when there is one; else None."""
    try:
        path = FILES[endpoint](**{k: v for k, v in values.items() if k != "v"})
    except (KeyError, TypeError):
        return None
    return path if path is not None and path.is_file() else None


def stamp(path):
    """The file's time and size, which change when its bytes do; None without a file."""
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_mtime_ns, found.st_size


def content_hash(path):
    """A short hash of the file's bytes, read again only when its size or time changes."""
    stamp_now = stamp(path)
    if stamp_now is None:
        raise FileNotFoundError(path)
    known = _hashes.get(path)
    if known is None or known[0] != stamp_now:
        known = _hashes[path] = (stamp_now, hashlib.sha256(path.read_bytes()).hexdigest()[:12])
    return known[1]


def add_content_hash(endpoint, values):
    if endpoint in FILES and "v" not in values:
        path = file_of(endpoint, values)
        if path is not None:
            values["v"] = content_hash(path)


def cache_for_a_year_when_named(response):
    """A year and `immutable` for a file asked for by its current hash; else no-cache.

    A file is read whole here (they are small), so that flask-compress, whose hook runs
    after this one, compresses it in one piece with gzip as well as brotli and keeps
    its length and ETag; it leaves a file sent as a stream as it is."""
    if (response.status_code == 200 and response.direct_passthrough
            and response.mimetype in COMPRESSED):
        response.direct_passthrough = False
        response.set_data(response.get_data())
    if request.endpoint in FILES and response.status_code in (200, 304):
        path = file_of(request.endpoint, request.view_args or {})
        named = path is not None and request.args.get("v") == content_hash(path)
        response.cache_control.public = True
        if named:
            response.cache_control.max_age = YEAR
            response.cache_control.immutable = True
            response.cache_control.no_cache = None  # send_file's default would undo the year
        else:
            response.cache_control.max_age = None
            response.cache_control.no_cache = True
    elif request.endpoint == "assets.htmx_script" and response.status_code in (200, 304):
        response.cache_control.public = True
        response.cache_control.immutable = True
    return response


def plugin_static_url(plugin, filename):
    return url_for("assets.plugin_static", plugin=plugin, filename=filename)


def init_app(app):
    app.register_blueprint(bp)
    app.url_defaults(add_content_hash)
    app.config.setdefault("COMPRESS_MIMETYPES", COMPRESSED)
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    app.config.setdefault("COMPRESS_STREAMS", False)
    Compress(app)
    app.after_request(cache_for_a_year_when_named)  # registered later, so it runs first
    app.add_template_global(plugin_static_url, "plugin_static")
    app.add_template_global(
        lambda: url_for("assets.htmx_script", version=HTMX_VERSION), "htmx_script_url"
    )

"""Scripts and files the portal serves itself: htmx, plugin static folders.

htmx comes from the `django-js-lib-htmx` package, which ships htmx 2's script as
package data (importing it pulls in no web framework); nothing is fetched at run time.
"""
from importlib.resources import files

from flask import Blueprint, abort, current_app, send_from_directory, url_for

bp = Blueprint("assets", __name__)

HTMX_DIR = files("js_lib_htmx") / "static" / "htmx"
HTMX_VERSION = __import__("js_lib_htmx").__version__.rsplit(".", 1)[0]


@bp.route("/-/htmx/<version>/htmx.min.js")
def htmx_script(version):
    # The version in the URL lets browsers cache the file for a year.
    return send_from_directory(str(HTMX_DIR), "htmx.min.js", max_age=31536000)


@bp.route("/-/plugins/<plugin>/<path:filename>")
def plugin_static(plugin, filename):
    info = current_app.extensions["portal_plugins"].plugins.get(plugin)
    if info is None or info.status != "loaded":
        abort(404)
    for folder in info.static_folders:
        if (folder / filename).is_file():
            return send_from_directory(folder, filename, max_age=3600)
    abort(404)


def plugin_static_url(plugin, filename):
    return url_for("assets.plugin_static", plugin=plugin, filename=filename)


def init_app(app):
    app.register_blueprint(bp)
    app.add_template_global(plugin_static_url, "plugin_static")
    app.add_template_global(
        lambda: url_for("assets.htmx_script", version=HTMX_VERSION), "htmx_script_url"
    )

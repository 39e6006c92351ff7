"""Themes: a folder with theme.toml, template overrides and static files.

Each theme gets its own Jinja environment, because Jinja caches templates by name and
one environment could not serve different overrides to two organizations. Loader
order: the active theme, then the default theme, then plugin template folders (sorted
by plugin name), then the portal's own templates. The `portal:` prefix skips themes
and plugins, so a theme can replace a page and still extend the original
(`{% extends "portal:base.html" %}`).
"""
import logging
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from flask import Blueprint, Flask, abort, current_app, g, has_request_context, send_from_directory
from jinja2 import ChoiceLoader, FileSystemLoader, PrefixLoader

from portal.urls import remembered

bp = Blueprint("themes", __name__)
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Theme:
    name: str
    title: str
    description: str
    path: Path
    colours: dict = field(default_factory=dict)
    logo: str = ""

    @property
    def templates(self):
        return self.path / "templates"

    @property
    def static(self):
        return self.path / "static"


def discover(themes_dir):
    """Read every `<dir>/<name>/theme.toml`; a theme whose file is broken is skipped."""
    themes = {}
    root = Path(themes_dir)
    if not root.is_dir():
        return themes
    for folder in sorted(root.iterdir()):
        meta_file = folder / "theme.toml"
        if not meta_file.is_file():
            continue
        try:
            meta = tomllib.loads(meta_file.read_text())
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            log.error("theme %s skipped: %s", folder.name, exc)
            continue
        themes[folder.name] = Theme(
            name=folder.name,
            title=meta.get("name", folder.name),
            description=meta.get("description", ""),
            path=folder,
            colours=meta.get("colours", {}),
            logo=meta.get("logo", ""),
        )
    return themes


def N_(text):
    return text


#: The shipped themes' names and descriptions (themes/*/theme.toml), here for the
#: catalog: pages show a theme's name and description through gettext, so a site's own
#: theme reads as written and a shipped one in the reader's language.
SHIPPED_THEME_TEXTS = (
    N_("Default"), N_("Calm blue and white, for everyday work."),
    N_("High contrast"),
    N_("Black on white with strong outlines, larger text and underlined links (WCAG AAA "
       "contrast)."),
)


class PortalFlask(Flask):
    """Flask with one Jinja environment per theme, picked for each request."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.theme_environments = {}
        self.themes = {}
        self.plugin_template_folders = []
        self.remembered_urls = {}  # portal/urls.py

    def url_for(self, endpoint, /, *, _anchor=None, _method=None, _scheme=None, _external=None,
                **values):
        """Flask's, with each URL built once per process (`portal.urls.remembered`)."""
        return remembered(self, super().url_for, endpoint, _anchor, _method, _scheme, _external,
                          values)

    def dispatch_request(self):
        """The view's response, or the page kept from the last time it was drawn on the
        same data (portal/page_cache.py)."""
        cache = self.extensions.get("portal_page_cache")
        if cache is None:
            return super().dispatch_request()
        return cache.dispatch(super().dispatch_request)

    def active_theme_name(self):
        """The theme of the signed-in person's organization, else the default. Read when a
        page is drawn, not before every request: a poll answered 204 or a file needs none."""
        if has_request_context():
            if "theme_name" not in g:
                from flask_login import current_user

                g.theme_name = (current_user.organization.theme
                                if current_user.is_authenticated else None)
            if g.theme_name in self.themes:
                return g.theme_name
        return self.config.get("PORTAL_DEFAULT_THEME", "default")

    @property
    def jinja_env(self):
        name = self.active_theme_name()
        env = self.theme_environments.get(name)
        if env is None:
            env = self.theme_environments[name] = self._theme_environment(name)
        return env

    def _theme_environment(self, name):
        env = self.create_jinja_environment()
        if self.theme_environments:
            # Filters and globals are registered at set-up on whichever came first.
            first = next(iter(self.theme_environments.values()))
            for extension in first.extensions.values():  # translations (portal/i18n.py)
                env.add_extension(type(extension))
            # After the extensions, whose set-up puts back Jinja's own `_`.
            env.filters.update(first.filters)
            env.globals.update(first.globals)
            env.tests.update(first.tests)
            env.policies.update(first.policies)
            env.newstyle_gettext = getattr(first, "newstyle_gettext", False)
        env.loader = self._theme_loader(name)
        return env

    def _theme_loader(self, name):
        own = self.create_global_jinja_loader()
        folders = []
        for theme_name in dict.fromkeys([name, self.config.get("PORTAL_DEFAULT_THEME")]):
            theme = self.themes.get(theme_name)
            if theme and theme.templates.is_dir():
                folders.append(FileSystemLoader(theme.templates))
        folders += [FileSystemLoader(f) for f in self.plugin_template_folders]
        return ChoiceLoader([PrefixLoader({"portal": own}, delimiter=":"), *folders, own])

    def set_plugin_template_folders(self, folders):
        """Plugins load after the first environment exists; give every one their folders."""
        self.plugin_template_folders = list(folders)
        for name, env in self.theme_environments.items():
            env.loader = self._theme_loader(name)


def asset_url(filename):
    """URL of a theme file: the active theme's copy if it has one, else the default's."""
    from flask import url_for

    app = current_app
    for name in (app.active_theme_name(), app.config["PORTAL_DEFAULT_THEME"]):
        theme = app.themes.get(name)
        if theme and (theme.static / filename).is_file():
            return url_for("themes.static", theme=name, filename=filename)
    return None


def theme_file_url(name, filename):
    """URL of one theme's file whatever the active theme (None if it has none): the
    high-contrast colours a person chose for themselves (accounts/display.py)."""
    from flask import url_for

    theme = current_app.themes.get(name)
    if theme and (theme.static / filename).is_file():
        return url_for("themes.static", theme=name, filename=filename)
    return None


@bp.route("/-/themes/<theme>/<path:filename>")
def static(theme, filename):
    found = current_app.themes.get(theme)
    if found is None:
        abort(404)
    return send_from_directory(found.static, filename)  # cached as assets.py says


def init_app(app):
    """The shipped themes, then the site's own folder, where a theme of the same name wins.

    Adding a theme must not take away the shipped ones: the default theme carries the
    layout's stylesheet, which every other theme builds on.
    """
    from portal.config import shipped_folder

    app.themes = {**discover(shipped_folder("portal.bundled_themes")),
                  **discover(app.config["PORTAL_THEMES_DIR"])}
    app.register_blueprint(bp)
    app.add_template_global(asset_url, "theme_asset")
    app.add_template_global(theme_file_url, "theme_file_url")
    app.add_template_global(lambda: app.active_theme_name(), "active_theme")

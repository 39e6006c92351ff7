"""Finding, registering and calling plugins without letting one break the portal.

Lessons from DESIGN §4: one PluginManager per application (kept in app.extensions),
built-ins from an explicit list, installed packages through our own entry-point loop
with a try/except each, a plugins folder of `*.py` files and packages; a plugin that
fails is unregistered and shown with its error; per-request hooks go through
`call_hook`, which skips a raising implementation instead of failing the page.
"""
import hashlib
import importlib
import importlib.metadata
import importlib.util
import logging
import sys
import os
import traceback
import types
from dataclasses import dataclass, field
from pathlib import Path

import peewee
import pluggy
from flask import Blueprint

from portal.plugins import faults, hookspecs
from portal.plugins.api import (
    FOUR_IS, AgendaPoint, CalendarEvent, DashboardCard, Evidence, HealthMeasure, NavItem,
    PrefilledAnswer,
)

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "partnership_portal.plugins"

#: The portal's own features, each a plugin of the same hooks (datasette's DEFAULT_PLUGINS):
#: a feature brings its blueprints, models, tabs and cards, so adding or removing one is
#: one line here.
DEFAULT_PLUGINS = ("portal.accounts.hooks", "portal.partnerships.hooks", "portal.agreements.hooks",
                   "portal.expectations.hooks", "portal.instruments.hooks", "portal.content.hooks",
                   "portal.notifications", "portal.mail", "portal.accounts.invitation_views",
                   "portal.reminders",
                   "portal.partnerships.calendar", "portal.meetings.hooks",
                   "portal.portfolio.hooks", "portal.scorecard.hooks", "portal.admin.hooks")
#: Plugins shipped in the top-level plugins/ folder, loaded in this order. They are
#: installed as sub-packages of `portal.builtin_plugins` (pyproject.toml).
BUILTIN_PACKAGE = "portal.builtin_plugins"
BUILTIN_PLUGINS = ("stage_guide", "relational_survey", "prm_assessment", "four_is_audit",
                   "six_principles", "vendor_checklist", "kirkpatrick",
                   "supplier_selection")


class PluginError(Exception):
    """A plugin could not be used; the message says why, for the admin page."""


@dataclass
class PluginInfo:
    name: str
    source: str  # "core", "built-in", "package <dist>", "folder <path>"
    version: str = ""
    status: str = "loaded"  # loaded, failed, disabled
    error: str = ""
    hooks: list = field(default_factory=list)
    problems: list = field(default_factory=list)  # loaded, but a part was refused
    template_folders: list = field(default_factory=list)
    static_folders: list = field(default_factory=list)
    module: object = None


@dataclass
class PluginHost:
    pm: pluggy.PluginManager
    strict: bool = False
    plugins: dict = field(default_factory=dict)

    @property
    def unhealthy(self):
        """Plugins that failed, or that loaded with a part refused: what an admin must fix."""
        return [p for p in self.plugins.values() if p.status == "failed" or p.problems]

    def refuse(self, name, problem):
        """Keep a plugin but refuse one of its contributions, and say so."""
        self.plugins[name].problems.append(problem)
        log.error("plugin %s: %s", name, problem)
        if self.strict:
            raise PluginError(f"plugin {name}: {problem}")

    @property
    def loaded(self):
        return [p for p in self.plugins.values() if p.status == "loaded"]

    def fail(self, name, error):
        """Mark a plugin failed and take its hooks out of every later call."""
        info = self.plugins[name]
        info.status, info.error = "failed", error
        plugin = self.pm.get_plugin(name)
        if plugin is not None:
            self.pm.unregister(plugin, name=name)
        log.error("plugin %s failed: %s", name, error)
        if self.strict:
            raise PluginError(f"plugin {name}: {error}")


def _short_error(exc):
    """The exception as Python prints its last line(s), without the module path of the
    class (an admin reads "WrongResult: …", not "portal.plugins.host.WrongResult: …")."""
    kind = type(exc)
    text = "".join(traceback.format_exception_only(kind, exc)).strip()
    return text.replace(f"{kind.__module__}.{kind.__qualname__}:", f"{kind.__name__}:", 1)


def _import_from_path(module_name, path, fresh=False):
    """Import a `name.py` file or a package folder under a private module name.

    `fresh` re-executes a module imported before: the plugins folder is read anew by
    every application built in this process, so an edited file is picked up.
    """
    if module_name in sys.modules and not fresh:
        return sys.modules[module_name]
    parent = module_name.rpartition(".")[0]
    if parent and parent not in sys.modules:
        # An empty parent package, so a plugin package's relative imports
        # (`from . import helpers`) resolve.
        namespace = types.ModuleType(parent)
        namespace.__path__ = []
        sys.modules[parent] = namespace
    if path.is_dir():
        spec = importlib.util.spec_from_file_location(
            module_name, path / "__init__.py", submodule_search_locations=[str(path)]
        )
    else:
        spec = importlib.util.spec_from_file_location(module_name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[module_name]
        raise
    return module


def _import_package(module_name):
    """(module, version, folder) of a plugin package importable by name."""
    module = importlib.import_module(module_name)
    return module, "", Path(module.__file__).resolve().parent


def _folder_candidates(folder):
    """`*.py` files and package folders; anything else (data, caches) is ignored."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith(("_", ".")):
            continue
        if path.is_file() and path.suffix == ".py":
            found.append((path.stem, path))
        elif path.is_dir() and (path / "__init__.py").is_file():
            found.append((path.name, path))
    return found


def _register(host, name, source, load, allowed=lambda name: True):
    """Import and register one plugin; on any failure leave the manager as it was."""
    if name in host.plugins:
        host.plugins[f"{name} ({source})"] = PluginInfo(
            name=name, source=source, status="failed",
            error=f"another plugin named {name!r} is already loaded "
                  f"({host.plugins[name].source})",
        )
        return
    info = host.plugins[name] = PluginInfo(name=name, source=source)
    if not allowed(name):
        info.status = "disabled"
        return
    try:
        module, version, folder = load()
        info.module, info.version = module, version or getattr(module, "__version__", "")
        host.pm.register(module, name=name)
        hook_callers = host.pm.get_hookcallers(module) or []
        unknown = sorted(hc.name for hc in hook_callers if not hc.has_spec())
        if unknown:
            raise PluginError(
                f"implements {', '.join(unknown)}, which is not a portal hook "
                "(misspelled?)"
            )
        wrappers = sorted(impl.function.__name__ for hc in hook_callers
                          for impl in hc.get_hookimpls()
                          if impl.plugin_name == name and (impl.wrapper or impl.hookwrapper))
        if wrappers:
            raise PluginError(
                f"{', '.join(wrappers)} is a wrapper (wrapper=True or hookwrapper=True): the "
                "portal calls each implementation on its own and cannot run wrappers; "
                "implement the hook plainly")
        info.hooks = sorted(hc.name for hc in hook_callers)
        if folder is not None:
            for sub, target in (("templates", info.template_folders),
                                ("static", info.static_folders)):
                if (folder / sub).is_dir():
                    target.append(folder / sub)
    except Exception as exc:  # noqa: BLE001 - any plugin error must not stop start-up
        host.fail(name, _short_error(exc))


def load_plugins(config):
    """Create the plugin manager for one application and register every plugin."""
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    host = PluginHost(pm=pm, strict=config["PORTAL_PLUGINS_STRICT"])
    allow, block = config["PORTAL_PLUGINS_ALLOW"], config["PORTAL_PLUGINS_BLOCK"]

    def allowed(name):
        return name not in block and (not allow or name in allow)

    for module_name in DEFAULT_PLUGINS:
        # Every feature keeps its hooks in a `hooks` module, so a core plugin is named
        # after its feature ("portal.instruments.hooks" is "instruments"), not "hooks".
        _register(host, module_name.removesuffix(".hooks").rsplit(".", 1)[-1], "core",
                  lambda m=module_name: (importlib.import_module(m), "", None))

    for name in BUILTIN_PLUGINS:
        _register(host, name, "built-in",
                  lambda n=name: _import_package(f"{BUILTIN_PACKAGE}.{n}"), allowed)

    if config["PORTAL_LOAD_INSTALLED_PLUGINS"]:
        for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
            dist = getattr(ep, "dist", None)
            source = f"package {dist.name}" if dist else "package"
            _register(host, ep.name, source,
                      lambda ep=ep, dist=dist: (ep.load(), dist.version if dist else "",
                                                None), allowed)

    folder = config.get("PORTAL_PLUGINS_DIR")
    if folder:
        tag = hashlib.sha1(str(Path(folder).resolve()).encode()).hexdigest()[:8]
        for name, path in _folder_candidates(folder):
            _register(host, name, f"folder {path}",
                      lambda p=path, n=name: (
                          _import_from_path(f"portal_folder_{tag}.{n}", p, fresh=True), "",
                          p if p.is_dir() else None),
                      allowed)
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:  # already reported per plugin
        log.error("%s", exc)
    return host


def _folder(value):
    return isinstance(value, (str, os.PathLike))


def _model(value):
    return isinstance(value, type) and issubclass(value, peewee.Model)


#: What each hook's implementations may return (one record or a list of them). A hook
#: not listed here returns nothing the portal reads.
RETURNS = {
    "portal_blueprints": ("a flask Blueprint", lambda v: isinstance(v, Blueprint)),
    "portal_template_folders": ("a folder path", _folder),
    "portal_static_folders": ("a folder path", _folder),
    "portal_migrations": ("a folder path", _folder),
    "portal_models": ("a peewee model class", _model),
    "portal_navigation_items": ("a NavItem", lambda v: isinstance(v, NavItem)),
    "portal_dashboard_cards": ("a DashboardCard", lambda v: isinstance(v, DashboardCard)),
    "portal_calendar_events": ("a CalendarEvent", lambda v: isinstance(v, CalendarEvent)),
    "portal_review_agenda_points": ("an AgendaPoint", lambda v: isinstance(v, AgendaPoint)),
    "portal_health_measures": ("a HealthMeasure", lambda v: isinstance(v, HealthMeasure)),
    "portal_audit_evidence": ("an Evidence naming one of " + ", ".join(FOUR_IS),
                              lambda v: isinstance(v, Evidence) and v.i in FOUR_IS),
    "portal_prefilled_answers": ("a PrefilledAnswer", lambda v: isinstance(v, PrefilledAnswer)),
}


def _instrument(value):
    from portal.instruments.api import Instrument

    return isinstance(value, Instrument)


def _results_panel(value):
    from portal.instruments.api import ResultsPanel

    return isinstance(value, ResultsPanel)


RETURNS["portal_instruments"] = ("an Instrument", _instrument)
RETURNS["portal_results_panels"] = ("a ResultsPanel", _results_panel)


class WrongResult(TypeError):
    """A hook implementation returned something the portal cannot use."""


def checked(hook_name, result):
    """The result as a list of records, or WrongResult naming what was expected."""
    items = as_list(result)
    if hook_name not in RETURNS:
        return items
    expected, fits = RETURNS[hook_name]
    for item in items:
        if not fits(item):
            raise WrongResult(f"{hook_name} returned {type(item).__name__} {str(item)[:80]!r}; "
                              f"expected {expected} or a list of them")
    return items


def ordered(impls):
    """Implementations in the order the portal calls them.

    pluggy calls the last registered first (LIFO), which is no order a user should see;
    the portal calls them in registration order, but keeps pluggy's promises: `tryfirst`
    implementations come before the others and `trylast` ones after them.
    """
    return ([i for i in impls if i.tryfirst] + [i for i in impls if not (i.tryfirst or i.trylast)]
            + [i for i in impls if i.trylast])


def _call_each(host, hook_name, kwargs, on_error):
    """Yield (plugin name, records) per implementation.

    pluggy stops at the first exception, which would let one plugin break a page for
    everyone, so the portal loops over the implementations itself and hands one that
    raises, or returns something of the wrong type, to `on_error` instead.
    """
    hook = getattr(host.pm.hook, hook_name)
    for impl in ordered(hook.get_hookimpls()):
        try:
            items = checked(hook_name, impl.function(*[kwargs[arg] for arg in impl.argnames]))
        except Exception as exc:  # noqa: BLE001
            on_error(impl.plugin_name, exc)
            continue
        if items:
            yield impl.plugin_name, items


def as_list(value):
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


def call_hook(host, hook_name, errors=None, **kwargs):
    """Call a per-request hook; a failing plugin is skipped and recorded, the page renders.

    Pass a list as `errors` to also receive (plugin name, message) for each failure,
    for pages that show one (an error card in place of a dashboard card).
    """

    def skip(plugin_name, exc):
        log.error("plugin %s failed in %s", plugin_name, hook_name, exc_info=exc)
        faults.record(plugin_name, hook_name, _short_error(exc))
        if errors is not None:
            errors.append((plugin_name, _short_error(exc)))
        if host.strict:
            raise exc

    return [(name, item) for name, items in _call_each(host, hook_name, kwargs, skip)
            for item in items]


def call_startup_hook(host, hook_name, **kwargs):
    """Call a start-up hook; a failing plugin is marked failed and unregistered."""

    def fail(plugin_name, exc):
        host.fail(plugin_name, f"{hook_name}: {_short_error(exc)}")

    return [(name, item) for name, items in _call_each(host, hook_name, kwargs, fail)
            for item in items]

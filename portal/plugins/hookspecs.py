"""Every hook a plugin can implement, in one module (the `portal_` prefix marks them).

Hooks are called with keyword arguments; an implementation names only the arguments
it needs, and new arguments may be added later without breaking it. Do not give
implementation arguments default values: pluggy does not pass them.
"""
import pluggy

PROJECT = "partnership_portal"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def portal_startup(app):
    """Called once when the application has been built, after every plugin is registered.

    Use it to read configuration, register template filters or warm a cache. `app` is the
    Flask application; keep what you store on it under `app.extensions[<your name>]`.
    """


@hookspec
def portal_blueprints():
    """Return a Flask Blueprint or a list of them to register on the application.

    Routes whose URL contains `<int:partnership_id>` are partnership-scoped: the portal
    checks membership before your view runs (non-members get 404, viewers cannot write).
    Blueprint names must be unique across plugins; a clash stops start-up.
    """


@hookspec
def portal_template_folders():
    """Return a folder or a list of folders holding Jinja templates.

    They are searched after the active theme and before the portal's own templates, so
    a plugin can override a portal template by path. Keep your own templates under a
    sub-folder named after your plugin. Plugins loaded from a folder that contains
    `templates/` get it added without implementing this hook.
    """


@hookspec
def portal_static_folders():
    """Return a folder (or a list) of static files served under /-/plugins/<plugin name>/.

    In templates, link them with `plugin_static("<plugin name>", "file.css")`. A plugin
    folder that contains `static/` gets it served without implementing this hook.
    """


@hookspec
def portal_navigation_items(user, partnership, membership):
    """Return NavItem records (or a list) for the navigation of the current page.

    `user` is the logged-in user (or an anonymous user), `partnership` the partnership
    the page belongs to or None outside one, and `membership` the user's
    PartnershipMember record there (with its `role`), or None. Items are sorted by their `weight`, then
    label, so the order a user sees does not depend on the order plugins loaded.
    """

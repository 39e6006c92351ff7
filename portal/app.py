"""The application factory: configuration, database, plugins, themes, blueprints.

Kept apart from the public API (`portal/api.py`, re-exported by `portal`), as datasette
keeps its app apart from its facade: a plugin imports the API, never the factory's
internals.
"""
import logging
from pathlib import Path


def create_app(test_config=None):
    """Build the application: config, database, plugins, themes, blueprints."""
    from htmx_flask import Htmx

    from portal import (assets, config, db, errors, fragments, health, inputs, layout,
                        migrations, i18n, notifications, page_cache, security, themes)
    from portal.accounts import auth
    from portal.instruments import registry as instrument_registry
    from portal.partnerships import access
    from portal.plugins.host import call_startup_hook, load_plugins
    from portal.urls import DatabaseId

    app = themes.PortalFlask(
        "portal", instance_path=str(config.instance_path()), instance_relative_config=True,
    )
    # Ids in URLs fit the database's INTEGER columns; anything larger is a plain 404.
    app.url_map.converters["int"] = DatabaseId
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(config.from_environment(app.instance_path))
    if test_config:
        app.config.update(test_config)
    if not app.debug:
        logging.basicConfig(level=logging.INFO)

    Htmx(app)
    db.init_app(app)
    health.init_app(app)
    security.init_app(app)
    security.trust_proxies(app)
    errors.init_app(app)
    inputs.init_app(app)
    auth.init_app(app)
    themes.init_app(app)
    assets.init_app(app)
    layout.init_app(app)
    fragments.init_app(app)
    notifications.init_app(app)

    host = load_plugins(app.config)
    app.extensions["portal_plugins"] = host
    i18n.init_app(app, host)
    app.extensions["portal_migrations"] = migrations.collect(host)
    app.register_blueprint(health.bp)
    _install_plugins(app, host)
    instrument_registry.collect(app, host)
    page_cache.init_app(app)
    app.before_request(lambda: access.enforce(app))
    call_startup_hook(host, "portal_startup", app=app)
    return app


def _install_plugins(app, host):
    """Templates, static folders and blueprints from plugins.

    Of two blueprints with one name, the second is refused and listed under its plugin;
    the portal still starts, so the plugins page and `portal plugins` can say so.
    """
    from portal.plugins.host import call_startup_hook

    for hook, attribute in (("portal_template_folders", "template_folders"),
                            ("portal_static_folders", "static_folders")):
        for name, folder in call_startup_hook(host, hook):
            getattr(host.plugins[name], attribute).append(Path(folder))
    app.set_plugin_template_folders(
        folder for info in sorted(host.loaded, key=lambda info: info.name)
        for folder in info.template_folders)
    owners = {bp_name: "the portal" for bp_name in app.blueprints}
    for plugin_name, blueprint in call_startup_hook(host, "portal_blueprints"):
        if blueprint.name in owners:
            host.refuse(plugin_name, f"blueprint {blueprint.name!r} refused: "
                        f"{owners[blueprint.name]} already uses that name. Rename one of them.")
            continue
        owners[blueprint.name] = f"plugin {plugin_name!r}"
        app.register_blueprint(blueprint)

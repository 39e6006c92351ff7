"""The plugin host: discovery, isolation of broken plugins, hooks, the admin page."""
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import login

from portal.plugins.host import PluginError

ROOT = Path(__file__).resolve().parent.parent


def write(folder, name, source):
    path = Path(folder) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(source))
    return path


def plugin_row(html, name):
    start = html.index(f'data-plugin="{name}"')
    return html[start:html.index("</tr>", start)]


def test_builtin_plugins_are_listed_with_version_source_and_hooks(app, client, demo):
    login(client, "admin@portal.example")
    html = client.get("/admin/plugins").get_data(as_text=True)
    row = plugin_row(html, "stage_guide")
    assert "1.0.0" in row and "built-in" in row and "loaded" in row
    assert "portal_blueprints" in row and "portal_navigation_items" in row


def test_broken_plugin_file_leaves_the_portal_up_and_is_reported(make_app, demo_factory=None):
    write(make_app.plugins_dir, "broken.py", "import this_module_does_not_exist\n")
    write(make_app.plugins_dir, "syntax.py", "def oops(:\n")
    write(make_app.plugins_dir, "notes.txt", "not a plugin")
    app = make_app()
    from portal.demo import load_demo

    with app.app_context():
        load_demo("correct horse battery")
    client = app.test_client()
    login(client, "admin@portal.example")
    html = client.get("/admin/plugins").get_data(as_text=True)
    assert "ModuleNotFoundError: No module named &#39;this_module_does_not_exist&#39;" in plugin_row(html, "broken")
    assert "SyntaxError" in plugin_row(html, "syntax")
    assert "notes" not in html
    assert client.get("/partnerships").status_code == 200


def test_misspelled_hook_fails_that_plugin_only(make_app):
    write(make_app.plugins_dir, "typo.py", """
        from portal import hookimpl

        @hookimpl
        def portal_navigation_itemz(user):
            return []
    """)
    host = make_app().extensions["portal_plugins"]
    assert host.plugins["typo"].status == "failed"
    assert "portal_navigation_itemz, which is not a portal hook" in host.plugins["typo"].error
    assert host.pm.get_plugin("typo") is None
    assert host.plugins["stage_guide"].status == "loaded"


def test_hook_asking_for_an_unknown_argument_fails_cleanly(make_app):
    write(make_app.plugins_dir, "badargs.py", """
        from portal import hookimpl

        @hookimpl
        def portal_navigation_items(user, spaceship):
            return []
    """)
    host = make_app().extensions["portal_plugins"]
    assert host.plugins["badargs"].status == "failed"
    assert "spaceship" in host.plugins["badargs"].error


def test_strict_mode_turns_plugin_failures_into_errors(make_app):
    write(make_app.plugins_dir, "broken.py", "raise RuntimeError('plugin exploded')\n")
    with pytest.raises(PluginError, match="plugin exploded"):
        make_app(PORTAL_PLUGINS_STRICT=True)


def test_raising_navigation_hook_is_skipped_and_the_page_renders(make_app):
    write(make_app.plugins_dir, "flaky.py", """
        from portal import hookimpl

        @hookimpl
        def portal_navigation_items(user):
            raise ValueError("flaky plugin")
    """)
    app = make_app()
    from portal.demo import load_demo

    with app.app_context():
        load_demo("correct horse battery")
    client = app.test_client()
    login(client, "admin@portal.example")
    page = client.get("/partnerships")
    assert page.status_code == 200 and "Site admin" in page.get_data(as_text=True)
    html = client.get("/admin/plugins").get_data(as_text=True)
    assert "flaky" in html and "ValueError: flaky plugin" in html


def test_folder_plugin_package_brings_routes_templates_and_static(make_app):
    folder = make_app.plugins_dir / "folderplug"
    write(folder, "__init__.py", """
        from flask import Blueprint, g, render_template
        from portal import NavItem, hookimpl

        __version__ = "2.5"
        bp = Blueprint("folderplug", __name__)

        @bp.route("/partnerships/<int:partnership_id>/folderplug")
        def page(partnership_id):
            return render_template("folderplug/page.html", partnership=g.partnership)

        @hookimpl
        def portal_blueprints():
            return [bp]

        @hookimpl
        def portal_navigation_items(partnership, membership):
            if membership is not None:
                return NavItem("Folder plug", f"/partnerships/{partnership.id}/folderplug",
                               weight=5, area="partnership")
    """)
    write(folder, "templates/folderplug/page.html", """
        {% extends "partnerships/_layout.html" %}
        {% block partnership_content %}<p id="plug">Hello from a folder plugin
        <link rel="stylesheet" href="{{ plugin_static('folderplug', 'plug.css') }}"></p>{% endblock %}
    """)
    write(folder, "static/plug.css", "#plug { color: green }\n")
    app = make_app()
    from portal.demo import load_demo

    with app.app_context():
        partnership, _ = load_demo("correct horse battery")
    client = app.test_client()
    login(client, "jim@supplier.example")
    html = client.get(f"/partnerships/{partnership.id}/folderplug").get_data(as_text=True)
    assert "Hello from a folder plugin" in html
    # weight 5 puts the plugin's tab before the portal's own "Overview" (weight 10)
    assert html.index("Folder plug") < html.index(">Overview<")
    css = client.get("/-/plugins/folderplug/plug.css")
    assert css.status_code == 200 and b"green" in css.data
    assert client.get("/-/plugins/folderplug/../__init__.py").status_code == 404
    info = app.extensions["portal_plugins"].plugins["folderplug"]
    assert info.version == "2.5" and info.source.startswith("folder ")


def test_of_two_blueprints_with_one_name_the_second_is_refused_and_the_portal_starts(make_app):
    for name in ("one", "two"):
        write(make_app.plugins_dir, f"{name}.py", """
            from flask import Blueprint
            from portal import hookimpl

            bp = Blueprint("same_name", __name__)

            @hookimpl
            def portal_blueprints():
                return bp
        """)
    app = make_app()
    plugins = app.extensions["portal_plugins"].plugins
    assert plugins["one"].problems == [] and plugins["two"].status == "loaded"
    assert plugins["two"].problems == [
        "blueprint 'same_name' refused: plugin 'one' already uses that name. Rename one of them."]
    assert app.test_client().get("/login").status_code == 200
    with pytest.raises(Exception, match="blueprint 'same_name' refused"):
        make_app(PORTAL_PLUGINS_STRICT=True)


def test_block_and_allow_lists(make_app):
    app = make_app(PORTAL_PLUGINS_BLOCK={"stage_guide"})
    assert app.extensions["portal_plugins"].plugins["stage_guide"].status == "disabled"
    assert "stage_guide.guide" not in app.view_functions
    write(make_app.plugins_dir, "extra.py", "VALUE = 1\n")
    app = make_app(PORTAL_PLUGINS_ALLOW={"extra"})
    plugins = app.extensions["portal_plugins"].plugins
    assert plugins["extra"].status == "loaded" and plugins["stage_guide"].status == "disabled"
    assert plugins["partnerships"].status == "loaded"  # core features cannot be switched off


@pytest.fixture
def installed_packages(tmp_path, monkeypatch):
    """Two installed distributions declaring entry points: one good, one broken."""
    site = tmp_path / "site"
    write(site, "good_portal_plugin/__init__.py", """
        from portal import NavItem, hookimpl

        @hookimpl
        def portal_navigation_items(user):
            if user is not None:
                return NavItem("From a package", "/partnerships", weight=50)
    """)
    write(site, "good_portal_plugin-3.1.4.dist-info/METADATA",
          "Metadata-Version: 2.1\nName: good-portal-plugin\nVersion: 3.1.4\n")
    write(site, "good_portal_plugin-3.1.4.dist-info/entry_points.txt",
          "[partnership_portal.plugins]\ngood = good_portal_plugin\n")
    write(site, "bad_portal_plugin-0.1.dist-info/METADATA",
          "Metadata-Version: 2.1\nName: bad-portal-plugin\nVersion: 0.1\n")
    write(site, "bad_portal_plugin-0.1.dist-info/entry_points.txt",
          "[partnership_portal.plugins]\nbad = bad_portal_plugin_missing_module\n")
    monkeypatch.syspath_prepend(str(site))
    yield site
    sys.modules.pop("good_portal_plugin", None)


def test_installed_packages_are_found_through_the_entry_point_group(make_app, installed_packages):
    app = make_app(PORTAL_LOAD_INSTALLED_PLUGINS=True)
    plugins = app.extensions["portal_plugins"].plugins
    assert plugins["good"].status == "loaded"
    assert plugins["good"].version == "3.1.4"
    assert plugins["good"].source == "package good-portal-plugin"
    assert plugins["bad"].status == "failed" and "No module named" in plugins["bad"].error
    from portal.demo import load_demo

    with app.app_context():
        load_demo("correct horse battery")
    client = app.test_client()
    login(client, "peggy@client.example")
    assert "From a package" in client.get("/partnerships").get_data(as_text=True)


def test_the_test_suite_ignores_installed_packages_by_default(make_app, installed_packages):
    assert "good" not in make_app().extensions["portal_plugins"].plugins


def test_portal_startup_hook_receives_the_app(make_app):
    write(make_app.plugins_dir, "starter.py", """
        from portal import hookimpl

        @hookimpl
        def portal_startup(app):
            app.extensions["starter"] = "started"
    """)
    assert make_app().extensions["starter"] == "started"


def test_template_folders_hook_adds_a_folder(make_app, tmp_path):
    extra = tmp_path / "extra_templates"
    write(extra, "extra/hello.html", "hello from {{ who }}")
    write(make_app.plugins_dir, "templ.py", f"""
        from portal import hookimpl

        @hookimpl
        def portal_template_folders():
            return [{str(extra)!r}]
    """)
    app = make_app()
    with app.test_request_context():
        from flask import render_template

        assert render_template("extra/hello.html", who="a plugin") == "hello from a plugin"


def test_static_folders_hook_serves_files(make_app, tmp_path):
    extra = tmp_path / "extra_static"
    write(extra, "logo.svg", "<svg/>")
    write(make_app.plugins_dir, "statics.py", f"""
        from portal import hookimpl

        @hookimpl
        def portal_static_folders():
            return {str(extra)!r}
    """)
    app = make_app()
    assert app.test_client().get("/-/plugins/statics/logo.svg").data == b"<svg/>"


def test_a_plugin_package_imports_its_own_modules(make_app):
    folder = make_app.plugins_dir / "packaged"
    write(folder, "helpers.py", "GREETING = 'hello from a helper module'\n")
    write(folder, "__init__.py", """
        from portal import hookimpl
        from . import helpers

        @hookimpl
        def portal_startup(app):
            app.extensions["packaged"] = helpers.GREETING
    """)
    app = make_app(PORTAL_PLUGINS_STRICT=True)
    assert app.extensions["packaged"] == "hello from a helper module"

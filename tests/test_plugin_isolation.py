"""Misbehaving plugins: each case leaves every page served and tells the admin what broke.

A wrong return type counts as a raise, wrappers are refused when the plugin registers,
`tryfirst`/`trylast` keep pluggy's meaning, two instruments with one id leave the
portal running, and errors met while serving are stored once each, with a count.
"""
import textwrap

from click.testing import CliRunner
from conftest import DEMO_PASSWORD, login
from flask.cli import ScriptInfo
from instrument_helpers import write_pulse

from portal import cli
from portal.demo import load_demo
from portal.plugins import faults
from portal.plugins.host import call_hook


def write(folder, name, source):
    (folder / name).write_text(textwrap.dedent(source))


def started(make_app, **config):
    app = make_app(**config)
    with app.app_context():
        load_demo(DEMO_PASSWORD)
    return app


def plugins_command(app, *args):
    return CliRunner().invoke(cli.main, ["plugins", *args], obj=ScriptInfo(create_app=lambda: app))


def pages_a_user_meets(client):
    """The pages every visitor goes through, including the error page."""
    return {path: client.get(path).status_code
            for path in ("/login", "/partnerships", "/partnerships/1/", "/no/such/page")}


def test_a_hook_returning_the_wrong_type_is_skipped_like_a_raise(make_app):
    write(make_app.plugins_dir, "dicty.py", """
        from portal import hookimpl

        @hookimpl
        def portal_navigation_items():
            return {"label": "Oops", "url": "/oops"}
    """)
    app = started(make_app)
    visitor = app.test_client()
    assert visitor.get("/login").status_code == 200
    client = app.test_client()
    login(client, "admin@portal.example")
    assert pages_a_user_meets(client) == {"/login": 302, "/partnerships": 200,
                                          "/partnerships/1/": 404, "/no/such/page": 404}
    peggy = app.test_client()
    login(peggy, "peggy@client.example")
    assert peggy.get("/partnerships/1/").status_code == 200
    with app.app_context():
        recorded = faults.recent()
    assert [(f.plugin, f.hook) for f in recorded] == [("dicty", "portal_navigation_items")]
    assert "returned dict" in recorded[0].message and "NavItem" in recorded[0].message
    html = client.get("/admin/plugins").get_data(as_text=True)
    assert 'id="fault-table"' in html and "returned dict" in html


def test_an_error_met_on_every_page_is_listed_once_with_its_count_and_survives_a_restart(make_app):
    write(make_app.plugins_dir, "flaky.py", """
        from portal import hookimpl

        @hookimpl
        def portal_navigation_items(user):
            raise ValueError("flaky plugin")
    """)
    app = started(make_app)
    client = app.test_client()
    login(client, "peggy@client.example")
    for _ in range(25):
        assert client.get("/partnerships").status_code == 200
    with app.app_context():
        faults.flush()
    restarted = make_app()  # a new process would read the same rows
    with restarted.app_context():
        (fault,) = faults.recent()
    assert (fault.plugin, fault.hook, fault.message) == (
        "flaky", "portal_navigation_items", "ValueError: flaky plugin")
    assert fault.count >= 26  # the 25 pages and the login redirect's page
    listed = plugins_command(restarted)
    assert "flaky in portal_navigation_items: ValueError: flaky plugin (" in listed.output
    assert listed.output.count("ValueError: flaky plugin") == 1


def test_a_wrapper_is_refused_when_the_plugin_registers(make_app):
    write(make_app.plugins_dir, "wrapping.py", """
        from portal import hookimpl

        @hookimpl(wrapper=True)
        def portal_navigation_items():
            result = yield
            return result
    """)
    app = started(make_app)
    info = app.extensions["portal_plugins"].plugins["wrapping"]
    assert info.status == "failed" and "is a wrapper" in info.error
    client = app.test_client()
    login(client, "peggy@client.example")
    assert client.get("/partnerships/1/").status_code == 200
    listed = plugins_command(app)
    assert listed.exit_code == 1 and "wrapping - [failed]" in listed.output


def test_tryfirst_and_trylast_keep_their_meaning_and_the_rest_come_in_load_order(make_app):
    for name, marker in (("a_last", "trylast=True"), ("b_plain", ""), ("c_first", "tryfirst=True"),
                         ("d_plain", "")):
        write(make_app.plugins_dir, f"{name}.py", f"""
            from portal import NavItem, hookimpl

            @hookimpl({marker})
            def portal_navigation_items():
                return NavItem("{name}", "/{name}")
        """)
    app = make_app()
    with app.test_request_context():
        called = [item.label for name, item in call_hook(
            app.extensions["portal_plugins"], "portal_navigation_items",
            user=None, partnership=None, membership=None) if name.endswith(("_last", "_plain", "_first"))]
    assert called == ["c_first", "b_plain", "d_plain", "a_last"]


def test_two_instruments_with_one_id_the_second_is_refused_and_the_portal_starts(make_app):
    write_pulse(make_app.plugins_dir, name="pulse")
    write_pulse(make_app.plugins_dir, name="pulse_again")
    app = started(make_app)  # the fixture also ran `portal db upgrade`
    assert "pulse" in app.extensions["portal_instruments"]
    assert app.extensions["portal_instruments"]["pulse"][0] == "pulse"
    again = app.extensions["portal_plugins"].plugins["pulse_again"]
    assert again.status == "loaded" and "instrument 'pulse' refused" in again.problems[0]
    client = app.test_client()
    login(client, "admin@portal.example")
    assert "instrument &#39;pulse&#39; refused" in client.get("/admin/plugins").get_data(as_text=True)
    listed = plugins_command(app)
    assert listed.exit_code == 1 and "refused: instrument 'pulse' refused" in listed.output
    assert "pulse_again" in listed.output


def test_portal_plugins_exits_0_when_every_plugin_is_well(app):
    listed = plugins_command(app)
    assert listed.exit_code == 0, listed.output
    assert "need attention" not in listed.output

"""The `portal` command."""
import sqlite3

import pytest
from click.testing import CliRunner

from flask.cli import ScriptInfo

from throwaway_postgres import free_port

from portal import cli
from portal.accounts.models import User
from portal.db import is_sqlite
from portal.migrations import schema_behind, status


@pytest.fixture
def run(app, monkeypatch):
    monkeypatch.setattr(cli, "create_app", lambda: app)

    def invoke(*args, **kwargs):
        runner = CliRunner()
        return runner.invoke(cli.main, list(args), obj=ScriptInfo(create_app=lambda: app),
                             catch_exceptions=False, **kwargs)

    return invoke


def test_db_upgrade_reports_each_component_and_is_idempotent(app, run):
    result = run("db", "upgrade")
    assert result.exit_code == 0, result.output
    assert "nothing to do: the schema is current" in result.output
    for component in ("core", "kirkpatrick", "supplier_selection"):
        assert f"\n{component} " in "\n" + result.output
    with app.app_context():
        assert schema_behind(app) == {}
        core = next(s for s in status(app) if s.name == "core")
        assert core.applied[0] == "001_baseline" and core.pending == ()


def test_db_status_exits_1_and_names_pending_steps(app, run, make_app):
    from portal.db import database

    with app.app_context():
        database.execute_sql("DELETE FROM migrate_history_plugin_kirkpatrick")
    result = run("db", "status")
    assert result.exit_code == 1
    assert "kirkpatrick" in result.output and "pending: 001_baseline" in result.output
    assert "portal db upgrade" in result.output


def test_create_user_with_a_new_organization(app, run):
    result = run("create-user", "--email", "Lee@Acme.example", "--name", "Lee",
                 "--organization", "Acme", "--kind", "supplier", "--org-admin",
                 "--password", "long enough password")
    assert result.exit_code == 0, result.output
    with app.app_context():
        lee = User.get(User.email == "lee@acme.example")
        assert lee.is_org_admin and lee.organization.kind == "supplier"
        assert lee.check_password("long enough password")
    again = run("create-user", "--email", "lee@acme.example", "--name", "Lee",
                "--organization", "Acme", "--password", "long enough password")
    assert again.exit_code != 0 and "already has an account" in again.output


def test_create_user_refuses_short_passwords_and_unknown_organizations(run):
    assert "at least 10" in run("create-user", "--email", "a@b.example", "--name", "A",
                                "--organization", "Nowhere", "--kind", "client",
                                "--password", "short").output
    assert "pass --kind" in run("create-user", "--email", "a@b.example", "--name", "A",
                                "--organization", "Nowhere",
                                "--password", "long enough password").output


def test_plugins_command_lists_plugins_with_hooks(run):
    result = run("plugins")
    assert "stage_guide 1.0.0 [loaded] built-in" in result.output
    assert "portal_blueprints" in result.output


def test_plugins_command_shows_a_failed_plugin(make_app, monkeypatch):
    (make_app.plugins_dir / "broken.py").write_text("1/0\n")
    app = make_app()
    result = CliRunner().invoke(cli.main, ["plugins"], obj=ScriptInfo(create_app=lambda: app))
    assert "broken - [failed]" in result.output and "ZeroDivisionError" in result.output


def test_backup_writes_a_consistent_copy(app, demo, run, tmp_path):
    target = tmp_path / "backup.sqlite"
    if not is_sqlite():
        import shutil

        if shutil.which("pg_dump") is None:
            pytest.skip("pg_dump is not on PATH")
    result = run("backup", str(target))
    assert result.exit_code == 0, result.output
    assert target.stat().st_size > 0
    if is_sqlite():
        copy = sqlite3.connect(target)
        emails = {row[0] for row in copy.execute("SELECT email FROM user")}
        assert "peggy@client.example" in emails
        copy.close()
    assert run("backup", str(target)).exit_code != 0  # never overwrites


class FakeServer:
    """Stands in for Werkzeug's server: records that the demo got as far as serving."""

    def __init__(self, host, port, app, **kwargs):
        self.host, self.port, self.served = host, port, False

    def serve_forever(self):
        self.served = True

    def server_close(self):
        pass


def test_demo_prints_the_password_and_serves(app, run, monkeypatch):
    servers = []
    monkeypatch.setenv("PORTAL_DEMO_PASSWORD", "fixed demo password")
    monkeypatch.setattr("werkzeug.serving.make_server",
                        lambda *a, **kw: servers.append(FakeServer(*a, **kw)) or servers[-1])
    port = free_port()  # never a fixed one: the SQLite and PostgreSQL runs go side by side
    result = run("demo", "--port", str(port))
    assert result.exit_code == 0, result.output
    assert "fixed demo password" in result.output
    assert "peggy@client.example" in result.output and "jim@supplier.example" in result.output
    assert f"Instance folder: {app.instance_path}" in result.output
    assert (servers[0].host, servers[0].port, servers[0].served) == ("127.0.0.1", port, True)
    assert f"demo: http://127.0.0.1:{port}/login" in result.output
    with app.app_context():
        assert User.get(User.email == "jim@supplier.example").check_password("fixed demo password")
        from portal.instruments.models import Response, Run

        titles = {run.title for run in Run.select()}
        assert {"Relational survey, autumn", "PRM assessment", "Vendor checklist"} <= titles
        assert Response.select().count() > 10
        # README / decisions: without a mail server the demo runs `portal reminders` once,
        # and the mail it would send shows on each person's page.
        from portal.mail import Mail

        assert Mail.select().where(Mail.delivery == "page").count() > 0
        assert "under \"Your e-mail\"" in result.output
        runs_before = Run.select().count()
        from portal.agreements.models import AgreementVersion, SectionRevision

        assert AgreementVersion.get().in_force_at is not None
        assert SectionRevision.select().count() == 9  # eight sections, one edited since
        from portal.content.cohorts import Cohort, Post
        from portal.content.models import Pin

        assert Cohort.select().count() == 1 and Post.select().count() == 2
        assert Pin.select().count() == 2
    # A start after the first one ended keeps the data and resets the passwords.
    monkeypatch.setenv("PORTAL_DEMO_PASSWORD", "another password")
    again = run("demo", "--port", str(free_port()))
    assert again.exit_code == 0, again.output
    with app.app_context():
        assert User.select().where(User.email == "jim@supplier.example").count() == 1
        assert User.get(User.email == "jim@supplier.example").check_password("another password")
        assert Run.select().count() == runs_before
        assert SectionRevision.select().count() == 9
        assert Cohort.select().count() == 1


def test_a_second_demo_on_a_busy_port_changes_nothing(app, run, monkeypatch):
    import socket

    monkeypatch.setenv("PORTAL_DEMO_PASSWORD", "first demo password")
    monkeypatch.setattr("werkzeug.serving.make_server", FakeServer)
    assert run("demo", "--port", str(free_port())).exit_code == 0
    monkeypatch.undo()
    monkeypatch.setenv("PORTAL_DEMO_PASSWORD", "second demo password")
    with socket.socket() as busy:  # the first demo, still serving
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        result = run("demo", "--port", str(busy.getsockname()[1]))
    assert result.exit_code != 0 and "is in use" in result.output and "--port" in result.output
    with app.app_context():
        assert User.get(User.email == "jim@supplier.example").check_password("first demo password")


def test_a_second_demo_on_the_same_database_changes_nothing(app, run, monkeypatch):
    from portal.demo import exclusive

    monkeypatch.setenv("PORTAL_DEMO_PASSWORD", "first demo password")
    monkeypatch.setattr("werkzeug.serving.make_server", FakeServer)
    assert run("demo", "--port", str(free_port())).exit_code == 0
    monkeypatch.setenv("PORTAL_DEMO_PASSWORD", "second demo password")
    with exclusive(app):  # the first demo holds the database while it serves
        result = run("demo", "--port", str(free_port()))
    assert result.exit_code != 0 and "Another `portal demo` is using this database" in result.output
    with app.app_context():
        assert User.get(User.email == "jim@supplier.example").check_password("first demo password")


def test_serve_refuses_a_schema_behind_the_code(app, run, monkeypatch):
    from gunicorn.app.base import BaseApplication

    from portal.db import database

    monkeypatch.setattr(BaseApplication, "run", lambda self: pytest.fail("gunicorn started"))
    with app.app_context():
        database.execute_sql("DELETE FROM migrate_history_core WHERE name = '002_drop_schema_version'")
    result = run("serve")
    assert result.exit_code != 0
    assert "behind this code: core (002_drop_schema_version)" in result.output
    assert "portal db upgrade" in result.output


def test_serve_runs_gunicorn_sync_workers_without_control_socket(app, run, monkeypatch):
    from gunicorn.app.base import BaseApplication

    seen = {}

    def fake_run(self):
        seen.update({name: self.cfg.settings[name].get()
                     for name in ("bind", "workers", "worker_class", "control_socket_disable")})
        seen["app"] = self.load()

    monkeypatch.setattr(BaseApplication, "run", fake_run)
    result = run("serve", "--bind", "127.0.0.1:8999", "--workers", "3")
    assert result.exit_code == 0, result.output
    assert seen["bind"] == ["127.0.0.1:8999"] and seen["workers"] == 3
    assert seen["worker_class"] == "sync" and seen["control_socket_disable"] is True
    assert seen["app"] is app

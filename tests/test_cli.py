"""The `portal` command."""
import sqlite3

import pytest
from click.testing import CliRunner

from flask.cli import ScriptInfo

from portal import cli
from portal.accounts.models import User
from portal.db import is_sqlite
from portal.migrations import SchemaVersion, current_version, latest_version


@pytest.fixture
def run(app, monkeypatch):
    monkeypatch.setattr(cli, "create_app", lambda: app)

    def invoke(*args, **kwargs):
        runner = CliRunner()
        return runner.invoke(cli.main, list(args), obj=ScriptInfo(create_app=lambda: app),
                             catch_exceptions=False, **kwargs)

    return invoke


def test_db_upgrade_records_the_schema_version_and_is_idempotent(app, run):
    result = run("db", "upgrade")
    assert result.exit_code == 0
    assert f"schema version {latest_version()}" in result.output
    with app.app_context():
        assert current_version() == latest_version()
        assert SchemaVersion.select().count() == len(__import__("portal.migrations").migrations.MIGRATIONS)


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


def test_demo_prints_the_password_and_serves(app, run, monkeypatch):
    served = {}
    monkeypatch.setenv("PORTAL_DEMO_PASSWORD", "fixed demo password")
    monkeypatch.setattr("werkzeug.serving.run_simple",
                        lambda host, port, application, **kw: served.update(host=host, port=port))
    result = run("demo", "--port", "8765")
    assert result.exit_code == 0, result.output
    assert "fixed demo password" in result.output
    assert "peggy@client.example" in result.output and "jim@supplier.example" in result.output
    assert served == {"host": "127.0.0.1", "port": 8765}
    with app.app_context():
        assert User.get(User.email == "jim@supplier.example").check_password("fixed demo password")
        from portal.instruments.models import Response, Run

        titles = {run.title for run in Run.select()}
        assert {"Relational survey, autumn", "PRM assessment", "Vendor checklist"} <= titles
        assert Response.select().count() > 10
        runs_before = Run.select().count()
        from portal.agreements.models import AgreementVersion, SectionRevision

        assert AgreementVersion.get().in_force_at is not None
        assert SectionRevision.select().count() == 9  # eight sections, one edited since
        from portal.content.cohorts import Cohort, Post
        from portal.content.models import Pin

        assert Cohort.select().count() == 1 and Post.select().count() == 2
        assert Pin.select().count() == 2
    # A second start keeps the data and resets the passwords to the printed one.
    monkeypatch.setenv("PORTAL_DEMO_PASSWORD", "another password")
    run("demo")
    with app.app_context():
        assert User.select().where(User.email == "jim@supplier.example").count() == 1
        assert User.get(User.email == "jim@supplier.example").check_password("another password")
        assert Run.select().count() == runs_before
        assert SectionRevision.select().count() == 9
        assert Cohort.select().count() == 1


def test_serve_upgrades_then_runs_gunicorn_sync_workers_without_control_socket(app, run, monkeypatch):
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
    with app.app_context():
        assert current_version() == latest_version()

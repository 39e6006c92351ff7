"""The `portal` command: demo, serve, db upgrade, create-user, plugins, backup."""
import getpass
import os
import shutil
import sqlite3
import subprocess
import sys

import click
from flask.cli import FlaskGroup, with_appcontext
from flask import current_app

from portal import create_app


def _upgrade(app):
    from portal.migrations import upgrade

    with app.app_context():
        return upgrade()


@click.group(cls=FlaskGroup, create_app=create_app, add_version_option=False,
             add_default_commands=False)
def main():
    """Partnership Portal: run it, upgrade its database, manage people and plugins."""


@main.group()
def db():
    """Database schema commands."""


@db.command("upgrade")
@with_appcontext
def db_upgrade():
    """Apply pending schema migrations (safe to run on every start)."""
    from portal.migrations import current_version

    applied = _upgrade(current_app)
    for version, description in applied:
        click.echo(f"applied {version}: {description}")
    click.echo(f"schema version {current_version()}")


@main.command()
@click.option("--port", default=8000, show_default=True, help="Port to serve on.")
@click.option("--host", default="127.0.0.1", show_default=True)
@with_appcontext
def demo(port, host):
    """Load demo data into the database and serve the portal on 127.0.0.1:PORT."""
    from portal.demo import (PEOPLE, demo_password, load_demo, load_demo_agreement,
                             load_demo_expectations, load_demo_library, load_demo_runs)

    app = current_app._get_current_object()
    _upgrade(app)
    password = demo_password()
    with app.test_request_context():  # the audit log and plugins expect a request
        partnership, users = load_demo(password)
        load_demo_runs(partnership)
        load_demo_expectations(partnership)
        load_demo_agreement(partnership)
        load_demo_library(partnership)
    click.echo(f"\nPartnership Portal demo: http://{host}:{port}/login")
    click.echo(f"Database: {app.config['PORTAL_DATABASE_URL']}")
    click.echo(f"Every demo account below has the password: {password}")
    for email, name, org, org_role, role, site_admin in PEOPLE:
        what = "site admin" if site_admin else f"{role} in {partnership.name}"
        if org_role == "admin":
            what += f", admin of {org}"
        click.echo(f"  {email:<26} {name} ({org}) — {what}")
    click.echo("Set PORTAL_DEMO_PASSWORD to keep the same password across restarts.\n")
    # app.run() refuses to start inside a Flask CLI command; call Werkzeug directly.
    from werkzeug.serving import run_simple

    run_simple(host, port, app, threaded=True, use_reloader=False)


@main.command()
@click.option("--bind", default="127.0.0.1:8000", show_default=True)
@click.option("--workers", default=4, show_default=True, type=int)
@with_appcontext
def serve(bind, workers):
    """Serve in production style: upgrade the schema, then run gunicorn workers."""
    app = current_app._get_current_object()
    _upgrade(app)
    try:
        from gunicorn.app.base import BaseApplication
    except ImportError:  # pragma: no cover - gunicorn is a dependency
        from werkzeug.serving import run_simple

        click.echo("gunicorn is not installed; serving with the development server.", err=True)
        host, _, port = bind.rpartition(":")
        run_simple(host, int(port), app, threaded=True)
        return

    class Server(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", bind)
            self.cfg.set("workers", workers)
            self.cfg.set("worker_class", "sync")
            if "control_socket_disable" in self.cfg.settings:
                self.cfg.set("control_socket_disable", True)

        def load(self):
            return create_app()

    click.echo(f"Serving Partnership Portal on http://{bind} with {workers} workers")
    Server().run()


@main.command("create-user")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--organization", required=True, help="Name of an existing organization, "
              "or of a new one with --kind.")
@click.option("--kind", type=click.Choice(["client", "supplier", "both"]),
              help="Create the organization with this kind if it does not exist.")
@click.option("--org-admin", is_flag=True, help="Make the user an admin of the organization.")
@click.option("--site-admin", is_flag=True, help="Make the user a site admin.")
@click.option("--password", envvar="PORTAL_NEW_USER_PASSWORD",
              help="Password (default: asked for; or PORTAL_NEW_USER_PASSWORD).")
@with_appcontext
def create_user(email, name, organization, kind, org_admin, site_admin, password):
    """Create an account (and its organization with --kind)."""
    from portal.accounts.forms import MIN_PASSWORD
    from portal.accounts.models import Organization, User, create_account, normalize_email
    from portal.db import database

    _upgrade(current_app)
    email = normalize_email(email)
    if User.get_or_none(User.email == email):
        raise click.ClickException(f"{email} already has an account.")
    if not password:
        password = getpass.getpass("Password: ")
    if len(password) < MIN_PASSWORD:
        raise click.ClickException(f"Use a password of at least {MIN_PASSWORD} characters.")
    org = Organization.get_or_none(Organization.name == organization)
    if org is None and not kind:
        raise click.ClickException(
            f"No organization named {organization!r}; pass --kind to create it.")
    with database.atomic():
        if org is None:
            org = Organization.create(name=organization, kind=kind)
        create_account(email, name, password, org, is_site_admin=site_admin,
                       org_role="admin" if org_admin else "member")
    click.echo(f"created {email} in {org.name}")


@main.command()
@with_appcontext
def plugins():
    """List plugins with their version, source, status and hooks."""
    host = current_app.extensions["portal_plugins"]
    for info in host.plugins.values():
        click.echo(f"{info.name} {info.version or '-'} [{info.status}] {info.source}")
        if info.hooks:
            click.echo(f"    hooks: {', '.join(info.hooks)}")
        if info.error:
            click.echo(f"    error: {info.error}")


@main.command()
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
@with_appcontext
def backup(path):
    """Write a consistent copy of the database to PATH while the portal keeps running.

    SQLite: the online backup API copies a consistent snapshot even while others write.
    PostgreSQL: pg_dump, which reads one snapshot, in its custom format.
    """
    from portal.db import database, is_sqlite

    if os.path.exists(path):
        raise click.ClickException(f"{path} exists; choose a new file name.")
    if is_sqlite():
        source = sqlite3.connect(database.obj.database)
        target = sqlite3.connect(path)
        with target:
            source.backup(target)
        target.close()
        source.close()
    else:
        if shutil.which("pg_dump") is None:
            raise click.ClickException("pg_dump is not installed.")
        url = current_app.config["PORTAL_DATABASE_URL"]
        done = subprocess.run(["pg_dump", "--format=custom", "--file", path, "--dbname", url],
                              capture_output=True, text=True)
        if done.returncode:
            raise click.ClickException(done.stderr.strip())
    click.echo(f"backup written to {path}")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

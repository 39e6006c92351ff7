"""The `portal` command: demo, serve, db, create-user, plugins, backup, restore."""
import getpass
import os
import shutil
import socket
import sqlite3
import subprocess
import sys

import click
import peewee
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from portal import create_app

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"


def _upgrade(app):
    from portal.migrations import SchemaError, upgrade

    with app.app_context():
        try:
            return upgrade()
        except SchemaError as exc:
            raise click.ClickException(str(exc)) from None


def _require_current_schema(app):
    """Stop a command that needs the tables when the database lags behind the code."""
    from portal.migrations import schema_behind

    behind = schema_behind(app)
    if behind:
        lagging = "; ".join(f"{name} ({', '.join(steps)})" for name, steps in behind.items())
        raise click.ClickException(
            f"The database schema is behind this code: {lagging}. "
            "Run `portal db upgrade` first (after `portal backup`), then start again.")


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
    """Apply pending schema steps of the core and every plugin, each in a transaction."""
    applied = _upgrade(current_app)
    for component, step in applied:
        click.echo(f"applied {component}: {step}")
    if not applied:
        click.echo("nothing to do: the schema is current")
    _echo_status(current_app)


def _echo_status(app):
    from portal.migrations import status

    report = status(app)
    width = max(len(s.name) for s in report)
    for s in report:
        newest = s.applied[-1] if s.applied else "-"
        line = f"{s.name:<{width}}  {len(s.applied)} applied (newest {newest})"
        if s.pending:
            line += f", pending: {', '.join(s.pending)}"
        if s.unknown:
            line += f", unknown to this code: {', '.join(s.unknown)}"
        click.echo(line)
    return report


@db.command("status")
@with_appcontext
def db_status():
    """List each component's applied and pending steps; exit 1 while any is pending."""
    if any(s.pending for s in _echo_status(current_app)):
        click.echo("Run `portal db upgrade` to apply the pending steps.")
        sys.exit(1)


@db.command("revision")
@click.argument("component")
@click.argument("name")
@click.option("--empty", is_flag=True, help="Write an empty step to fill in by hand.")
@with_appcontext
def db_revision(component, name, empty):
    """Write the next schema step of COMPONENT ("core" or a plugin) from its models."""
    from portal.migrations import SchemaError, components, new_step

    found = {c.name: c for c in components(current_app)}
    if component not in found:
        raise click.ClickException(
            f"No component {component!r} with schema steps; known: {', '.join(found)}.")
    try:
        path = new_step(found[component], name, empty=empty)
    except SchemaError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"wrote {path}: read it before you commit it")


@main.command()
@click.option("--port", default=8000, show_default=True, help="Port to serve on.")
@click.option("--host", default="127.0.0.1", show_default=True)
@with_appcontext
def demo(port, host):
    """Load demo data into the database and serve the portal on 127.0.0.1:PORT."""
    from werkzeug.serving import make_server, select_address_family

    from portal.demo import PEOPLE, demo_password, exclusive, load_full_demo
    from portal.partnerships.demo import SECOND_PARTNERSHIP, SECOND_PEOPLE, SECOND_SUPPLIER

    app = current_app._get_current_object()
    # Bind the port and take the database before touching any data: a second demo
    # stops here, and the first one's passwords and rows stay as they are.
    try:
        listening = socket.create_server((host, port),
                                         family=select_address_family(host, port))
    except OSError as exc:
        raise click.ClickException(
            f"Port {port} on {host} is in use ({exc.strerror}): is another `portal demo` "
            "running? Stop it, or choose another port with --port.") from None
    server = make_server(host, port, app, threaded=True, fd=listening.fileno())
    with exclusive(app, refuse=click.ClickException):
        _upgrade(app)
        password = demo_password()
        with app.test_request_context():  # the audit log and plugins expect a request
            partnership, _ = load_full_demo(password)
        if not os.environ.get("PORTAL_BASE_URL"):
            app.config["PORTAL_BASE_URL"] = f"http://{host}:{listening.getsockname()[1]}"
        from portal import reminders

        reminders.run()  # what is due in the demo data, as the command would give it
        click.echo(f"\nPartnership Portal demo: http://{host}:{listening.getsockname()[1]}/login")
        click.echo(f"Instance folder: {app.instance_path}")
        click.echo(f"Database: {app.config['PORTAL_DATABASE_URL']}")
        click.echo(f"Every demo account below has the password: {password}")
        for email, name, org, org_role, role, site_admin in PEOPLE:
            what = "site admin" if site_admin else f"{role} in {partnership.name}"
            if org_role == "admin":
                what += f", admin of {org}"
            click.echo(f"  {email:<26} {name} ({org}) — {what}")
        for email, name, org_role, role in SECOND_PEOPLE:
            click.echo(f"  {email:<26} {name} ({SECOND_SUPPLIER}) — {role} in {SECOND_PARTNERSHIP}"
                       + (f", admin of {SECOND_SUPPLIER}" if org_role == "admin" else ""))
        click.echo("Set PORTAL_DEMO_PASSWORD to keep the same password across restarts.")
        if not app.config["PORTAL_SMTP_HOST"]:
            click.echo("No mail server (PORTAL_SMTP_HOST): the e-mail each person would get "
                       "is on their notifications page, under \"Your e-mail\".")
        click.echo("")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
            listening.close()


@main.command()
@click.option("--bind", default="127.0.0.1:8000", show_default=True)
@click.option("--workers", default=4, show_default=True, type=int)
@with_appcontext
def serve(bind, workers):
    """Serve in production style with gunicorn sync workers (after `portal db upgrade`)."""
    from gunicorn.app.base import BaseApplication

    app = current_app._get_current_object()
    _require_current_schema(app)

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
    from portal.accounts.models import Organization, User, create_account, normalize_email
    from portal.accounts.passwords import password_problem
    from portal.db import database

    _require_current_schema(current_app)
    email = normalize_email(email)
    if User.get_or_none(User.email == email):
        raise click.ClickException(f"{email} already has an account.")
    if not password:
        password = getpass.getpass("Password: ")
    problem = password_problem(password, email=email, name=name)
    if problem:
        raise click.ClickException(f"Password refused: {problem}")
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
def reminders():
    """Give what is due, mail notifications and send the outbox, each exactly once.

    Run it every few minutes from cron or a systemd timer (README); two runs at once,
    on one server or two, never tell anyone twice.
    """
    from portal import reminders as due

    _require_current_schema(current_app)
    done = due.run()
    click.echo(", ".join(f"{what}: {count}" for what, count in done.items()))
    if done["failed"]:
        raise SystemExit(1)


@main.command()
@with_appcontext
def plugins():
    """List plugins with their version, source, status, hooks and recorded errors.

    Exits 1 when a plugin failed or had a part refused, so a deployment script can stop.
    """
    from portal.plugins import faults

    host = current_app.extensions["portal_plugins"]
    for info in host.plugins.values():
        click.echo(f"{info.name} {info.version or '-'} [{info.status}] {info.source}")
        if info.hooks:
            click.echo(f"    hooks: {', '.join(info.hooks)}")
        if info.error:
            click.echo(f"    error: {info.error}")
        for problem in info.problems:
            click.echo(f"    refused: {problem}")
    try:
        recorded = faults.recent()
    except peewee.DatabaseError as exc:
        recorded = []
        click.echo(f"(errors recorded while serving could not be read: {exc})")
    if recorded:
        click.echo("\nErrors inside plugins while serving (newest first):")
    for fault in recorded:
        click.echo(f"  {fault.plugin} in {fault.hook}: {fault.message} "
                   f"({fault.count}x, first {fault.first_seen:%Y-%m-%d %H:%M}, "
                   f"last {fault.last_seen:%Y-%m-%d %H:%M} UTC)")
    if host.unhealthy:
        click.echo(f"\n{len(host.unhealthy)} plugin(s) need attention: "
                   f"{', '.join(p.name for p in host.unhealthy)}", err=True)
        sys.exit(1)


@main.command("new-plugin")
@click.argument("name")
@click.option("--directory", default=".", show_default=True, type=click.Path(file_okay=False),
              help="Where to write the plugin's folder.")
def new_plugin(name, directory):
    """Write an installable plugin package NAME: an instrument with its tests."""
    from portal.scaffold import ScaffoldError, new_plugin as write

    try:
        folder = write(name, directory)
    except ScaffoldError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"wrote {folder}\n\nNext:\n  pip install -e '{folder}[test]'\n  pytest {folder}")


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
        _pg_tool("pg_dump", "--format=custom", "--file", path)
    click.echo(f"backup written to {path}")


def _pg_tool(name, *args):
    """Run pg_dump or pg_restore against the configured database; its error is ours."""
    if shutil.which(name) is None:
        raise click.ClickException(f"{name} is not installed (Debian: postgresql-client).")
    url = current_app.config["PORTAL_DATABASE_URL"]
    done = subprocess.run([name, *args, "--dbname", url], capture_output=True, text=True)
    if done.returncode:
        raise click.ClickException(done.stderr.strip())


@main.command()
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def restore(path):
    """Load a backup made by `portal backup` into the configured, empty database.

    Restoring only into an empty database means a mistyped command can never overwrite
    live data. A backup from an older release is restored as it was; `portal db
    upgrade` then brings it to this code's schema.
    """
    from portal.db import database, is_sqlite

    with open(path, "rb") as fh:
        magic = fh.read(len(SQLITE_MAGIC))
    kind = ("SQLite" if magic == SQLITE_MAGIC else
            "PostgreSQL" if magic.startswith(PG_DUMP_MAGIC) else None)
    if kind is None:
        raise click.ClickException(f"{path} is not a backup made by `portal backup`.")
    engine = "SQLite" if is_sqlite() else "PostgreSQL"
    if kind != engine:
        raise click.ClickException(
            f"{path} is a {kind} backup and the configured database is {engine}; "
            f"set PORTAL_DATABASE_URL to a {kind} database.")
    database.connect(reuse_if_open=True)
    if database.get_tables():
        raise click.ClickException(
            f"The database {current_app.config['PORTAL_DATABASE_URL']} is not empty. "
            "Restore into a new, empty database, then point PORTAL_DATABASE_URL at it.")
    if is_sqlite():
        database.close()
        source, target = sqlite3.connect(path), sqlite3.connect(database.obj.database)
        with target:
            source.backup(target)
        target.close()
        source.close()
    else:
        database.close()
        _pg_tool("pg_restore", "--no-owner", "--no-privileges", "--exit-on-error",
                 "--single-transaction", path)
    click.echo(f"restored {path} into {current_app.config['PORTAL_DATABASE_URL']}")
    _echo_status(current_app)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

"""The database connection: one peewee database per process, chosen by URL.

Models bind to the `database` proxy at import time; the application factory points it
at SQLite (WAL, busy timeout: DESIGN §8) or a pooled PostgreSQL connection.
"""
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

import peewee
from playhouse.pool import PooledPostgresqlDatabase

database = peewee.DatabaseProxy()

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "busy_timeout": 10000,
    "synchronous": "normal",
    "foreign_keys": 1,
}


class BaseModel(peewee.Model):
    class Meta:
        database = database
        legacy_table_names = False


def make_database(url):
    """Return an unconnected peewee database for a `sqlite:///…` or `postgresql://…` URL."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        # As in SQLAlchemy: sqlite:///relative.db, sqlite:////absolute/path.db
        path = unquote(parsed.path)[1:]
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        return peewee.SqliteDatabase(path, pragmas=SQLITE_PRAGMAS, check_same_thread=False)
    if parsed.scheme in ("postgres", "postgresql"):
        options = {k: v[-1] for k, v in parse_qs(parsed.query).items()}
        # Without a pool every request pays a new connection and SCRAM (~5x slower).
        return PooledPostgresqlDatabase(
            unquote(parsed.path.lstrip("/")),
            user=unquote(parsed.username or "") or None,
            password=unquote(parsed.password or "") or None,
            host=parsed.hostname or None,
            port=parsed.port or None,
            max_connections=int(options.pop("max_connections", 20)),
            stale_timeout=300,
            **options,
        )
    raise ValueError(
        f"PORTAL_DATABASE_URL must start with sqlite:/// or postgresql://, got {url!r}"
    )


def is_sqlite():
    return isinstance(database.obj, peewee.SqliteDatabase)


@contextmanager
def write_transaction():
    """A transaction that reads and then writes without losing to a concurrent writer.

    SQLite cannot promote a reader to a writer while another writes (~75 % failures
    under 16 writers, DESIGN §8), so begin IMMEDIATE there; PostgreSQL callers lock
    the rows they read with `.for_update()`.
    """
    if is_sqlite():
        with database.atomic("IMMEDIATE") as txn:
            yield txn
    else:
        with database.atomic() as txn:
            yield txn


def init_app(app):
    db = make_database(app.config["PORTAL_DATABASE_URL"])
    previous = database.obj
    if previous is not None and hasattr(previous, "close_all"):
        previous.close_all()  # a new app in the same process (tests) gets a new pool
    database.initialize(db)
    app.extensions["portal_db"] = db

    @app.before_request
    def _connect():
        database.connect(reuse_if_open=True)

    @app.teardown_request
    def _close(exc):
        if not database.is_closed():
            database.close()

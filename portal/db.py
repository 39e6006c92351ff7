"""The database connection: one peewee database per process, chosen by URL.

Models bind to the `database` proxy at import time; the application factory points it
at SQLite (WAL, busy timeout: DESIGN §8) or a pooled PostgreSQL connection that
survives a restart of the server (DESIGN §10).
"""
import fcntl
import itertools
import os
import select
import sqlite3
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

import peewee
from playhouse.pool import PooledPostgresqlDatabase
from playhouse.shortcuts import ReconnectMixin

database = peewee.DatabaseProxy()

#: What a database that is down, restarting or unreachable raises (wrapped by peewee).
CONNECTION_ERRORS = (peewee.OperationalError, peewee.InterfaceError)

SQLITE_PRAGMAS = {
    # First, so that the pragmas after it wait for a lock: switching a new file to WAL
    # takes an exclusive one, which another process opening the file may hold.
    "busy_timeout": 10000,
    "journal_mode": "wal",
    # Deleted rows are overwritten, not left in free pages: a sealed anonymous response or
    # draft, once released or submitted, leaves nothing a reader of the file could find.
    "secure_delete": 1,
    "synchronous": "normal",
    "temp_store": "memory",
    "foreign_keys": 1,
}


class BaseModel(peewee.Model):
    class Meta:
        database = database
        legacy_table_names = False


#: How many statements other than SELECT this process has sent: part of the version of
#: the data a page was drawn from (portal/page_cache.py). SQLite's data_version tells
#: a connection about other connections' commits, never about its own.
_writes = 0


def writes_sent():
    return _writes


def version_key(read):
    """The version of the data a page was drawn from, given what `data_version_sql`
    read: SQLite's data_version is counted per connection and misses its own commits,
    so it goes with the connection's serial number and this process's writes."""
    return (read, getattr(database.obj._state, "serial", None), _writes)


class _CountingWrites:
    """Counts every statement that is not a plain SELECT (BEGIN and WITH included: a
    statement counted needlessly costs a page drawn again, one missed a stale page).
    PostgreSQL's unions start with a parenthesis."""

    def execute_sql(self, sql, params=None):
        if not sql.lstrip("(").startswith("SELECT"):
            global _writes
            _writes += 1
        return super().execute_sql(sql, params)


def data_version_sql():
    """An SQL expression that changes whenever data this connection can read has
    changed: on SQLite, the commits of other connections (`PRAGMA data_version`, which
    `writes_sent` completes with this process's own); on PostgreSQL, the snapshot of
    transactions, whose text changes when any transaction that writes starts or ends."""
    if is_sqlite():
        return peewee.SQL("(SELECT data_version FROM pragma_data_version)")
    return peewee.SQL("txid_current_snapshot()::text")


class ReconnectingPostgresqlDatabase(_CountingWrites, ReconnectMixin, PooledPostgresqlDatabase):
    """A connection pool that outlives a restart of the PostgreSQL server.

    The pool checks each idle connection as it hands it out (`_is_closed`) and drops
    one the server closed, so a request that starts after a restart gets a fresh
    connection. ReconnectMixin covers a connection that
    dies after that check: a statement outside a transaction (which commits on its
    own, and which the server rolls back when it ends the connection mid-statement)
    is sent once more on a new connection; inside a transaction the error is raised,
    because the work done before it is gone. The fragments are psycopg2's messages
    for a connection the server ended, as the comments in ReconnectMixin list them.
    """

    reconnect_errors = (
        (peewee.OperationalError, "terminating connection"),
        (peewee.OperationalError, "server closed the connection"),
        (peewee.InterfaceError, "connection already closed"),
    )

    def _is_closed(self, conn):
        """Ask the server (peewee's `SELECT 1`) only when something arrived on an idle
        connection's socket: a server that ends a connection, on a restart or an
        administrator's command, says so and closes it, which makes the socket readable.
        A quiet socket is a live connection as far as a round trip could tell without
        waiting for a timeout, and that round trip was half of what a kept page cost on
        PostgreSQL (issue 12). ReconnectMixin still covers a connection lost after this."""
        if conn.closed or self._adapter.txn_status(conn) != self._adapter.txn_idle:
            return super()._is_closed(conn)
        readable, _, _ = select.select([conn], [], [], 0)
        return bool(readable) and super()._is_closed(conn)


_connections = itertools.count(1)


class _SqliteDatabase(_CountingWrites, peewee.SqliteDatabase):
    """SQLite whose connection settings are tried again while another process holds the
    file: two servers opening a new file at once both switch it to WAL, and SQLite
    answers one of them "database is locked" at once, without waiting its busy timeout
    (waiting could deadlock). The settings are the same each time, so trying again is
    safe; the test of two servers upgrading at once failed on this under load."""

    def _connect(self):
        conn = super()._connect()
        self._state.serial = next(_connections)  # this thread's connection (version_key)
        return conn

    def _set_pragmas(self, conn):
        for attempt in range(100):
            try:
                return super()._set_pragmas(conn)
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or attempt == 99:
                    raise
                time.sleep(0.05)


def make_database(url):
    """Return an unconnected peewee database for a `sqlite:///…` or `postgresql://…` URL."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        # As in SQLAlchemy: sqlite:///relative.db, sqlite:////absolute/path.db
        path = unquote(parsed.path)[1:]
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        return _SqliteDatabase(path, pragmas=SQLITE_PRAGMAS, check_same_thread=False)
    if parsed.scheme in ("postgres", "postgresql"):
        # As in libpq's URIs, the query's parameters win: `postgresql:///portal?host=
        # /var/run/postgresql` reaches a server on the same host through its socket.
        options = {"user": unquote(parsed.username or "") or None,
                   "password": unquote(parsed.password or "") or None,
                   "host": parsed.hostname or None, "port": parsed.port or None}
        options.update((k, v[-1]) for k, v in parse_qs(parsed.query).items())
        # Without a pool every request pays a new connection and SCRAM (~5x slower).
        return ReconnectingPostgresqlDatabase(
            unquote(parsed.path.lstrip("/")),
            max_connections=int(options.pop("max_connections", 20)),
            stale_timeout=300,
            **options,
        )
    raise ValueError(
        f"PORTAL_DATABASE_URL must start with sqlite:/// or postgresql://, got {url!r}"
    )


def is_sqlite():
    return isinstance(database.obj, peewee.SqliteDatabase)


def connection_lost():
    """Whether this thread has no working connection, rather than one failed statement.

    A failed connect leaves the database closed; a server that went away mid-request
    leaves the driver's connection marked closed (psycopg2's `closed` is non-zero). A
    bad statement, or SQLite's "database is locked", leaves the connection open.
    """
    if database.is_closed():
        return True
    return bool(getattr(database.connection(), "closed", False))


@contextmanager
def write_transaction():
    """A transaction that reads and then writes without losing to a concurrent writer.

    SQLite cannot promote a reader to a writer while another writes (~75 % failures
    under 16 writers, DESIGN §8), so begin IMMEDIATE there, each writer in its turn
    (`_writers_turn`); PostgreSQL callers lock the rows they read with `.for_update()`.
    """
    if is_sqlite():
        with _writers_turn(), database.atomic("IMMEDIATE") as txn:
            yield txn
    else:
        with database.atomic() as txn:
            yield txn


_turn = threading.local()


@contextmanager
def _writers_turn():
    """SQLite's writers queue on a file lock beside the database (issue 12).

    SQLite has one writer at a time, and one that finds the file locked sleeps and
    tries again, up to 100 ms a time: with 16 editors saving, most of a save's time was
    that sleep. Waiting on `flock` instead, the next writer of any worker process is
    woken the moment the lock is free. A transaction inside another (a savepoint) is
    already in its turn.
    """
    path = database.obj.database
    depth = getattr(_turn, "depth", 0)
    if depth or not path or path == ":memory:":
        _turn.depth = depth + 1
        try:
            yield
        finally:
            _turn.depth = depth
        return
    kept = getattr(_turn, "file", None)  # (database path, descriptor) of this thread
    if kept is None or kept[0] != path:
        if kept is not None:
            os.close(kept[1])  # another database (tests make many): one file per thread
        kept = _turn.file = (path, os.open(f"{path}-writers", os.O_RDWR | os.O_CREAT, 0o600))
    fd = kept[1]
    fcntl.flock(fd, fcntl.LOCK_EX)
    _turn.depth = 1
    try:
        yield
    finally:
        _turn.depth = 0
        fcntl.flock(fd, fcntl.LOCK_UN)


def init_app(app):
    db = make_database(app.config["PORTAL_DATABASE_URL"])
    previous = database.obj
    if previous is not None and hasattr(previous, "close_all"):
        previous.close_all()  # a new app in the same process (tests) gets a new pool
    elif previous is not None and not previous.is_closed():
        previous.close()
    database.initialize(db)
    app.extensions["portal_db"] = db
    keep_open = isinstance(db, peewee.SqliteDatabase)

    @app.before_request
    def _connect():
        database.connect(reuse_if_open=True)

    @app.teardown_request
    def _close(exc):
        """PostgreSQL's connection goes back to the pool. SQLite's stays open for the
        thread's next request: opening one and setting its pragmas cost about 1 ms of
        every request (issue 12); a transaction a failed request left open is undone."""
        if database.is_closed():
            return
        if keep_open and database.obj is db:
            connection = database.connection()
            if connection.in_transaction:
                connection.rollback()
            return
        database.close()

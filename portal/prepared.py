"""Queries built once (issue 12): the statements pages send, without peewee building
them again on every request.

Turning a query into SQL costs peewee about 0.2 ms, and 1–2 ms for one with unions and
subqueries, while SQLite answers a lookup by key in 0.01 ms; a page sends about ten.
A `Prepared` query is built once per process, SQL dialect and argument types, with
stand-in values in place of the arguments, and then sent with each call's values;
peewee still turns the rows into models, joins included. Updates and deletes are sent
the same way (`run`).

Only the values may change from call to call, not the shape of the query: an argument
that decides a join needs a Prepared of its own. A list (for `IN (…)`) is compiled once
per length.

On PostgreSQL the statement is also prepared on the server, once per connection
(`PREPARE`, then `EXECUTE` with the values): planning a page's statements cost the
server 1.4 ms against 0.5 ms to run them. A statement the server cannot prepare as it
stands, or would give a parameter a type other than its value's (one that nothing in
the SQL types is taken as text), is sent as plain SQL, and so is every statement inside
a transaction, where a refused PREPARE would undo the work before it.
"""
import datetime as dt
import itertools
import logging
import re
import threading
import weakref

import peewee

from portal.db import database, is_sqlite

_counter = itertools.count(1)
_lock = threading.Lock()


def _stand_in(value):
    """A value of the argument's type that no row and no statement holds."""
    with _lock:
        n = next(_counter)
    if isinstance(value, bool) or value is None:
        raise TypeError("a prepared query takes ids, text, dates and times, not flags or None")
    if isinstance(value, int):
        return -(2**52) - n
    if isinstance(value, dt.datetime):
        return dt.datetime(1001, 1, 1) + dt.timedelta(microseconds=n)
    if isinstance(value, dt.date):
        return dt.date(1001, 1, 1) + dt.timedelta(days=n)
    if isinstance(value, str):
        return f"\x00prepared stand-in {n}\x00"
    raise TypeError(f"a prepared query cannot take a {type(value).__name__}")


_LOG = logging.getLogger("peewee")
_PLACEHOLDER = re.compile(r"%[s%]")
#: psycopg2 connection -> names of the statements prepared on it. A connection the pool
#: drops takes its names along; a new one prepares them again.
_ON_CONNECTION = weakref.WeakKeyDictionary()
_UNPREPARABLE = set()  # names of statements the server refused to prepare


def _numbered(sql):
    """psycopg2's %s placeholders as the server's $1, $2, …, for PREPARE."""
    count = itertools.count(1)
    return _PLACEHOLDER.sub(lambda m: "%" if m.group() == "%%" else f"${next(count)}", sql)


#: The server's types a parameter may have for each type of Python value.
_SERVER_TYPES = (
    (bool, {"boolean"}),
    (int, {"integer", "bigint", "smallint", "numeric"}),
    (float, {"double precision", "real", "numeric"}),
    (str, {"text", "character varying", "character", "json", "jsonb"}),
    (dt.datetime, {"timestamp without time zone", "timestamp with time zone"}),
    (dt.date, {"date"}),
)


def _fits(value, server_type):
    for python_type, server_types in _SERVER_TYPES:
        if isinstance(value, python_type):
            return server_type in server_types
    return False


def _prepare(connection, name, sql, params):
    """PREPARE the statement, and keep it only if the server gave each parameter a type
    of its value's kind. A parameter that nothing in the SQL types (`SELECT %s`, `CASE …
    THEN %s`) is taken as text, and an integer would come back as a string."""
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"PREPARE {name} AS {_numbered(sql)}")
            cursor.execute("SELECT parameter_types::text[] FROM pg_prepared_statements "
                           "WHERE name = %s", (name,))
            types = cursor.fetchone()[0]
            if all(_fits(value, kind) for value, kind in zip(params, types)):
                return True
            cursor.execute(f"DEALLOCATE {name}")
    except connection.DatabaseError:  # psycopg2's, reached without importing it
        pass
    return False


def _send(name, sql, params):
    """Run the statement, through a server-side prepared one when PostgreSQL can."""
    if is_sqlite() or name in _UNPREPARABLE or database.in_transaction():
        return database.execute_sql(sql, params)
    connection = database.connection()
    names = _ON_CONNECTION.setdefault(connection, set())
    if name not in names:
        if not _prepare(connection, name, sql, params):
            _UNPREPARABLE.add(name)
            return database.execute_sql(sql, params)
        names.add(name)
    values = f" ({', '.join(['%s'] * len(params))})" if params else ""
    cursor = database.cursor()
    try:
        cursor.execute(f"EXECUTE {name}{values}", params)
    except connection.Error:
        # A connection that lost it or died: peewee sends the statement as SQL, with
        # its reconnection and its exceptions; it is prepared again next time.
        _ON_CONNECTION.pop(connection, None)
        return database.execute_sql(sql, params)
    if _LOG.isEnabledFor(logging.DEBUG):
        _LOG.debug((sql, params))  # as peewee logs a statement: its text, not EXECUTE
    return cursor


#: What a peewee cursor wrapper holds of one cursor; the rest depends on the SQL alone.
_PER_CURSOR = {"cursor", "count", "index", "initialized", "populated", "row_cache"}


def _key(args):
    """What decides a query's SQL besides its builder: the dialect, the arguments' types
    and the length of each list."""
    return (type(database.obj),
            tuple((type(arg), len(arg)) if isinstance(arg, (list, tuple)) else type(arg)
                  for arg in args))


def _hashable(value):
    try:
        hash(value)
    except TypeError:
        return False
    return True


class Prepared:
    """`build(*args)` returns a peewee query in whose parameters each argument appears;
    calling the Prepared with values runs that query's SQL with them."""

    def __init__(self, build):
        self.build = build
        self._compiled = {}  # (database class, argument types) -> (query, sql, params, slots)
        self._wrapper_state = {}  # the same key -> what peewee's cursor wrapper worked out

    def _compile(self, args, key):
        compiled = self._compiled.get(key)
        if compiled is None:
            stand_ins = [[_stand_in(v) for v in arg] if isinstance(arg, (list, tuple))
                         else _stand_in(arg) for arg in args]
            where = {}  # (type, stand-in) -> (argument, item of a list argument or None)
            for index, stand_in in enumerate(stand_ins):
                if isinstance(stand_in, list):
                    where.update({(type(v), v): (index, item) for item, v in enumerate(stand_in)})
                else:
                    where[(type(stand_in), stand_in)] = (index, None)
            query = self.build(*stand_ins)
            sql, params = query.sql()
            slots = [(position, where[(type(value), value)]) for position, value in enumerate(params)
                     if _hashable(value) and (type(value), value) in where]
            if {found for _, found in slots} != set(where.values()):
                raise ValueError(f"{self.build.__qualname__}: every argument must be a "
                                 "parameter of the query")
            with _lock:
                name = f"portal_{next(_counter)}"
            compiled = self._compiled[key] = (query, sql, params, slots, name)
        return compiled

    def _execute(self, args, key=None, reading=True):
        query, sql, params, slots, name = self._compile(args, key or _key(args))
        params = list(params)
        for position, (index, item) in slots:
            params[position] = args[index] if item is None else args[index][item]
        if not reading:  # through peewee, which counts the writes (db.writes_sent)
            return query, database.execute_sql(sql, params)
        return query, _send(name, sql, params)

    def rows(self, *args):
        """The query's results (models, or whatever its row type is) for these values,
        as a list."""
        key = _key(args)
        query, cursor = self._execute(args, key)
        # The same wrapper peewee's own execute() puts around the cursor. What it works
        # out from the first row (which column goes to which model, through which
        # converter) is the same for every run of this SQL: kept from the first run.
        wrapper = query._get_cursor_wrapper(cursor)
        state = self._wrapper_state.get(key)
        if state is not None:
            wrapper.__dict__.update(state)
            wrapper.initialized = True
        found = list(wrapper.iterator())
        if state is None and wrapper.initialized:
            self._wrapper_state[key] = {name: value for name, value in vars(wrapper).items()
                                        if name not in _PER_CURSOR}
        return found

    list = rows

    def first(self, *args):
        found = self.rows(*args)
        return found[0] if found else None

    def scalar(self, *args):
        row = self._execute(args)[1].fetchone()
        return None if row is None else row[0]

    def tuple(self, *args):
        """The first row as a tuple of values, whatever the query's row type."""
        return self._execute(args)[1].fetchone()

    def run(self, *args):
        """An UPDATE or DELETE: the number of rows it changed. Every value it writes must
        be an argument, since a value computed in `build` would be written every time."""
        return self._execute(args, reading=False)[1].rowcount


_INSERTS = {}  # (model, column names) -> Prepared


def create(model, **values):
    """`model.create(**values)` with the INSERT built once per model and set of columns
    (peewee built each one again: 0.1–0.2 ms, three times per save of a section).

    Every field's default is given here as a value, so that nothing computed when the
    statement was built (a time) is written again. A column left None takes NULL by
    being left out. Values a stand-in cannot take (flags, numbers with a fraction) and
    a model without an automatic id go through peewee.
    """
    meta = model._meta
    for name, field in meta.fields.items():
        if name not in values and field.default is not None and field is not meta.primary_key:
            values[name] = field.default() if callable(field.default) else field.default
    columns = {name: getattr(value, value._meta.primary_key.name)
               if isinstance(value, peewee.Model) else value
               for name, value in values.items() if value is not None}
    names = tuple(sorted(columns))
    args = tuple(columns[name] for name in names)
    if (not meta.auto_increment or (model, names) in _UNPREPARABLE_INSERTS
            or any(type(v) not in _INSERTABLE for v in columns.values())):
        return model.create(**values)
    prepared = _INSERTS.get((model, names))
    if prepared is None:
        prepared = Prepared(lambda *values: model.insert(
            dict(zip((meta.fields[n] for n in names), values))))
        try:
            prepared._compile(args, _key(args))
        except (TypeError, ValueError):  # a value the field turns into another one
            _UNPREPARABLE_INSERTS.add((model, names))
            return model.create(**values)
        _INSERTS[(model, names)] = prepared
    cursor = prepared._execute(args, reading=False)[1]
    row = model(**values)
    setattr(row, meta.primary_key.name,
            cursor.fetchone()[0] if database.returning_clause else cursor.lastrowid)
    return row


_INSERTABLE = {int, str, dt.datetime, dt.date}
_UNPREPARABLE_INSERTS = set()

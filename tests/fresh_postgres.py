"""A fresh PostgreSQL database for each test, without migrating it again each time.

Dropping the schema and migrating it again cost each test 0.5–1.1 s on CI's machine
(the DDL of 73 tables; TRUNCATE of them all, 0.4 s, is hardly cheaper), about a third
of the PostgreSQL run. Once the schema is as a plain migration leaves it (its tables,
columns, indexes, constraints and migration history, compared by one digest), a test
starts from it with every row deleted and every id sequence back at 1; a test that
changed the schema (a plugin's tables, a migration test) leaves a digest that differs,
and the next test drops the schema and migrates as before.
"""
import psycopg2

from portal.testing import empty_schema

HISTORY = "migrate_history"  # the migration records' tables, kept as they are

_SCHEMA_DIGEST = """
SELECT md5(coalesce(string_agg(x, E'\\n' ORDER BY x), '')) FROM (
  SELECT c.relname || '.' || a.attname || ':' || format_type(a.atttypid, a.atttypmod) || ':'
         || a.attnotnull || ':' || coalesce(pg_get_expr(d.adbin, d.adrelid), '') AS x
  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
  LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
  WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'v', 'm')
    AND a.attnum > 0 AND NOT a.attisdropped
  UNION ALL SELECT indexdef FROM pg_indexes WHERE schemaname = 'public'
  UNION ALL SELECT conname || pg_get_constraintdef(oid) FROM pg_constraint
            WHERE connamespace = 'public'::regnamespace
  UNION ALL SELECT 'function ' || proname FROM pg_proc WHERE pronamespace = 'public'::regnamespace
) s"""

_REFERENCES = """
SELECT child.relname, parent.relname FROM pg_constraint k
JOIN pg_class child ON child.oid = k.conrelid JOIN pg_class parent ON parent.oid = k.confrelid
WHERE k.contype = 'f' AND k.connamespace = 'public'::regnamespace AND k.conrelid <> k.confrelid"""

#: The digest of the schema a plain migration leaves, and the tables in an order rows
#: can be deleted in (those that refer to others first); set by `remember_migrated`.
_migrated = {}


def _digest(cursor):
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    tables = sorted(row[0] for row in cursor.fetchall())
    cursor.execute(_SCHEMA_DIGEST)
    parts = [cursor.fetchone()[0]]
    for table in (t for t in tables if t.startswith(HISTORY)):
        cursor.execute(f'SELECT md5(coalesce(string_agg(t::text, \',\' ORDER BY t::text), \'\')) '
                       f'FROM "{table}" t')
        parts.append(f"{table}={cursor.fetchone()[0]}")
    return "|".join(parts), tables


def _deletion_order(cursor, tables):
    """Tables that refer to others before those they refer to; None on a cycle."""
    cursor.execute(_REFERENCES)
    refers = {}
    for child, parent in cursor.fetchall():
        refers.setdefault(parent, set()).add(child)
    order, done, visiting = [], set(), set()

    def visit(table):
        if table in done:
            return True
        if table in visiting:
            return False
        visiting.add(table)
        if not all(visit(child) for child in refers.get(table, ())):
            return False
        visiting.discard(table)
        done.add(table)
        order.append(table)  # after every table that refers to it
        return True

    if not all(visit(t) for t in tables):
        return None
    return [t for t in order if not t.startswith(HISTORY)]


def remember_migrated(url):
    """Called once a test's schema was migrated from nothing, as every test's is."""
    if _migrated:
        return
    connection = psycopg2.connect(url)
    try:
        with connection, connection.cursor() as cursor:
            digest, tables = _digest(cursor)
            order = _deletion_order(cursor, tables)
            if order is not None:
                _migrated.update(digest=digest, order=order)
    finally:
        connection.close()


def fresh(url):
    """Empty the database for a test: delete the rows of a schema as a plain migration
    leaves it, or drop any other. Returns whether the schema was dropped (the test's
    migration then builds it, and `remember_migrated` may remember it)."""
    if _migrated:
        connection = psycopg2.connect(url)
        try:
            with connection, connection.cursor() as cursor:
                digest, _ = _digest(cursor)
                if digest == _migrated["digest"]:
                    for table in _migrated["order"]:
                        cursor.execute(f'DELETE FROM "{table}"')
                    cursor.execute(
                        "SELECT setval(c.oid, 1, false) FROM pg_class c WHERE c.relkind = 'S' "
                        "AND c.relnamespace = 'public'::regnamespace "
                        f"AND c.relname NOT LIKE '{HISTORY}%'")
                    return False
        finally:
            connection.close()
    empty_schema(url)
    return True

"""The database's fingerprint for tests/test_hostile_input.py: did a request change it?"""
import hashlib
import sqlite3
from urllib.parse import unquote

#: Rows a refused request may add: failed logins and password checks are what login
#: throttling counts (DESIGN §7), so a refused attempt is meant to leave one.
VOLATILE_TABLES = {"login_attempt"}
WRITES = "hostile_walk_writes"


class Fingerprint:
    """Row count and a hash of the rows of each table, read on a connection of its own.

    Hashing every table takes tens of milliseconds, too long to do around each of
    thousands of requests, so a trigger on each table counts the statements that wrote
    to it in WRITES (rolled back with them), and only the tables whose count moved are
    hashed again. Whether a request changed the database is still decided by the rows.
    """

    def __init__(self, url):
        self.sqlite = url.startswith("sqlite:///")
        if self.sqlite:
            self.connection = sqlite3.connect(unquote(url[len("sqlite:///"):]),
                                              isolation_level=None)
            virtual = [name for (name,) in self._query(
                "SELECT name FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL%'")]
            names = [name for (name,) in self._query(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'")
                if not any(name == v or name.startswith(f"{v}_") for v in virtual)]
        else:
            import psycopg2

            self.connection = psycopg2.connect(url)
            self.connection.autocommit = True
            names = [name for (name,) in self._query(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        self.tables = sorted(set(names) - VOLATILE_TABLES - {WRITES})
        self._install()
        self.hashes = {}  # table: (write count, (rows, digest))

    def _query(self, sql, *args):
        cursor = self.connection.cursor()
        cursor.execute(sql, *args)
        rows = cursor.fetchall() if cursor.description else []
        cursor.close()
        return rows

    def _install(self):
        self._query(f"CREATE TABLE {WRITES} (tbl VARCHAR(100) PRIMARY KEY, n INTEGER NOT NULL)")
        if not self.sqlite:
            self._query(f"""CREATE FUNCTION {WRITES}() RETURNS trigger AS $$ BEGIN
                UPDATE {WRITES} SET n = n + 1 WHERE tbl = TG_TABLE_NAME; RETURN NULL;
                END $$ LANGUAGE plpgsql""")
        for table in self.tables:
            self._query(f"INSERT INTO {WRITES} VALUES ('{table}', 0)")
            if not self.sqlite:
                self._query(f'CREATE TRIGGER {WRITES} AFTER INSERT OR UPDATE OR DELETE ON '
                            f'"{table}" FOR EACH STATEMENT EXECUTE FUNCTION {WRITES}()')
                continue
            for operation in ("INSERT", "UPDATE", "DELETE"):
                self._query(f'CREATE TRIGGER "{WRITES}_{table}_{operation}" AFTER {operation} '
                            f'ON "{table}" BEGIN UPDATE {WRITES} SET n = n + 1 '
                            f"WHERE tbl = '{table}'; END")

    def _hash(self, table):
        rows = sorted(repr(row) for row in self._query(f'SELECT * FROM "{table}"'))
        return len(rows), hashlib.blake2b("\n".join(rows).encode()).hexdigest()

    def current(self):
        """{table: (rows, hash)} as committed now."""
        for table, count in self._query(f"SELECT tbl, n FROM {WRITES}"):
            if table not in self.hashes or self.hashes[table][0] != count:
                self.hashes[table] = (count, self._hash(table))
        return {table: digest for table, (_, digest) in self.hashes.items()}

    def changed_since(self, before):
        """The tables whose rows differ from the fingerprint `before`."""
        after = self.current()
        return sorted(table for table in set(before) | set(after)
                      if before.get(table) != after.get(table))

    def close(self):
        self.connection.close()

"""Numbers in double precision on PostgreSQL, as SQLite always stored them.

peewee's FloatField is PostgreSQL's `real`: six significant digits and nothing beyond
3.4e38 or below 1.2e-38, so an action's baseline of 3.1415926 came back 3.14159 and a
file's modification time lost its seconds. The models now use DoubleField. SQLite's
REAL is already an 8-byte float: there the step changes nothing on disk.
"""
import peewee as pw

COLUMNS = {"action_item": ("baseline",), "answer": ("value_num",), "content_item": ("mtime",)}


def _retype(migrator, database, field, sql_type):
    with migrator.fake():  # the migrator's own model of each table learns the new field
        migrator.change_fields("action_item", baseline=field(null=True))
        migrator.change_fields("answer", value_num=field(null=True))
        migrator.change_fields("content_item", mtime=field(default=0.0))
    if not isinstance(getattr(database, "obj", database), pw.SqliteDatabase):
        for table, columns in COLUMNS.items():
            for column in columns:
                migrator.sql(f'ALTER TABLE "{table}" ALTER COLUMN "{column}" TYPE {sql_type}')


def migrate(migrator, database, *, fake=False):
    _retype(migrator, database, pw.DoubleField, "DOUBLE PRECISION")


def rollback(migrator, database, *, fake=False):
    _retype(migrator, database, pw.FloatField, "REAL")

"""Metrics and measurements in double precision on PostgreSQL, as SQLite always stored
them.

peewee's FloatField is PostgreSQL's `real`: six significant digits and nothing beyond
3.4e38 or below 1.2e-38, so a measurement of 1,234,567.89 came back 1,234,570 and a tiny
value the form accepted failed to save. The models now use DoubleField. SQLite's REAL is
already an 8-byte float: there the step changes nothing on disk.
"""
import peewee as pw

COLUMNS = {"kirkpatrick_metric": ("baseline", "target"), "kirkpatrick_measurement": ("value",)}


def _retype(migrator, database, field, sql_type):
    with migrator.fake():  # the migrator's own model of each table learns the new field
        migrator.change_fields("kirkpatrick_metric", baseline=field(), target=field())
        migrator.change_fields("kirkpatrick_measurement", value=field())
    if not isinstance(getattr(database, "obj", database), pw.SqliteDatabase):
        for table, columns in COLUMNS.items():
            for column in columns:
                migrator.sql(f'ALTER TABLE "{table}" ALTER COLUMN "{column}" TYPE {sql_type}')


def migrate(migrator, database, *, fake=False):
    _retype(migrator, database, pw.DoubleField, "DOUBLE PRECISION")


def rollback(migrator, database, *, fake=False):
    _retype(migrator, database, pw.FloatField, "REAL")

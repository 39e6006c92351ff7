"""Weights and moderated scores in double precision on PostgreSQL, as SQLite always
stored them.

peewee's FloatField is PostgreSQL's `real`, six significant digits: weights derived
from pairwise comparisons came back rounded differently on each database. The models
now use DoubleField. SQLite's REAL is already an 8-byte float: there the step changes
nothing on disk.
"""
import peewee as pw

COLUMNS = {"supplier_selection_criterion": ("weight",), "supplier_selection_moderated": ("value",)}


def _retype(migrator, database, field, sql_type):
    with migrator.fake():  # the migrator's own model of each table learns the new field
        migrator.change_fields("supplier_selection_criterion", weight=field(default=10.0))
        migrator.change_fields("supplier_selection_moderated", value=field())
    if not isinstance(getattr(database, "obj", database), pw.SqliteDatabase):
        for table, columns in COLUMNS.items():
            for column in columns:
                migrator.sql(f'ALTER TABLE "{table}" ALTER COLUMN "{column}" TYPE {sql_type}')


def migrate(migrator, database, *, fake=False):
    _retype(migrator, database, pw.DoubleField, "DOUBLE PRECISION")


def rollback(migrator, database, *, fake=False):
    _retype(migrator, database, pw.FloatField, "REAL")

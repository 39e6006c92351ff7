"""Drop `schema_version`, the table in which 0.1's numbered steps recorded themselves.

The history now lives in `migrate_history_core` (and one table per plugin); a database
adopted from 0.1 keeps the old table until this step, a new one never has it.
"""


def migrate(migrator, database, *, fake=False):
    migrator.sql("DROP TABLE IF EXISTS schema_version")

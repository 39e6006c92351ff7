"""A person's language (issue 14): empty means the browser's choice."""
import peewee as pw


def migrate(migrator, database, *, fake=False):
    sqlite = isinstance(getattr(database, "obj", database), pw.SqliteDatabase)
    if sqlite:
        # As in step 004: SQLite's own ALTER TABLE adds the NOT NULL column in place.
        with migrator.fake():
            migrator.add_fields("user", language=pw.CharField(max_length=16, default=""))
        migrator.sql('ALTER TABLE "user" ADD COLUMN "language" VARCHAR(16) NOT NULL DEFAULT \'\'')
    else:
        migrator.add_fields("user", language=pw.CharField(max_length=16, default=""))


def rollback(migrator, database, *, fake=False):
    migrator.remove_fields("user", "language")

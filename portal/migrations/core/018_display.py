"""A person's own display settings (issue 14): high contrast, larger text and less
motion, kept with the account so they follow the person across organizations."""
import peewee as pw


def migrate(migrator, database, *, fake=False):
    sqlite = isinstance(getattr(database, "obj", database), pw.SqliteDatabase)
    if sqlite:
        # As in step 004: SQLite's own ALTER TABLE adds the NOT NULL column in place.
        with migrator.fake():
            migrator.add_fields("user", display=pw.CharField(max_length=32, default=""))
        migrator.sql('ALTER TABLE "user" ADD COLUMN "display" VARCHAR(32) NOT NULL DEFAULT \'\'')
    else:
        migrator.add_fields("user", display=pw.CharField(max_length=32, default=""))


def rollback(migrator, database, *, fake=False):
    migrator.remove_fields("user", "display")

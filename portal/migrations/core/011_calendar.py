"""The partnership's cadence (issue 13): a feed version per person, part of their
calendar feed's address (raising it ends the earlier addresses), and a partnership's
notice period, which moves the contract review before the notice deadline."""
import peewee as pw


def migrate(migrator, database, *, fake=False):
    sqlite = isinstance(getattr(database, "obj", database), pw.SqliteDatabase)
    if sqlite:
        # As in step 004: SQLite's own ALTER TABLE adds the NOT NULL column in place.
        with migrator.fake():
            migrator.add_fields("user", calendar_feed_version=pw.IntegerField(default=1))
        migrator.sql('ALTER TABLE "user" ADD COLUMN "calendar_feed_version" INTEGER NOT NULL '
                     "DEFAULT 1")
    else:
        migrator.add_fields("user", calendar_feed_version=pw.IntegerField(default=1))
    migrator.add_fields("partnership", notice_days=pw.IntegerField(null=True))


def rollback(migrator, database, *, fake=False):
    migrator.remove_fields("partnership", "notice_days")
    migrator.remove_fields("user", "calendar_feed_version")

"""The agreement's clock (issue 12): what readers of the agreement poll.

`agreement.changes` counts every change a reader of the agreement would see (a saved
text, a section added, renamed, moved or removed, a comment added or resolved, someone
starting to edit); `agreement.presence_until` is when the last heartbeat of an open
editor expires. The reading page polls both, one indexed row, and is answered 204 while
they say nothing changed.
"""
import peewee as pw


def migrate(migrator, database, *, fake=False):
    sqlite = isinstance(getattr(database, "obj", database), pw.SqliteDatabase)
    if sqlite:
        # As in step 004: SQLite's own ALTER TABLE adds the NOT NULL column in place
        # (peewee's SqliteMigrator would rebuild the table, cascading into sections).
        with migrator.fake():
            migrator.add_fields("agreement", changes=pw.IntegerField(default=0))
        migrator.sql('ALTER TABLE "agreement" ADD COLUMN "changes" INTEGER NOT NULL DEFAULT 0')
    else:
        migrator.add_fields("agreement", changes=pw.IntegerField(default=0))
    migrator.add_fields("agreement", presence_until=pw.DateTimeField(null=True))


def rollback(migrator, database, *, fake=False):
    migrator.remove_fields("agreement", "presence_until")
    migrator.remove_fields("agreement", "changes")

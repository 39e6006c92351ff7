"""Sealed answers (issue 11): anonymous responses wait, encrypted, in `sealed_response`
and reach `response` and `answer` in batches, each numbered (`batch`).

Responses stored before this step keep batch 0 and stay in every result; on SQLite the
new table has no rowid, like the other anonymous tables, so its storage order says
nothing about when a row came.
"""
import peewee as pw


def migrate(migrator, database, *, fake=False):
    sqlite = isinstance(getattr(database, "obj", database), pw.SqliteDatabase)
    if sqlite:
        # SQLite's ALTER TABLE adds a NOT NULL column with a default in place; peewee's
        # SqliteMigrator would rebuild the table and lose WITHOUT ROWID. The migrator is
        # told of the fields without running its own operations.
        with migrator.fake():
            migrator.add_fields("response", batch=pw.IntegerField(default=0))
            migrator.add_fields("answer", batch=pw.IntegerField(default=0))
        for table in ("response", "answer"):
            migrator.sql(f'ALTER TABLE "{table}" ADD COLUMN "batch" INTEGER NOT NULL DEFAULT 0')
    else:
        migrator.add_fields("response", batch=pw.IntegerField(default=0))
        migrator.add_fields("answer", batch=pw.IntegerField(default=0))

    @migrator.create_model
    class SealedResponse(pw.Model):
        id = pw.CharField(max_length=32, primary_key=True)
        run = pw.ForeignKeyField(column_name='run_id', field='id', model=migrator.orm['run'], on_delete='CASCADE')
        side = pw.CharField(max_length=16, null=True)
        payload = pw.TextField()

        class Meta:
            table_name = "sealed_response"
            without_rowid = sqlite


def rollback(migrator, database, *, fake=False):
    migrator.remove_fields('answer', 'batch')

    migrator.remove_fields('response', 'batch')

    migrator.remove_model('sealed_response')

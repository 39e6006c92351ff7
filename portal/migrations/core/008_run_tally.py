"""Stored results (issue 12): each run's answers counted, in `run_tally`.

Pages read the tally instead of aggregating the answers on every view. Runs from
before this step get theirs the first time their results are read (tallies.stored).
"""
import peewee as pw


def migrate(migrator, database, *, fake=False):
    @migrator.create_model
    class RunTally(pw.Model):
        run = pw.ForeignKeyField(column_name='run_id', field='id', model=migrator.orm['run'],
                                 on_delete='CASCADE', primary_key=True)
        batch = pw.IntegerField(default=0)
        latest = pw.TextField()
        previous = pw.TextField(null=True)

        class Meta:
            table_name = "run_tally"


def rollback(migrator, database, *, fake=False):
    migrator.remove_model('run_tally')

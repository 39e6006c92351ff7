"""Plugin faults: errors raised inside plugins while pages are served (issue 10).

One row per plugin, hook and message with a count and when it was first and last seen,
so the plugins page lists each error once and keeps it across restarts.
"""
import peewee as pw


def migrate(migrator, database, *, fake=False):
    @migrator.create_model
    class PluginFault(pw.Model):
        id = pw.AutoField()
        key = pw.CharField(max_length=40, unique=True)
        plugin = pw.CharField(max_length=120)
        hook = pw.CharField(max_length=80)
        message = pw.TextField()
        count = pw.IntegerField(default=1)
        first_seen = pw.DateTimeField()
        last_seen = pw.DateTimeField()

        class Meta:
            table_name = "plugin_fault"


def rollback(migrator, database, *, fake=False):
    migrator.remove_model('plugin_fault')

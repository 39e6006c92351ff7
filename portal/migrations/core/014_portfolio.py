"""The annual re-evaluation of an organization's partnerships (seed 001, practice 9): one
per organization and year, and its keep / grow / re-tender / exit decision on each."""
import peewee as pw


def migrate(migrator, database, *, fake=False):
    @migrator.create_model
    class Reevaluation(pw.Model):
        id = pw.AutoField()
        organization = pw.ForeignKeyField(column_name="organization_id", field="id",
                                          model=migrator.orm["organization"], on_delete="CASCADE")
        year = pw.IntegerField()
        started_by = pw.ForeignKeyField(column_name="started_by_id", field="id",
                                        model=migrator.orm["user"], null=True, on_delete="SET NULL")
        started_at = pw.DateTimeField()
        finished_by = pw.ForeignKeyField(column_name="finished_by_id", field="id",
                                         model=migrator.orm["user"], null=True, on_delete="SET NULL")
        finished_at = pw.DateTimeField(null=True)

        class Meta:
            table_name = "reevaluation"
            indexes = [(("organization", "year"), True)]

    @migrator.create_model
    class Decision(pw.Model):
        id = pw.AutoField()
        reevaluation = pw.ForeignKeyField(column_name="reevaluation_id", field="id",
                                          model=migrator.orm["reevaluation"], on_delete="CASCADE")
        partnership = pw.ForeignKeyField(column_name="partnership_id", field="id",
                                         model=migrator.orm["partnership"], on_delete="CASCADE")
        decision = pw.CharField(max_length=16)
        reason = pw.TextField()
        facts = pw.TextField(default="{}")
        decided_by = pw.ForeignKeyField(column_name="decided_by_id", field="id",
                                        model=migrator.orm["user"], null=True, on_delete="SET NULL")
        decided_at = pw.DateTimeField()

        class Meta:
            table_name = "reevaluation_decision"
            indexes = [(("reevaluation", "partnership"), True)]


def rollback(migrator, database, *, fake=False):
    for table in ("reevaluation_decision", "reevaluation"):
        migrator.remove_model(table)

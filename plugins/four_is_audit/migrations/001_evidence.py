"""The evidence of a 4 I's audit: the lines gathered when an audit opens and the auditors'
confirmations and corrections."""
import peewee as pw


def migrate(migrator, database, *, fake=False):
    @migrator.create_model
    class EvidenceLine(pw.Model):
        id = pw.AutoField()
        run_id = pw.IntegerField(index=True)
        partnership_id = pw.IntegerField(index=True)
        position = pw.IntegerField()
        i = pw.CharField(max_length=16)
        text = pw.TextField()
        url = pw.CharField(default='', max_length=500)
        figure = pw.CharField(default='', max_length=80)
        starts_on = pw.DateField(null=True)
        ends_on = pw.DateField(null=True)
        gathered_at = pw.DateTimeField()

        class Meta:
            table_name = "four_is_audit_evidence_line"

    @migrator.create_model
    class EvidenceReview(pw.Model):
        id = pw.AutoField()
        line = pw.ForeignKeyField(column_name='line_id', field='id', model=migrator.orm['four_is_audit_evidence_line'], on_delete='CASCADE')
        user_id = pw.IntegerField()
        user_name = pw.CharField(max_length=200)
        verdict = pw.CharField(max_length=16)
        text = pw.TextField(default='')
        reason = pw.TextField(default='')
        at = pw.DateTimeField()

        class Meta:
            table_name = "four_is_audit_evidence_review"


def rollback(migrator, database, *, fake=False):
    migrator.remove_model('four_is_audit_evidence_review')
    migrator.remove_model('four_is_audit_evidence_line')

"""Partnership health, measured both ways (issue 13): the benefits each party expects
and their values over time, each person's ratings of the partnership and of the other
party, and the health score kept per partnership and month, with any override."""
import peewee as pw


def migrate(migrator, database, *, fake=False):
    @migrator.create_model
    class Benefit(pw.Model):
        id = pw.AutoField()
        partnership = pw.ForeignKeyField(column_name="partnership_id", field="id",
                                         model=migrator.orm["partnership"], on_delete="CASCADE")
        side = pw.CharField(max_length=16)
        kind = pw.CharField(max_length=16)
        name = pw.CharField(max_length=160)
        unit = pw.CharField(max_length=40, default="")
        target = pw.DoubleField(null=True)
        direction = pw.CharField(max_length=8, default="higher")
        owner = pw.ForeignKeyField(column_name="owner_id", field="id", model=migrator.orm["user"],
                                   null=True, on_delete="SET NULL")
        cadence_days = pw.IntegerField(default=30)
        created_by = pw.ForeignKeyField(column_name="created_by_id", field="id",
                                        model=migrator.orm["user"], null=True, on_delete="SET NULL")
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "benefit"

    @migrator.create_model
    class BenefitValue(pw.Model):
        id = pw.AutoField()
        benefit = pw.ForeignKeyField(column_name="benefit_id", field="id",
                                     model=migrator.orm["benefit"], on_delete="CASCADE")
        measured_on = pw.DateField()
        value = pw.DoubleField()
        note = pw.CharField(max_length=300, default="")
        recorded_by = pw.ForeignKeyField(column_name="recorded_by_id", field="id",
                                         model=migrator.orm["user"], null=True, on_delete="SET NULL")
        recorded_at = pw.DateTimeField()

        class Meta:
            table_name = "benefit_value"
            indexes = [(("benefit", "measured_on"), False)]

    @migrator.create_model
    class Rating(pw.Model):
        id = pw.AutoField()
        partnership = pw.ForeignKeyField(column_name="partnership_id", field="id",
                                         model=migrator.orm["partnership"], on_delete="CASCADE")
        user = pw.ForeignKeyField(column_name="user_id", field="id", model=migrator.orm["user"],
                                  on_delete="CASCADE")
        side = pw.CharField(max_length=16)
        subject = pw.CharField(max_length=16)
        score = pw.IntegerField()
        comment = pw.TextField(default="")
        rated_at = pw.DateTimeField()

        class Meta:
            table_name = "rating"
            indexes = [(("partnership", "rated_at"), False)]

    @migrator.create_model
    class HealthScore(pw.Model):
        id = pw.AutoField()
        partnership = pw.ForeignKeyField(column_name="partnership_id", field="id",
                                         model=migrator.orm["partnership"], on_delete="CASCADE")
        period = pw.DateField()
        score = pw.DoubleField(null=True)
        band = pw.CharField(max_length=16, default="no_data")
        stale = pw.IntegerField(default=0)
        measures = pw.TextField(default="[]")
        computed_at = pw.DateTimeField(null=True)
        override_score = pw.DoubleField(null=True)
        override_reason = pw.TextField(default="")
        override_by = pw.ForeignKeyField(column_name="override_by_id", field="id",
                                         model=migrator.orm["user"], null=True, on_delete="SET NULL")
        override_at = pw.DateTimeField(null=True)
        override_computed = pw.DoubleField(null=True)

        class Meta:
            table_name = "health_score"
            indexes = [(("partnership", "period"), True)]


def rollback(migrator, database, *, fake=False):
    for table in ("health_score", "rating", "benefit_value", "benefit"):
        migrator.remove_model(table)

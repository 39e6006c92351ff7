import peewee as pw


def migrate(migrator, database, *, fake=False):
    @migrator.create_model
    class AcmeGoal(pw.Model):
        id = pw.AutoField()
        partnership_id = pw.IntegerField(index=True)
        text = pw.TextField()

        class Meta:
            table_name = "acme_goal"

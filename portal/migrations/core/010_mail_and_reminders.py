"""Reminders that reach people (issue 13): the outbox (`mail`), the reminders given
(`reminder_claim`, one row per reminder and period, so each is given once), each
person's choice of e-mail (`user.mail_frequency`, "immediately" for everyone to start
with) and which notifications were mailed (`notification.mailed_at`)."""
import peewee as pw


def migrate(migrator, database, *, fake=False):
    sqlite = isinstance(getattr(database, "obj", database), pw.SqliteDatabase)
    if sqlite:
        # As in step 004: SQLite's own ALTER TABLE adds the NOT NULL column in place;
        # the migrator's rebuild of "user" would cascade into every table that refers to it.
        with migrator.fake():
            migrator.add_fields("user", mail_frequency=pw.CharField(max_length=16,
                                                                     default="immediately"))
        migrator.sql('ALTER TABLE "user" ADD COLUMN "mail_frequency" VARCHAR(16) NOT NULL '
                     "DEFAULT 'immediately'")
    else:
        migrator.add_fields("user", mail_frequency=pw.CharField(max_length=16,
                                                                 default="immediately"))
    migrator.add_fields("notification", mailed_at=pw.DateTimeField(null=True))

    @migrator.create_model
    class Mail(pw.Model):
        id = pw.AutoField()
        user = pw.ForeignKeyField(column_name="user_id", field="id", model=migrator.orm["user"],
                                  null=True, on_delete="SET NULL")
        to_address = pw.CharField(max_length=254)
        subject = pw.CharField(max_length=300)
        body = pw.TextField()
        created_at = pw.DateTimeField()
        next_attempt_at = pw.DateTimeField(index=True)
        claimed_until = pw.DateTimeField(null=True)
        attempts = pw.IntegerField(default=0)
        last_error = pw.TextField(default="")
        sent_at = pw.DateTimeField(null=True)
        delivery = pw.CharField(max_length=16, default="", index=True)

        class Meta:
            table_name = "mail"

    @migrator.create_model
    class ReminderClaim(pw.Model):
        id = pw.AutoField()
        key = pw.CharField(max_length=200, unique=True)
        user = pw.ForeignKeyField(column_name="user_id", field="id", model=migrator.orm["user"],
                                  on_delete="CASCADE")
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "reminder_claim"


def rollback(migrator, database, *, fake=False):
    migrator.remove_model("reminder_claim")
    migrator.remove_model("mail")
    migrator.remove_fields("notification", "mailed_at")
    migrator.remove_fields("user", "mail_frequency")

"""Sponsor and business reviews (issue 13): the review, who is invited and came, its
agenda points (with the review each unfinished point came from) and its outcomes."""
import peewee as pw


def migrate(migrator, database, *, fake=False):
    @migrator.create_model
    class Meeting(pw.Model):
        id = pw.AutoField()
        partnership = pw.ForeignKeyField(column_name="partnership_id", field="id",
                                         model=migrator.orm["partnership"], on_delete="CASCADE")
        kind = pw.CharField(max_length=16)
        title = pw.CharField(max_length=160)
        scheduled_at = pw.DateTimeField(index=True)
        minutes_planned = pw.IntegerField(default=60)
        location = pw.CharField(max_length=300, default="")
        status = pw.CharField(max_length=16, default="draft")
        minutes = pw.TextField(default="")
        minutes_html = pw.TextField(default="")
        created_by = pw.ForeignKeyField(column_name="created_by_id", field="id",
                                        model=migrator.orm["user"], null=True, on_delete="SET NULL")
        created_at = pw.DateTimeField()
        closed_at = pw.DateTimeField(null=True)

        class Meta:
            table_name = "meeting"

    @migrator.create_model
    class MeetingAttendee(pw.Model):
        id = pw.AutoField()
        meeting = pw.ForeignKeyField(column_name="meeting_id", field="id",
                                     model=migrator.orm["meeting"], on_delete="CASCADE")
        user = pw.ForeignKeyField(column_name="user_id", field="id", model=migrator.orm["user"],
                                  on_delete="CASCADE")
        attended = pw.BooleanField(null=True)

        class Meta:
            table_name = "meeting_attendee"
            indexes = [(("meeting", "user"), True)]

    @migrator.create_model
    class AgendaItem(pw.Model):
        id = pw.AutoField()
        meeting = pw.ForeignKeyField(column_name="meeting_id", field="id",
                                     model=migrator.orm["meeting"], on_delete="CASCADE")
        position = pw.IntegerField(default=0)
        title = pw.CharField(max_length=200)
        notes = pw.TextField(default="")
        notes_html = pw.TextField(default="")
        presenter = pw.ForeignKeyField(column_name="presenter_id", field="id",
                                       model=migrator.orm["user"], null=True, on_delete="SET NULL")
        minutes_planned = pw.IntegerField(default=10)
        source = pw.CharField(max_length=16, default="person")
        status = pw.CharField(max_length=16, default="open")
        carried_from = pw.ForeignKeyField(column_name="carried_from_id", field="id",
                                          model="self", null=True, on_delete="SET NULL")
        added_by = pw.ForeignKeyField(column_name="added_by_id", field="id",
                                      model=migrator.orm["user"], null=True, on_delete="SET NULL")
        added_at = pw.DateTimeField()

        class Meta:
            table_name = "agenda_item"

    @migrator.create_model
    class Outcome(pw.Model):
        id = pw.AutoField()
        meeting = pw.ForeignKeyField(column_name="meeting_id", field="id",
                                     model=migrator.orm["meeting"], on_delete="CASCADE")
        agenda_item = pw.ForeignKeyField(column_name="agenda_item_id", field="id",
                                         model=migrator.orm["agenda_item"], null=True,
                                         on_delete="SET NULL")
        kind = pw.CharField(max_length=16)
        text = pw.TextField()
        action = pw.ForeignKeyField(column_name="action_id", field="id",
                                    model=migrator.orm["action_item"], null=True,
                                    on_delete="SET NULL")
        created_by = pw.ForeignKeyField(column_name="created_by_id", field="id",
                                        model=migrator.orm["user"], null=True, on_delete="SET NULL")
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "outcome"


def rollback(migrator, database, *, fake=False):
    for table in ("outcome", "agenda_item", "meeting_attendee", "meeting"):
        migrator.remove_model(table)

"""A review (meeting), who is invited and came, its agenda and what it decided."""
import peewee
from flask_babel import lazy_gettext as _l

from portal.accounts.models import User, utcnow
from portal.db import BaseModel
from portal.instruments.models import ActionItem
from portal.partnerships.models import Partnership

KINDS = (("sponsor", _l("Sponsor review")), ("business", _l("Business review")))
#: draft: being prepared by the organizers; open: both sides add points; in progress:
#: the meeting is on, minutes and outcomes are taken; closed: read-only.
STATUSES = (("draft", _l("Draft")), ("open", _l("Open for agenda points")),
            ("in_progress", _l("In progress")), ("closed", _l("Closed")))
OUTCOME_KINDS = (("information", _l("Information")), ("decision", _l("Decision")),
                 ("action", _l("Action")))


class Meeting(BaseModel):
    partnership = peewee.ForeignKeyField(Partnership, on_delete="CASCADE")
    kind = peewee.CharField(max_length=16)
    title = peewee.CharField(max_length=160)
    scheduled_at = peewee.DateTimeField(index=True)  # UTC; shown in each reader's zone
    minutes_planned = peewee.IntegerField(default=60)
    location = peewee.CharField(max_length=300, default="")
    status = peewee.CharField(max_length=16, default="draft")
    minutes = peewee.TextField(default="")  # Markdown, as typed
    minutes_html = peewee.TextField(default="")  # rendered once, when saved
    created_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
    created_at = peewee.DateTimeField(default=utcnow)
    closed_at = peewee.DateTimeField(null=True)

    @property
    def kind_label(self):
        return dict(KINDS).get(self.kind, self.kind)

    @property
    def status_label(self):
        return dict(STATUSES).get(self.status, self.status)


class MeetingAttendee(BaseModel):
    """Invited; `attended` is recorded during or after the meeting (None: not yet)."""

    meeting = peewee.ForeignKeyField(Meeting, backref="attendees", on_delete="CASCADE")
    user = peewee.ForeignKeyField(User, on_delete="CASCADE")
    attended = peewee.BooleanField(null=True)

    class Meta:
        indexes = ((("meeting", "user"), True),)


class AgendaItem(BaseModel):
    """A point of the agenda. `source`: prefill (from the portal's data), person, or
    carried (unfinished at an earlier review, `carried_from`). `status`: open, done, or
    carried (moved on to the next review when this one closed)."""

    meeting = peewee.ForeignKeyField(Meeting, backref="agenda", on_delete="CASCADE")
    position = peewee.IntegerField(default=0)
    title = peewee.CharField(max_length=200)
    notes = peewee.TextField(default="")  # Markdown, as typed (or pre-filled)
    notes_html = peewee.TextField(default="")  # rendered once, when saved
    presenter = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
    minutes_planned = peewee.IntegerField(default=10)
    source = peewee.CharField(max_length=16, default="person")
    status = peewee.CharField(max_length=16, default="open")
    carried_from = peewee.ForeignKeyField("self", null=True, on_delete="SET NULL")
    added_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
    added_at = peewee.DateTimeField(default=utcnow)


class Outcome(BaseModel):
    """What the meeting recorded on a point: information, a decision, or an action (which
    is also an item of the joint action plan)."""

    meeting = peewee.ForeignKeyField(Meeting, backref="outcomes", on_delete="CASCADE")
    agenda_item = peewee.ForeignKeyField(AgendaItem, null=True, backref="outcomes",
                                         on_delete="SET NULL")
    kind = peewee.CharField(max_length=16)
    text = peewee.TextField()
    action = peewee.ForeignKeyField(ActionItem, null=True, on_delete="SET NULL")
    created_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
    created_at = peewee.DateTimeField(default=utcnow)

    @property
    def kind_label(self):
        return dict(OUTCOME_KINDS).get(self.kind, self.kind)


TABLES = [Meeting, MeetingAttendee, AgendaItem, Outcome]

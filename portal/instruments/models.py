"""Runs of instruments, who took part, answers, and the action items they lead to.

Anonymity is a property of these tables, not of the pages: an anonymous response has
no user, no side (when the run hides sides) and no time; its id is random, and on
SQLite the answer and participation tables are WITHOUT ROWID, so neither an id nor
the storage order reveals when — and so by whom — an answer was given. Who has
responded lives in `participation`, with no time and no order either.
"""
import datetime as dt
import functools
import json
import uuid

import peewee
from flask_babel import lazy_gettext as _l

from portal.accounts.models import User, utcnow
from portal.db import BaseModel
from portal.partnerships.models import Partnership

AUDIENCES = (
    ("both", _l("Everyone in both organizations")),
    ("client", _l("The client side only")),
    ("supplier", _l("The supplier side only")),
    ("named", _l("Named members")),
)
ACTION_STATUSES = (("open", _l("Open")), ("in_progress", _l("In progress")), ("done", _l("Done")))


class Run(BaseModel):
    partnership = peewee.ForeignKeyField(Partnership, backref="runs", on_delete="CASCADE")
    instrument_id = peewee.CharField(max_length=80, index=True)
    instrument_version = peewee.CharField(max_length=40)
    # The instrument as it was when the run opened, so results stay readable after the
    # plugin is upgraded or removed.
    snapshot = peewee.TextField()
    title = peewee.CharField(max_length=160)
    opens_on = peewee.DateField()
    closes_on = peewee.DateField(null=True)
    audience = peewee.CharField(max_length=16, default="both")
    anonymous = peewee.BooleanField(default=False)
    record_side = peewee.BooleanField(default=True)
    min_responses = peewee.IntegerField(default=3)
    status = peewee.CharField(max_length=16, default="open")  # open, closed
    created_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
    created_at = peewee.DateTimeField(default=utcnow)
    closed_at = peewee.DateTimeField(null=True)

    @property
    def meta(self):
        """The instrument as the run keeps it; its title and summary read in the request's
        language while the English kept is the one declared now (translated_text.py)."""
        from portal.instruments.translated_text import localized

        meta = dict(_parsed(self.snapshot))  # the parsed snapshot is shared: never changed
        for field in ("title", "summary", "cadence_label"):
            if field in meta:
                meta[field] = localized(meta[field], ("instrument", self.instrument_id, field))
        return meta

    def accepting(self, today=None):
        today = today or dt.date.today()
        return (self.status == "open" and self.opens_on <= today
                and (self.closes_on is None or today <= self.closes_on))

    def state(self, today=None):
        today = today or dt.date.today()
        if self.status == "closed" or (self.closes_on and today > self.closes_on):
            return "closed"
        return "scheduled" if self.opens_on > today else "open"


@functools.lru_cache(maxsize=512)
def _parsed(snapshot):
    # A run's snapshot never changes, and pages read it several times per run.
    return json.loads(snapshot)


class RunInvitee(BaseModel):
    """Members invited by name, when the run's audience is "named"."""

    run = peewee.ForeignKeyField(Run, backref="invitees", on_delete="CASCADE")
    user = peewee.ForeignKeyField(User, on_delete="CASCADE")

    class Meta:
        indexes = ((("run", "user"), True),)


class Participation(BaseModel):
    """That a user has submitted to a run: prevents a second answer, gives the rate."""

    run = peewee.ForeignKeyField(Run, on_delete="CASCADE")
    user = peewee.ForeignKeyField(User, on_delete="CASCADE")

    class Meta:
        primary_key = peewee.CompositeKey("run", "user")


class Draft(BaseModel):
    """Answers saved before submitting; deleted when the response is submitted."""

    run = peewee.ForeignKeyField(Run, on_delete="CASCADE")
    user = peewee.ForeignKeyField(User, on_delete="CASCADE")
    data = peewee.TextField(default="{}")
    updated_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("run", "user"), True),)


def random_id():
    return uuid.uuid4().hex


class Response(BaseModel):
    id = peewee.CharField(primary_key=True, max_length=32, default=random_id)
    run = peewee.ForeignKeyField(Run, backref="responses", on_delete="CASCADE")
    user = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")  # None: anonymous
    side = peewee.CharField(max_length=16, null=True)  # None: anonymous per side
    submitted_at = peewee.DateTimeField(null=True)  # None: anonymous
    batch = peewee.IntegerField(default=0)  # anonymous runs: the release it came with (1, 2…)


class SealedResponse(BaseModel):
    """An anonymous response waiting for its batch (instruments/sealing.py): encrypted,
    so the row written beside the participation says nothing of the answers."""

    id = peewee.CharField(primary_key=True, max_length=32, default=random_id)
    run = peewee.ForeignKeyField(Run, on_delete="CASCADE")
    side = peewee.CharField(max_length=16, null=True)
    payload = peewee.TextField()


class Answer(BaseModel):
    """One answer. `run` and `side` repeat the response's, so results are one indexed
    GROUP BY over this table alone (no join, no sort): 10,000 responses stay fast."""

    response = peewee.ForeignKeyField(Response, backref="answers", on_delete="CASCADE")
    question_id = peewee.CharField(max_length=80)
    run = peewee.ForeignKeyField(Run, on_delete="CASCADE", index=False)
    side = peewee.CharField(max_length=16, null=True)
    batch = peewee.IntegerField(default=0)  # the response's, so results can stop at a batch
    value_num = peewee.DoubleField(null=True)
    value_text = peewee.TextField(null=True)
    value_date = peewee.DateField(null=True)

    class Meta:
        primary_key = peewee.CompositeKey("response", "question_id")
        indexes = ((("run", "question_id", "side", "value_num"), False),)


class RunTally(BaseModel):
    """A run's answers counted (aggregate.Tally as JSON), kept as they change
    (tallies.py), so no page counts answers: `latest` holds every released response
    through batch `batch`; `previous` the tally one batch short of it, which an open
    anonymous run shows."""

    run = peewee.ForeignKeyField(Run, primary_key=True, on_delete="CASCADE")
    batch = peewee.IntegerField(default=0)
    latest = peewee.TextField()
    previous = peewee.TextField(null=True)


class ActionItem(BaseModel):
    """A joint action from a flagged result: one owner on each side, a due date."""

    partnership = peewee.ForeignKeyField(Partnership, backref="action_items", on_delete="CASCADE")
    run = peewee.ForeignKeyField(Run, null=True, on_delete="SET NULL")
    instrument_id = peewee.CharField(max_length=80, null=True)
    question_id = peewee.CharField(max_length=80, null=True)
    baseline = peewee.DoubleField(null=True)  # the item's result when the action was taken
    text = peewee.TextField()
    client_owner = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
    supplier_owner = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
    due_on = peewee.DateField(null=True)
    status = peewee.CharField(max_length=16, default="open")
    created_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
    created_at = peewee.DateTimeField(default=utcnow)
    closed_at = peewee.DateTimeField(null=True)

    @property
    def status_label(self):
        return dict(ACTION_STATUSES).get(self.status, self.status)

    def overdue(self, today=None):
        return self.status != "done" and self.due_on is not None and self.due_on < (today or dt.date.today())


TABLES = [Run, RunInvitee, Participation, Draft, Response, SealedResponse, Answer, RunTally,
          ActionItem]
#: Tables whose storage order must not reveal the order answers came in.
UNORDERED = [Participation, Response, SealedResponse, Answer]

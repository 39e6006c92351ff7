"""The tables of a supplier selection: the selection, its weighted criteria (the seeds'
list by default), candidate suppliers, evaluators, their scores, and moderated scores.

Their shape is also spelled out by the steps in `migrations/`; a change here needs a
new step there (`portal db revision supplier_selection <name>`).
"""
import datetime

import peewee

from portal import Model

DEFAULT_CRITERIA = (
    "Content and delivery expertise and experience",
    "Breadth and depth of capabilities",
    "Alignment with our values and style",
    "Experience inside and outside our industry",
    "Flexibility with scope, timing and personnel",
    "Integrity",
    "How their strengths fill our team's gaps",
    "Measurement approach",
    "Cultural and global fit",
    "Partnering potential",
)
DEFAULT_WEIGHT = 10.0  # ten criteria of 10 points: 100 in all


def utc_now():
    """The current time in UTC, without a time zone, as the timestamps are stored."""
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


class Selection(Model):
    client_org_id = peewee.IntegerField(index=True)
    name = peewee.CharField(max_length=160)
    needs = peewee.TextField(default="")
    gaps = peewee.TextField(default="")
    created_by_id = peewee.IntegerField()
    created_at = peewee.DateTimeField(default=utc_now)
    status = peewee.CharField(max_length=20, default="open")  # open | decided
    chosen_candidate_id = peewee.IntegerField(null=True)
    partnership_id = peewee.IntegerField(null=True, index=True)

    class Meta:
        table_name = "supplier_selection_selection"


class Criterion(Model):
    selection = peewee.ForeignKeyField(Selection, backref="criteria", on_delete="CASCADE")
    name = peewee.CharField(max_length=160)
    weight = peewee.DoubleField(default=DEFAULT_WEIGHT)

    class Meta:
        table_name = "supplier_selection_criterion"


class Candidate(Model):
    """A supplier organization in the portal (`supplier_org_id`), or one not yet in it:
    its `name` and the contact person invited if it is chosen (`supplier_org_id` is then
    empty until the choice creates the organization)."""

    selection = peewee.ForeignKeyField(Selection, backref="candidates", on_delete="CASCADE")
    supplier_org_id = peewee.IntegerField(null=True)
    notes = peewee.TextField(default="")
    name = peewee.CharField(max_length=160, default="")
    contact_name = peewee.CharField(max_length=120, default="")
    contact_email = peewee.CharField(max_length=254, default="")

    @property
    def is_outside(self):
        return bool(self.contact_email)

    class Meta:
        table_name = "supplier_selection_candidate"
        indexes = ((("selection", "supplier_org_id"), True),)


class Evaluator(Model):
    selection = peewee.ForeignKeyField(Selection, backref="evaluators", on_delete="CASCADE")
    user_id = peewee.IntegerField()
    name = peewee.CharField(max_length=160)
    submitted_at = peewee.DateTimeField(null=True)

    class Meta:
        table_name = "supplier_selection_evaluator"
        indexes = ((("selection", "user_id"), True),)


class Score(Model):
    evaluator = peewee.ForeignKeyField(Evaluator, backref="scores", on_delete="CASCADE")
    candidate = peewee.ForeignKeyField(Candidate, on_delete="CASCADE")
    criterion = peewee.ForeignKeyField(Criterion, on_delete="CASCADE")
    value = peewee.IntegerField()
    note = peewee.TextField(default="")

    class Meta:
        table_name = "supplier_selection_score"
        indexes = ((("evaluator", "candidate", "criterion"), True),)


class Moderated(Model):
    candidate = peewee.ForeignKeyField(Candidate, on_delete="CASCADE")
    criterion = peewee.ForeignKeyField(Criterion, on_delete="CASCADE")
    value = peewee.DoubleField()
    by_user_id = peewee.IntegerField()

    class Meta:
        table_name = "supplier_selection_moderated"
        indexes = ((("candidate", "criterion"), True),)


MODELS = [Selection, Criterion, Candidate, Evaluator, Score, Moderated]

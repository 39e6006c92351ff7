"""The tables of cohorts: a cohort, its members, its schedule of items and the posts of
each item's discussion."""
import datetime as dt

import peewee

from portal.accounts.models import User, utcnow
from portal.content.cohorts import clock
from portal.content.models import ContentItem
from portal.db import BaseModel
from portal.partnerships.models import Partnership

#: An author may change a post this long after posting and not later, so a reply never
#: answers words that have since changed.
EDIT_WINDOW = dt.timedelta(minutes=15)


class Cohort(BaseModel):
    partnership = peewee.ForeignKeyField(Partnership, backref="+", on_delete="CASCADE")
    name = peewee.CharField(max_length=120)
    description = peewee.TextField(default="")
    starts_on = peewee.DateField()
    ends_on = peewee.DateField()
    created_by = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    created_at = peewee.DateTimeField(default=utcnow)

    def status(self, on=None):
        on = on or clock.today()
        if on < self.starts_on:
            return "upcoming"
        return "finished" if on > self.ends_on else "running"


class CohortMember(BaseModel):
    cohort = peewee.ForeignKeyField(Cohort, backref="members", on_delete="CASCADE")
    user = peewee.ForeignKeyField(User, backref="+", on_delete="CASCADE")
    added_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("cohort", "user"), True),)


class CohortItem(BaseModel):
    """One item of a cohort's schedule, in the order the cohort works through them."""

    cohort = peewee.ForeignKeyField(Cohort, backref="schedule", on_delete="CASCADE")
    item = peewee.ForeignKeyField(ContentItem, backref="+", on_delete="CASCADE")
    due_on = peewee.DateField()
    position = peewee.IntegerField(default=0)

    class Meta:
        indexes = ((("cohort", "item"), True),)


class Post(BaseModel):
    """A post in the discussion of one item by one cohort; replies are one level deep."""

    cohort = peewee.ForeignKeyField(Cohort, backref="posts", on_delete="CASCADE")
    item = peewee.ForeignKeyField(ContentItem, backref="+", on_delete="CASCADE")
    author = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    parent = peewee.ForeignKeyField("self", null=True, backref="replies", on_delete="CASCADE")
    body = peewee.TextField()  # exactly what the author typed
    html = peewee.TextField()  # rendered and sanitized once, when saved (DESIGN §8)
    created_at = peewee.DateTimeField(default=utcnow)
    edited_at = peewee.DateTimeField(null=True)
    reported_by = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    reported_at = peewee.DateTimeField(null=True)
    report_reason = peewee.TextField(default="")
    hidden_by = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    hidden_at = peewee.DateTimeField(null=True)

    class Meta:
        indexes = ((("cohort", "item", "created_at"), False),)

    @property
    def hidden(self):
        return self.hidden_at is not None

    def editable_by(self, user_id, at=None):
        return self.author_id == user_id and (at or clock.now()) - self.created_at <= EDIT_WINDOW


TABLES = [Cohort, CohortMember, CohortItem, Post]

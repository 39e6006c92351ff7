"""Relational expectations of a partnership and each member's acknowledgement of them.

An acknowledgement names the version it was given for. Changing what an expectation
says (its text, direction or principle) raises the version, so every earlier
acknowledgement stops counting and members read and acknowledge it again; nothing is
deleted, so the log of who agreed to which wording stays in the database.
"""
import datetime as dt

import peewee

from portal.accounts.models import User, utcnow
from portal.db import BaseModel
from portal.expectations.vocabulary import (
    DIRECTION_SHORT, PRINCIPLE_DESCRIPTIONS, direction_label, principle_label,
)
from portal.partnerships.models import Partnership

MAX_TEXT = 1000
#: The fields whose change asks every member to acknowledge again.
WORDING_FIELDS = ("text", "direction", "principle")


class RelationalExpectation(BaseModel):
    partnership = peewee.ForeignKeyField(Partnership, backref="expectations", on_delete="CASCADE")
    direction = peewee.CharField(max_length=24)  # see vocabulary.DIRECTIONS
    text = peewee.TextField()
    principle = peewee.CharField(max_length=40)  # see vocabulary.PRINCIPLES
    owner = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
    review_on = peewee.DateField(null=True)
    version = peewee.IntegerField(default=1)
    created_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
    created_at = peewee.DateTimeField(default=utcnow)
    updated_at = peewee.DateTimeField(default=utcnow)
    archived = peewee.BooleanField(default=False, index=True)

    @property
    def principle_label(self):
        return principle_label(self.principle)

    @property
    def principle_description(self):
        return PRINCIPLE_DESCRIPTIONS.get(self.principle, "")

    @property
    def direction_label(self):
        return direction_label(self.direction)

    @property
    def direction_short(self):
        return DIRECTION_SHORT.get(self.direction, self.direction)

    def review_overdue(self, today=None):
        return self.review_on is not None and self.review_on < (today or dt.date.today())


class Acknowledgement(BaseModel):
    """That a member read and accepted one version of an expectation."""

    expectation = peewee.ForeignKeyField(RelationalExpectation, backref="acknowledgements",
                                         on_delete="CASCADE")
    user = peewee.ForeignKeyField(User, on_delete="CASCADE")
    version = peewee.IntegerField()
    at = peewee.DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("expectation", "user"), True),)


TABLES = [RelationalExpectation, Acknowledgement]

"""A reflection: what a member will try after reading an item, and later what happened.

Private to its author until shared with one cohort (`shared_cohort`); sharing.py says
who reads which.
"""
import peewee

from portal.accounts.models import User, utcnow
from portal.content.cohorts.models import Cohort
from portal.content.models import ContentItem
from portal.db import BaseModel
from portal.partnerships.models import Partnership


class Reflection(BaseModel):
    user = peewee.ForeignKeyField(User, backref="+", on_delete="CASCADE")
    partnership = peewee.ForeignKeyField(Partnership, backref="+", on_delete="CASCADE")
    item = peewee.ForeignKeyField(ContentItem, backref="+", on_delete="CASCADE")
    plan = peewee.TextField()  # what I will try
    outcome = peewee.TextField(default="")  # what happened, written later
    created_at = peewee.DateTimeField(default=utcnow)
    updated_at = peewee.DateTimeField(default=utcnow)
    outcome_at = peewee.DateTimeField(null=True)
    shared_cohort = peewee.ForeignKeyField(Cohort, null=True, backref="+", on_delete="SET NULL")
    shared_at = peewee.DateTimeField(null=True)

    class Meta:
        indexes = ((("user", "partnership", "item"), False), (("shared_cohort", "item"), False))


TABLES = [Reflection]

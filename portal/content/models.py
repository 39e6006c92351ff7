"""Content items (from content/*.md or written in the portal) and what people do with
them: pins and notes per partnership, views, feedback, reflections, reviews, cohorts."""
import json

import peewee

from portal.accounts.models import Organization, User, utcnow
from portal.db import BaseModel
from portal.partnerships.models import Partnership


class JSONField(peewee.TextField):
    def db_value(self, value):
        return json.dumps(value if value is not None else [])

    def python_value(self, value):
        return json.loads(value) if value else []


class ContentItem(BaseModel):
    """One item of the library, indexed in the database whatever its source."""

    slug = peewee.CharField(max_length=120, unique=True)
    source = peewee.CharField(max_length=16)  # "file" or "portal"
    organization = peewee.ForeignKeyField(Organization, null=True, on_delete="CASCADE")
    path = peewee.CharField(max_length=300, default="")
    mtime = peewee.DoubleField(default=0)
    title = peewee.CharField(max_length=200)
    summary = peewee.TextField(default="")
    audience = peewee.CharField(max_length=16, default="both")
    roles = JSONField(default=list)
    stages = JSONField(default=list)
    principles = JSONField(default=list)
    tags = JSONField(default=list)
    partnerships = JSONField(default=list)  # partnership ids it is tailored for
    reading_time = peewee.IntegerField(default=1)
    language = peewee.CharField(max_length=12, default="en")
    body = peewee.TextField(default="")
    html = peewee.TextField(default="")
    toc = JSONField(default=list)  # [[level, anchor, title], ...]
    recall_question = peewee.TextField(default="")
    recall_answer = peewee.TextField(default="")
    updated_at = peewee.DateTimeField(default=utcnow)
    removed = peewee.BooleanField(default=False)


class ContentRevision(BaseModel):
    """Every save of a portal-authored item."""

    item = peewee.ForeignKeyField(ContentItem, backref="revisions", on_delete="CASCADE")
    fields = JSONField(default=dict)
    body = peewee.TextField()
    author = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
    created_at = peewee.DateTimeField(default=utcnow)


class ContentProblem(BaseModel):
    """A file of content/ that could not be loaded, and why (for the admin page)."""

    path = peewee.CharField(max_length=300, unique=True)
    reason = peewee.TextField()
    seen_at = peewee.DateTimeField(default=utcnow)


class Pin(BaseModel):
    partnership = peewee.ForeignKeyField(Partnership, on_delete="CASCADE")
    item = peewee.ForeignKeyField(ContentItem, on_delete="CASCADE")
    pinned_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
    created_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("partnership", "item"), True),)


class PartnershipNote(BaseModel):
    """What an item means for this partnership, written by one of its editors."""

    partnership = peewee.ForeignKeyField(Partnership, on_delete="CASCADE")
    item = peewee.ForeignKeyField(ContentItem, on_delete="CASCADE")
    body = peewee.TextField()
    html = peewee.TextField()
    author = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
    updated_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("partnership", "item"), True),)


class ItemView(BaseModel):
    """That someone opened an item (one row per person, item and UTC day; see
    content.views.record_view) — content interaction KPIs."""

    user = peewee.ForeignKeyField(User, on_delete="CASCADE")
    partnership = peewee.ForeignKeyField(Partnership, on_delete="CASCADE")
    item = peewee.ForeignKeyField(ContentItem, on_delete="CASCADE")
    at = peewee.DateTimeField(default=utcnow, index=True)

    class Meta:
        indexes = ((("user", "item", "at"), False),)


class Completion(BaseModel):
    """Someone finished reading an item; starts their review schedule."""

    user = peewee.ForeignKeyField(User, on_delete="CASCADE")
    partnership = peewee.ForeignKeyField(Partnership, on_delete="CASCADE")
    item = peewee.ForeignKeyField(ContentItem, on_delete="CASCADE")
    at = peewee.DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("user", "partnership", "item"), True),)


class Feedback(BaseModel):
    user = peewee.ForeignKeyField(User, on_delete="CASCADE")
    partnership = peewee.ForeignKeyField(Partnership, on_delete="CASCADE")
    item = peewee.ForeignKeyField(ContentItem, on_delete="CASCADE")
    helpful = peewee.BooleanField()
    comment = peewee.TextField(default="")
    at = peewee.DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("user", "partnership", "item"), True),)


TABLES = [ContentItem, ContentRevision, ContentProblem, Pin, PartnershipNote, ItemView,
          Completion, Feedback]

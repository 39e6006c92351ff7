"""The agreement of a partnership: sections, their immutable revisions, edit drafts,
presence, comments, proposed versions and the sponsors' ratifications."""
import hashlib

import peewee

from portal.accounts.models import Organization, User, utcnow
from portal.db import BaseModel
from portal.partnerships.models import Partnership


class Agreement(BaseModel):
    partnership = peewee.ForeignKeyField(Partnership, unique=True, on_delete="CASCADE")
    created_at = peewee.DateTimeField(default=utcnow)
    # What the reading page polls (editing.clock): changes a reader would see, and when
    # the newest heartbeat of an open editor expires.
    changes = peewee.IntegerField(default=0)
    presence_until = peewee.DateTimeField(null=True)


class Section(BaseModel):
    agreement = peewee.ForeignKeyField(Agreement, backref="sections", on_delete="CASCADE")
    title = peewee.CharField(max_length=160)
    guidance = peewee.TextField(default="")  # what belongs here, shown to editors
    position = peewee.IntegerField(default=0)
    removed = peewee.BooleanField(default=False)  # removed sections keep their history
    # The newest revision; saving locks this row so two saves cannot both win.
    head = peewee.IntegerField(null=True)
    changed_at = peewee.DateTimeField(default=utcnow)


class SectionRevision(BaseModel):
    """One saved state of a section; never updated after it is written."""

    section = peewee.ForeignKeyField(Section, backref="revisions", on_delete="CASCADE")
    number = peewee.IntegerField()
    body = peewee.TextField()
    html = peewee.TextField()
    summary = peewee.CharField(max_length=200, default="")
    author = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
    organization = peewee.ForeignKeyField(Organization, null=True, on_delete="SET NULL")
    base = peewee.ForeignKeyField("self", null=True, on_delete="SET NULL")
    merged_with = peewee.ForeignKeyField("self", null=True, on_delete="SET NULL",
                                         backref="merged_into")
    created_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("section", "number"), True),)


class EditDraft(BaseModel):
    """What someone is typing, saved as they type, until they save or discard it."""

    section = peewee.ForeignKeyField(Section, on_delete="CASCADE")
    user = peewee.ForeignKeyField(User, on_delete="CASCADE")
    base = peewee.ForeignKeyField(SectionRevision, null=True, on_delete="SET NULL")
    body = peewee.TextField()
    updated_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("section", "user"), True),)


class Presence(BaseModel):
    """Who has a section's editor open; in the database so every worker sees it."""

    section = peewee.ForeignKeyField(Section, on_delete="CASCADE")
    user = peewee.ForeignKeyField(User, on_delete="CASCADE")
    seen_at = peewee.DateTimeField(default=utcnow, index=True)

    class Meta:
        indexes = ((("section", "user"), True),)


class Comment(BaseModel):
    section = peewee.ForeignKeyField(Section, backref="comments", on_delete="CASCADE")
    parent = peewee.ForeignKeyField("self", null=True, backref="replies", on_delete="CASCADE")
    author = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
    body = peewee.TextField()
    quote = peewee.TextField(default="")  # the text it is about, which anchors it
    resolved = peewee.BooleanField(default=False)
    resolved_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
    created_at = peewee.DateTimeField(default=utcnow)


class AgreementVersion(BaseModel):
    """A proposed state of the whole agreement, frozen, for the sponsors to ratify."""

    agreement = peewee.ForeignKeyField(Agreement, backref="versions", on_delete="CASCADE")
    number = peewee.IntegerField()
    content = peewee.TextField()  # Markdown of every section, in order
    content_hash = peewee.CharField(max_length=64)
    revisions = peewee.TextField()  # JSON {section id: revision id}
    proposed_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
    proposed_at = peewee.DateTimeField(default=utcnow)
    in_force_at = peewee.DateTimeField(null=True)

    class Meta:
        indexes = ((("agreement", "number"), True),)


class Ratification(BaseModel):
    """One sponsor's sign-off for one organization, bound to the text they saw."""

    version = peewee.ForeignKeyField(AgreementVersion, backref="ratifications", on_delete="CASCADE")
    user = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
    organization = peewee.ForeignKeyField(Organization, on_delete="CASCADE")
    side = peewee.CharField(max_length=16)
    content_hash = peewee.CharField(max_length=64)
    at = peewee.DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("version", "side"), True),)


def content_hash(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


TABLES = [Agreement, Section, SectionRevision, EditDraft, Presence, Comment,
          AgreementVersion, Ratification]

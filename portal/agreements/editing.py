"""Saving sections without ever losing an edit.

Every save names the revision it was based on. Inside one transaction that locks the
section's head (IMMEDIATE on SQLite, SELECT … FOR UPDATE on PostgreSQL), a save on the
current head becomes the next revision; a save on an older one is merged three ways
(base, current, yours). A clean merge is saved and says whose work it took in; a
conflict saves nothing, keeps the user's text as their draft, and hands the hunks to
the conflict view.
"""
import datetime as dt

import peewee
from flask_babel import gettext

from portal import audit, prepared
from portal.accounts.models import utcnow
from portal.agreements.merge import three_way_merge
from portal.agreements.models import Agreement, EditDraft, Presence, Section, SectionRevision
from portal.db import database, is_sqlite, write_transaction
from portal.markup import render_markdown
from portal.prepared import Prepared

MAX_BODY = 200_000  # characters; a section is a page or two, not a book
PRESENCE_SECONDS = 20
LIVE_POLL_SECONDS = 3  # a reading page asks this often while someone edits
IDLE_POLL_SECONDS = 10  # and this often while nobody does

# Seed 003: the agreement lays out the strategic framework (vision, mission, strategic
# directions), behavioural expectations, roles and responsibilities, and tasks.
DEFAULT_SECTIONS = [
    ("Vision", "Where the partnership is heading: the future both organizations want it to create."),
    ("Mission", "What the partnership does, for whom, and why it exists."),
    ("Strategic directions", "The few priorities for the next one to three years."),
    ("Relational expectations", "How the people of both organizations will work with each other."),
    ("Roles and responsibilities", "Who does what on each side, and who decides."),
    ("Tasks", "The concrete work the teams have agreed to do, with owners and dates."),
    ("Mutual benefits and how they are measured",
     "What each organization gains, and the measures both will report on."),
    ("Governance cadence", "When and how the partnership meets, reviews and renews itself."),
]


class SaveError(ValueError):
    """A save the user must change before it can be accepted (the message says how)."""


class Conflict(Exception):
    """Edits that overlap: `result` holds the hunks, `head` the current revision."""

    def __init__(self, result, head, base):
        super().__init__("conflict")
        self.result, self.head, self.base = result, head, base


def agreement_for(partnership):
    """The partnership's agreement, created with the default sections on first use."""
    agreement = _AGREEMENT.first(getattr(partnership, "id", partnership))
    if agreement is not None:
        return agreement
    with database.atomic():
        agreement = Agreement.create(partnership=partnership)
        for position, (title, guidance) in enumerate(DEFAULT_SECTIONS):
            Section.create(agreement=agreement, title=title, guidance=guidance, position=position)
    return agreement


_AGREEMENT = Prepared(lambda partnership_id: Agreement.select()
                      .where(Agreement.partnership == partnership_id).limit(1))


def sections_of(agreement):
    return _SECTIONS.list(getattr(agreement, "id", agreement))


_SECTIONS = Prepared(lambda agreement_id: Section.select().where(
    Section.agreement == agreement_id, Section.removed == False  # noqa: E712
).order_by(Section.position, Section.id))


def head_of(section):
    return _REVISION.first(section.head) if section.head else None


_REVISION = Prepared(lambda revision_id: SectionRevision.select()
                     .where(SectionRevision.id == revision_id).limit(1))


def heads_of(sections):
    """{section id: its current revision or None}, with each revision's author and
    organization, in one statement whatever the number of sections."""

    ids = [s.head for s in sections if s.head]
    found = {revision.id: revision for revision in _HEADS.rows(ids)} if ids else {}
    return {s.id: found.get(s.head) for s in sections}


def _heads(ids):
    """Of the author and the organization, only what pages show of them: their names.
    Every column is a conversion for each row, on a statement of every save."""
    from portal.accounts.models import Organization, User

    return (SectionRevision.select(SectionRevision, User.id, User.name,
                                   Organization.id, Organization.name)
            .join(User, peewee.JOIN.LEFT_OUTER, on=(SectionRevision.author == User.id))
            .switch(SectionRevision)
            .join(Organization, peewee.JOIN.LEFT_OUTER,
                  on=(SectionRevision.organization == Organization.id))
            .where(SectionRevision.id.in_(ids)))


_HEADS = Prepared(_heads)


def _refuse_removed(section):
    if section.removed:
        raise SaveError(gettext("This section was removed while you were editing it (its history "
                                "is kept). Nothing was saved: copy your text into another section."))


def check_body(body):
    body = (body or "").replace("\r\n", "\n")
    if not body.strip():
        raise SaveError(gettext("A section cannot be empty. Write something, or remove the section."))
    if len(body) > MAX_BODY:
        raise SaveError(gettext("This text is %(length)s characters long; a section holds at most "
                                "%(max)s. Split it into several sections.",
                                length=format(len(body), ","), max=format(MAX_BODY, ",")))
    return body


def _locked(section_id):
    """The section, its row locked on PostgreSQL (SQLite's writers already take turns)."""
    return (_SECTION if is_sqlite() else _SECTION_LOCKED).first(section_id)


_SECTION = Prepared(lambda section_id: Section.select(Section, Agreement).join(Agreement)
                    .where(Section.id == section_id).limit(1))
_SECTION_LOCKED = Prepared(lambda section_id: Section.select(Section, Agreement).join(Agreement)
                           .where(Section.id == section_id).limit(1).for_update(of=Section))


def save(section, user, base_id, body, summary=""):
    """Save `body` written on revision `base_id` (None: the empty section).

    Returns (revision, merged_with) where merged_with is the revision whose changes were
    merged in, or None; the revision comes with its author and organization, as the
    section shows them. Raises SaveError or Conflict; neither writes a revision.
    """
    body = check_body(body)
    with write_transaction():
        section = _locked(section.id)
        _refuse_removed(section)  # read under the lock: a removal just committed counts
        base = None
        if base_id is not None:
            base = _BASE.first(base_id, section.id)
            if base is None:
                raise SaveError(gettext("The revision this edit was based on does not exist in "
                                        "this section. Reload the editor; your text is kept as a "
                                        "draft."))
        # With its author and organization: a merge or a conflict names who wrote it.
        head = _HEADS.first([section.head]) if section.head else None
        merged_with = None
        if head is not None and (base is None or base.id != head.id):
            result = three_way_merge(base.body if base else "", head.body, body)
            if not result.clean:
                raise Conflict(result, head, base)
            body, merged_with = result.text, head
        if head is not None and body == head.body:
            return head, merged_with  # nothing changed: no empty revision
        revision = prepared.create(
            SectionRevision, section=section.id, number=(head.number + 1) if head else 1, body=body,
            html=render_markdown(body), summary=(summary or "").strip()[:200], author=user.id,
            organization=user.organization_id, base=base.id if base else None,
            merged_with=merged_with.id if merged_with else None)
        revision.author, revision.organization = user, user.organization  # as read already
        _NEW_HEAD.run(revision.id, utcnow(), section.id)
        _DELETE_DRAFT.run(section.id, user.id)
        _DELETE_PRESENCE.run(section.id, user.id)
        changed(section.agreement_id)
        # In the same transaction: a save is never committed without its audit entry,
        # nor reported as failed after it was committed.
        audit.record("section_saved", partnership=section.agreement.partnership_id,
                     section=section.title, revision=revision.number,
                     merged_with=merged_with.number if merged_with else None)
    return revision, merged_with


_BASE = Prepared(lambda revision_id, section_id: SectionRevision.select().where(
    SectionRevision.id == revision_id, SectionRevision.section == section_id).limit(1))
# The writes of every save and every opened editor, built once (prepared.py).
_NEW_HEAD = Prepared(lambda revision_id, now, section_id: Section.update(
    head=revision_id, changed_at=now).where(Section.id == section_id))
_DELETE_DRAFT = Prepared(lambda section_id, user_id: EditDraft.delete().where(
    EditDraft.section == section_id, EditDraft.user == user_id))
_DELETE_PRESENCE = Prepared(lambda section_id, user_id: Presence.delete().where(
    Presence.section == section_id, Presence.user == user_id))
_SEEN = Prepared(lambda now, section_id, user_id: Presence.update(seen_at=now).where(
    Presence.section == section_id, Presence.user == user_id))
_CHANGED = Prepared(lambda agreement_id: Agreement.update(changes=Agreement.changes + 1)
                    .where(Agreement.id == agreement_id))
_CHANGED_EDITING = Prepared(lambda until, agreement_id: Agreement.update(
    changes=Agreement.changes + 1, presence_until=until).where(Agreement.id == agreement_id))
_EDITING = Prepared(lambda until, agreement_id: Agreement.update(presence_until=until)
                    .where(Agreement.id == agreement_id))


def save_draft(section, user, base_id, body):
    """Keep what is being typed; the caller says "saved" only after this returns."""
    _refuse_removed(section)
    body = (body or "").replace("\r\n", "\n")
    if len(body) > MAX_BODY:
        raise SaveError(gettext("The draft is longer than %(max)s characters and was not saved.",
                                max=format(MAX_BODY, ",")))
    if base_id is not None and not SectionRevision.select().where(
            SectionRevision.id == base_id, SectionRevision.section == section.id).exists():
        base_id = None  # a base from elsewhere: keep the text, not the bad reference
    with write_transaction():
        updated = (EditDraft.update(body=body, base=base_id, updated_at=utcnow())
                   .where(EditDraft.section == section.id, EditDraft.user == user.id).execute())
        if not updated:
            EditDraft.create(section=section.id, user=user.id, base=base_id, body=body)


def draft_of(section, user):
    return _DRAFT.first(section.id, user.id)


_DRAFT = Prepared(lambda section_id, user_id: EditDraft.select().where(
    EditDraft.section == section_id, EditDraft.user == user_id).limit(1))


def discard_draft(section, user):
    _DELETE_DRAFT.run(section.id, user.id)


def restore(section, user, revision):
    """An old revision's text becomes a new revision on top of the current head."""
    head = head_of(section)
    new, _ = save(section, user, head.id if head else None, revision.body,
                  summary=f"Restored revision {revision.number}")
    return new


def touch_presence(section, user):
    """An open editor's heartbeat: the reading page learns of a new editor at once, and
    of one who left once the presence has expired (`clock`)."""
    with write_transaction():
        now = utcnow()
        updated = _SEEN.run(now, section.id, user.id)
        if not updated:
            prepared.create(Presence, section=section.id, user=user.id, seen_at=now)
        changed(section.agreement_id, new_editor=not updated, now=now)


def changed(agreement_id, new_editor=True, now=None):
    """Tell readers of the agreement that what they see changed (call it in the write's
    own transaction); a heartbeat of an editor already shown (`new_editor=False`) only
    pushes back when the presence expires."""
    if now is None:
        _CHANGED.run(agreement_id)
        return
    until = now + dt.timedelta(seconds=PRESENCE_SECONDS)
    (_CHANGED_EDITING if new_editor else _EDITING).run(until, agreement_id)


def clock(partnership_id, now=None):
    """The reading page's token: changes since the agreement was made, and while anyone
    is editing, the PRESENCE_SECONDS period it is in (so the names shown as editing are
    read again as presences expire), then "idle". One indexed row; None without an
    agreement."""
    row = _CLOCK.first(partnership_id)
    return None if row is None else _token(*row, now)


_CLOCK = Prepared(lambda partnership_id: Agreement.select(Agreement.changes, Agreement.presence_until)
                  .where(Agreement.partnership == partnership_id).limit(1).tuples())


def clock_of(agreement, now=None):
    """`clock` of an agreement row already read in this request."""
    return _token(agreement.changes, agreement.presence_until, now)


def poll_seconds(token):
    """How often a reading page asks: every LIVE_POLL_SECONDS while someone edits, else
    every IDLE_POLL_SECONDS. Someone starting to edit moves the clock, so the next idle
    poll brings the sections with the shorter interval, and the presence running out
    brings them back with the longer one: readers follow an edit within seconds, and a
    page left open on a quiet agreement costs a third as much."""
    return IDLE_POLL_SECONDS if token is None or token.endswith("-idle") else LIVE_POLL_SECONDS


def _token(changes, until, now=None):
    now = now or utcnow()
    if until is not None and now < until:
        return f"{changes}-{int(now.timestamp()) // PRESENCE_SECONDS}"
    return f"{changes}-idle"


def _editors(section_ids, since):
    """Who is editing, with only what pages show of them (as `_heads`): up to one row per
    member, on every editor opened, every heartbeat and every save answered in place."""
    from portal.accounts.models import Organization, User

    return (Presence.select(Presence.section, User.id, User.name, User.organization,
                            Organization.id, Organization.name).join(User).join(Organization)
            .where(Presence.section.in_(section_ids), Presence.seen_at >= since)
            .order_by(User.name))


_EDITORS = Prepared(_editors)


def editors_now(section_ids, now=None):
    """{section id: [User, …]} of people whose editor was open in the last seconds, each
    with their organization."""
    since = (now or utcnow()) - dt.timedelta(seconds=PRESENCE_SECONDS)
    found = {}
    for row in _EDITORS.rows(list(section_ids), since) if section_ids else ():
        found.setdefault(row.section_id, []).append(row.user)
    return found

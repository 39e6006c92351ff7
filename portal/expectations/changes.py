"""Writing expectations: create, change and archive, each recorded in the audit log.

A change to what an expectation says (text, direction, principle) raises its version,
so every member acknowledges the new wording; a new owner or review date does not —
nobody's commitment changed, and asking the whole partnership to re-read would teach
people to click without reading.
"""
from dataclasses import dataclass

from portal import audit
from portal.accounts.models import User, utcnow
from portal.db import is_sqlite, write_transaction
from portal.expectations import acknowledgements
from portal.expectations.models import WORDING_FIELDS, RelationalExpectation


def clean_text(text):
    """One line ending everywhere, no blank margins: what a reader sees is what counts."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def stamp(expectation):
    """The edit form carries this, so a save can tell whether someone saved in between."""
    saved = expectation.updated_at
    return saved.isoformat(timespec="microseconds") if saved else ""


def create(partnership, author, direction, text, principle, owner_id, review_on):
    with write_transaction():
        expectation = RelationalExpectation.create(
            partnership=partnership, direction=direction, text=clean_text(text),
            principle=principle, owner=owner_id or None, review_on=review_on,
            created_by=author.id)
        # The author wrote the wording, so it counts as read by them.
        acknowledgements.record(expectation, author)
    audit.record("expectation_created", partnership=partnership, actor=author,
                 expectation=expectation.id, direction=direction, principle=principle,
                 text=expectation.text, owner=_owner_name(expectation.owner_id),
                 review_on=review_on)
    return expectation


@dataclass
class Outcome:
    expectation: RelationalExpectation
    changed: dict  # field -> (before, after)
    conflict: bool = False

    @property
    def reworded(self):
        return any(name in self.changed for name in WORDING_FIELDS)


def update(partnership, expectation_id, author, base_stamp, direction, text, principle,
           owner_id, review_on):
    """Apply an edit unless someone saved the expectation after the form was opened.

    On a conflict nothing is written and the caller shows both versions, keeping what
    the user typed (DESIGN §5: nothing typed is silently discarded).
    """
    with write_transaction():
        query = RelationalExpectation.select().where(
            RelationalExpectation.id == expectation_id,
            RelationalExpectation.partnership == partnership)
        if not is_sqlite():
            query = query.for_update()
        expectation = query.get()
        if base_stamp != stamp(expectation):
            return Outcome(expectation, {}, conflict=True)
        wanted = {"direction": direction, "text": clean_text(text), "principle": principle,
                  "owner_id": owner_id or None, "review_on": review_on}
        changed = {name: (getattr(expectation, name), value) for name, value in wanted.items()
                   if getattr(expectation, name) != value}
        if not changed:
            return Outcome(expectation, {})
        for name, (_, value) in changed.items():
            setattr(expectation, name, value)
        outcome = Outcome(expectation, changed)
        if outcome.reworded:
            expectation.version += 1
        expectation.updated_at = utcnow()
        expectation.save()
        if outcome.reworded:
            acknowledgements.record(expectation, author)
    before, after = {}, {}
    for name, (old, new) in changed.items():
        key = "owner" if name == "owner_id" else name
        before[key] = _owner_name(old) if name == "owner_id" else old
        after[key] = _owner_name(new) if name == "owner_id" else new
    audit.record("expectation_changed", partnership=partnership, actor=author,
                 expectation=expectation.id, version=expectation.version,
                 before=before, after=after)
    return outcome


def archive(partnership, expectation, author):
    """Take an expectation off the list; the row and its acknowledgements are kept."""
    if expectation.archived:
        return False
    expectation.archived = True
    expectation.updated_at = utcnow()
    expectation.save()
    audit.record("expectation_archived", partnership=partnership, actor=author,
                 expectation=expectation.id, version=expectation.version,
                 text=expectation.text)
    return True


def _owner_name(user_id):
    if not user_id:
        return None
    user = User.get_or_none(User.id == user_id)
    return user.name if user else None

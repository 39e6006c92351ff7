"""Who has acknowledged which expectation: the board every page and card reads from.

A member has acknowledged an expectation only when their acknowledgement carries the
expectation's current version (models.py). Every current member of the partnership,
whatever their role, is asked to acknowledge: seed 003 (PRM aspect #4) says new members
"must be briefed on the partnership's culture so they have a clear understanding of
what is expected of them" — a viewer is a member too.
"""
from dataclasses import dataclass, field

from peewee import EXCLUDED, JOIN

from portal.accounts.models import User, utcnow
from portal.expectations.models import Acknowledgement, RelationalExpectation
from portal.expectations.vocabulary import DIRECTIONS
from portal.partnerships.access import members_of
from portal.prepared import Prepared

DIRECTION_ORDER = {key: rank for rank, (key, _) in enumerate(DIRECTIONS)}


def current_expectations(partnership):
    """The partnership's expectations that are not archived, grouped by direction."""
    rows = _CURRENT.rows(getattr(partnership, "id", partnership))
    return sorted(rows, key=lambda e: (DIRECTION_ORDER.get(e.direction, 99), e.id))


_CURRENT = Prepared(lambda partnership_id: (
    RelationalExpectation.select(RelationalExpectation, User)
    .join(User, JOIN.LEFT_OUTER, on=(RelationalExpectation.owner == User.id), attr="owner")
    .where(RelationalExpectation.partnership == partnership_id,
           RelationalExpectation.archived == False)  # noqa: E712
    .order_by(RelationalExpectation.id)))
#: The board in one statement: each current expectation with its owner, once per
#: acknowledgement of it (once with none). The overview reads it on every view.
_BOARD = Prepared(lambda partnership_id: (
    RelationalExpectation.select(RelationalExpectation, User, Acknowledgement)
    .join(User, JOIN.LEFT_OUTER, on=(RelationalExpectation.owner == User.id), attr="owner")
    .switch(RelationalExpectation)
    .join(Acknowledgement, JOIN.LEFT_OUTER,
          on=(Acknowledgement.expectation == RelationalExpectation.id), attr="ack")
    .where(RelationalExpectation.partnership == partnership_id,
           RelationalExpectation.archived == False)  # noqa: E712
    .order_by(RelationalExpectation.id)))


@dataclass
class Item:
    """One expectation with the members who have and have not acknowledged its wording."""

    expectation: RelationalExpectation
    acknowledged: list = field(default_factory=list)  # PartnershipMember
    pending: list = field(default_factory=list)  # PartnershipMember
    seen_before: set = field(default_factory=set)  # user ids with an older acknowledgement

    def state_for(self, user_id):
        """'acknowledged', 'changed' (an earlier wording was acknowledged) or 'new'."""
        if any(m.user_id == user_id for m in self.acknowledged):
            return "acknowledged"
        return "changed" if user_id in self.seen_before else "new"


@dataclass
class Board:
    partnership: object
    members: list
    items: list

    def pending_for(self, user_id):
        """The items a user still has to acknowledge (none for a non-member)."""
        if not any(m.user_id == user_id for m in self.members):
            return []
        return [item for item in self.items if item.state_for(user_id) != "acknowledged"]

    def by_direction(self):
        groups = []
        for key, label in DIRECTIONS:
            items = [i for i in self.items if i.expectation.direction == key]
            if items:
                groups.append((key, label, items))
        return groups

    def outstanding_by_member(self):
        """[(member, [items not acknowledged])] for members with anything outstanding."""
        rows = [(m, self.pending_for(m.user_id)) for m in self.members]
        return [(m, items) for m, items in rows if items]

    @property
    def everyone_done(self):
        return all(not item.pending for item in self.items)


def board(partnership):
    """The current expectations of a partnership with each member's acknowledgement."""
    found, acknowledged = {}, {}
    for row in _BOARD.rows(getattr(partnership, "id", partnership)):
        found.setdefault(row.id, row)
        ack = getattr(row, "ack", None)
        if ack is not None and ack.user_id is not None:
            acknowledged[(row.id, ack.user_id)] = ack.version
    expectations = sorted(found.values(), key=lambda e: (DIRECTION_ORDER.get(e.direction, 99), e.id))
    members = members_of(partnership)
    items = []
    for e in expectations:
        item = Item(e)
        for m in members:
            version = acknowledged.get((e.id, m.user_id))
            if version == e.version:
                item.acknowledged.append(m)
            else:
                item.pending.append(m)
                if version is not None:
                    item.seen_before.add(m.user_id)
        items.append(item)
    return Board(partnership, members, items)


def acknowledge(partnership, user, seen):
    """Record that `user` acknowledged the versions they were shown.

    `seen` maps expectation ids to the version on the page the member read. A version
    that is no longer current is not recorded — the wording changed after the page was
    opened, and agreeing to text one has not read is no acknowledgement. Returns
    (acknowledged expectations, expectations that changed meanwhile).
    """
    if not seen:
        return [], []
    current = {e.id: e for e in RelationalExpectation.select().where(
        RelationalExpectation.partnership == partnership,
        RelationalExpectation.archived == False,  # noqa: E712
        RelationalExpectation.id.in_(list(seen)))}
    done, stale = [], []
    for expectation_id, version in seen.items():
        expectation = current.get(expectation_id)
        if expectation is None:
            continue
        if expectation.version != version:
            stale.append(expectation)
            continue
        record(expectation, user)
        done.append(expectation)
    return done, stale


def record(expectation, user):
    """Upsert the acknowledgement of the expectation's current version.

    Versions only grow, so the newer acknowledgement always replaces the older one;
    one statement keeps two clicks at once from colliding on the unique index.
    """
    (Acknowledgement
     .insert(expectation=expectation.id, user=getattr(user, "id", user),
             version=expectation.version, at=utcnow())
     .on_conflict(conflict_target=[Acknowledgement.expectation, Acknowledgement.user],
                  update={Acknowledgement.version: EXCLUDED.version,
                          Acknowledgement.at: EXCLUDED.at},
                  where=(Acknowledgement.version <= EXCLUDED.version))
     .execute())

"""An organization's yearly re-evaluation of its partnerships and the decision on each.

Both belong to one organization: the other party of a partnership never reads them
(a supplier is not told here that its client plans to exit). A decision keeps the facts
the decider saw, so a finished re-evaluation reads as it was decided, years later.
"""
import json

import peewee
from flask_babel import lazy_gettext as _l

from portal.accounts.models import Organization, User, utcnow
from portal.db import BaseModel
from portal.partnerships.models import Partnership

#: Seed 001, practice 9: re-evaluate the partner ecosystem annually and make changes.
DECISIONS = (("keep", _l("Keep")), ("grow", _l("Grow")), ("re_tender", _l("Re-tender")),
             ("exit", _l("Exit")))
DECISION_HINTS = {
    "keep": _l("Continue as it is."),
    "grow": _l("Invest more: a wider scope, more programs or people."),
    "re_tender": _l("Ask the market again when the contract allows: the partner may bid."),
    "exit": _l("End the partnership when the contract allows."),
}


class Reevaluation(BaseModel):
    """One per organization and year; `finished_at` set: read-only, a record."""

    organization = peewee.ForeignKeyField(Organization, on_delete="CASCADE")
    year = peewee.IntegerField()
    started_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
    started_at = peewee.DateTimeField(default=utcnow)
    finished_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
    finished_at = peewee.DateTimeField(null=True)

    class Meta:
        indexes = ((("organization", "year"), True),)

    @property
    def finished(self):
        return self.finished_at is not None


class Decision(BaseModel):
    """Keep, grow, re-tender or exit for one partnership, with the reason and the facts
    as they stood (`facts`: JSON of portfolio.facts.snapshot)."""

    reevaluation = peewee.ForeignKeyField(Reevaluation, backref="decisions", on_delete="CASCADE")
    partnership = peewee.ForeignKeyField(Partnership, on_delete="CASCADE")
    decision = peewee.CharField(max_length=16)
    reason = peewee.TextField()
    facts = peewee.TextField(default="{}")
    decided_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
    decided_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        table_name = "reevaluation_decision"
        indexes = ((("reevaluation", "partnership"), True),)

    @property
    def label(self):
        return dict(DECISIONS).get(self.decision, self.decision)

    @property
    def recorded_facts(self):
        return json.loads(self.facts or "{}")


TABLES = [Reevaluation, Decision]

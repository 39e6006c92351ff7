"""The audit log: who changed what that matters, and when."""
import json

import peewee
from flask import has_request_context
from flask_login import current_user

from portal import prepared
from portal.accounts.models import User, utcnow
from portal.db import BaseModel
from portal.partnerships.models import Partnership


class AuditEntry(BaseModel):
    at = peewee.DateTimeField(default=utcnow, index=True)
    actor = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
    partnership = peewee.ForeignKeyField(Partnership, null=True, on_delete="CASCADE")
    action = peewee.CharField(max_length=64)
    detail = peewee.TextField(default="{}")

    @property
    def details(self):
        return json.loads(self.detail or "{}")


def record(action, partnership=None, actor=None, **detail):
    """Append one entry; the actor defaults to the logged-in user.

    `partnership` may be a row, a PartnershipInfo (plugins hold records) or an id.
    """
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user._get_current_object()
    return prepared.create(
        AuditEntry, action=action, partnership=getattr(partnership, "id", partnership), actor=actor,
        detail=json.dumps(detail, default=str, sort_keys=True),
    )

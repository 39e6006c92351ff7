"""A partnership between a client and a supplier organization, and its members."""
import datetime as dt

import peewee

from portal.accounts.models import Organization, User, utcnow
from portal.db import BaseModel
from portal.vocabulary import ROLE_LABELS, STAGE_LABELS


class Partnership(BaseModel):
    name = peewee.CharField(max_length=160)
    client = peewee.ForeignKeyField(Organization, backref="client_partnerships")
    supplier = peewee.ForeignKeyField(Organization, backref="supplier_partnerships")
    stage = peewee.CharField(max_length=32, default="selection")
    contract_end = peewee.DateField(null=True)
    notice_days = peewee.IntegerField(null=True)  # notice period before contract_end, if any
    description = peewee.TextField(default="")
    created_at = peewee.DateTimeField(default=utcnow)

    @property
    def stage_label(self):
        return str(STAGE_LABELS.get(self.stage, self.stage))  # in the current language

    def side_of(self, organization_id):
        """'client' or 'supplier' for one of the two organizations, else None."""
        if organization_id == self.client_id:
            return "client"
        if organization_id == self.supplier_id:
            return "supplier"
        return None

    def contract_days_left(self, today=None):
        if self.contract_end is None:
            return None
        return (self.contract_end - (today or dt.date.today())).days


class PartnershipMember(BaseModel):
    partnership = peewee.ForeignKeyField(Partnership, backref="members", on_delete="CASCADE")
    user = peewee.ForeignKeyField(User, backref="memberships", on_delete="CASCADE")
    role = peewee.CharField(max_length=16, default="member")
    added_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("partnership", "user"), True),)

    @property
    def role_label(self):
        return str(ROLE_LABELS.get(self.role, self.role))  # in the current language

"""Frozen records that hooks and API functions hand to plugins, never database rows.

A plugin that kept a peewee row could read any column, follow any relation and write
it back; the models could then never change without breaking someone. These records
carry what a plugin may know, and nothing changes them after they are made. Each has
a `from_row` that the core uses; plugins only read them (docs/plugins.md lists every
field).
"""
import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class OrganizationInfo:
    id: int
    name: str
    kind: str  # client, supplier or both

    @classmethod
    def from_row(cls, org):
        return cls(id=org.id, name=org.name, kind=org.kind)

    @property
    def initials(self):
        """Up to two capitals for the organization's mark."""
        from portal.accounts.models import initials_of

        return initials_of(self.name)


@dataclass(frozen=True)
class UserInfo:
    """A person with an account. Hooks get None instead when nobody is logged in."""

    id: int
    name: str
    organization: OrganizationInfo
    is_org_admin: bool
    is_site_admin: bool

    @classmethod
    def from_row(cls, user):
        return cls(id=user.id, name=user.name,
                   organization=OrganizationInfo.from_row(user.organization),
                   is_org_admin=user.is_org_admin, is_site_admin=user.is_site_admin)


@dataclass(frozen=True)
class PartnershipInfo:
    id: int
    name: str
    stage: str  # selection, onboarding, co_creation, governance
    stage_label: str
    description: str
    contract_end: dt.date | None
    client: OrganizationInfo
    supplier: OrganizationInfo

    @classmethod
    def from_row(cls, partnership):
        return cls(id=partnership.id, name=partnership.name, stage=partnership.stage,
                   stage_label=partnership.stage_label, description=partnership.description,
                   contract_end=partnership.contract_end,
                   client=OrganizationInfo.from_row(partnership.client),
                   supplier=OrganizationInfo.from_row(partnership.supplier))

    def side_of(self, organization_id):
        """'client' or 'supplier' for one of the two organizations, else None."""
        if organization_id == self.client.id:
            return "client"
        if organization_id == self.supplier.id:
            return "supplier"
        return None


@dataclass(frozen=True)
class MembershipInfo:
    """A user's place in one partnership: their role and the side they are on."""

    partnership_id: int
    user_id: int
    role: str  # sponsor, editor, member, viewer
    role_label: str
    side: str | None  # client or supplier; None for a member of neither organization

    @classmethod
    def from_row(cls, membership, partnership, organization_id):
        """`organization_id`: the member's organization, which decides the side."""
        return cls(partnership_id=partnership.id, user_id=membership.user_id,
                   role=membership.role, role_label=membership.role_label,
                   side=partnership.side_of(organization_id))


@dataclass(frozen=True)
class RunInfo:
    """One run of an instrument in a partnership.

    `records_sides`: answers keep the respondent's side (client or supplier), so results
    can be compared per side. `anonymous`: no answer is linked to its author, and results
    stay hidden below `min_responses`.
    """

    id: int
    partnership_id: int
    instrument_id: str
    instrument_version: str
    title: str
    opens_on: dt.date
    closes_on: dt.date | None
    status: str  # scheduled, open or closed
    anonymous: bool
    records_sides: bool
    min_responses: int

    @classmethod
    def from_row(cls, run):
        return cls(id=run.id, partnership_id=run.partnership_id, instrument_id=run.instrument_id,
                   instrument_version=run.instrument_version, title=run.title,
                   opens_on=run.opens_on, closes_on=run.closes_on, status=run.state(),
                   anonymous=run.anonymous,
                   records_sides=run.record_side and not run.meta.get("shared", False),
                   min_responses=run.min_responses)


@dataclass(frozen=True)
class ResponseSummary:
    """What `portal_response_submitted` says about one submitted response.

    `answers` maps question ids to the values given, for named runs only: in an
    anonymous run a plugin learns that someone answered, never what, since it runs in
    the respondent's own request and could tie the two together.
    """

    run: RunInfo
    answered: tuple  # question ids with an answer
    answers: dict

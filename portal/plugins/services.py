"""Portal operations offered to plugins through the public API (`from portal import …`).

Plugins read and change the portal's own records only through these functions, so the
models behind them can change without breaking a plugin.
"""
from flask_login import current_user

from portal import audit
from portal.accounts.models import Organization
from portal.partnerships.models import Partnership, PartnershipMember
from portal.records import OrganizationInfo
from portal.vocabulary import STAGE_LABELS


def _info(org):
    return OrganizationInfo.from_row(org)


def current_organization():
    """The logged-in user's organization, or None for an anonymous visitor."""
    if not current_user.is_authenticated:
        return None
    return _info(current_user.organization)


def organizations(kind=None):
    """Organizations, by name; `kind="supplier"` also returns those that are both."""
    query = Organization.select().order_by(Organization.name)
    if kind is not None:
        query = query.where(Organization.kind.in_([kind, "both"]))
    return [_info(org) for org in query]


def create_partnership(name, client_id, supplier_id, stage="onboarding", members=()):
    """Create a partnership between two organizations (or return the one with this name
    between them) and add `members` as (user id, role) pairs; returns its id.

    The current user, when there is one, is recorded in the audit log.
    """
    if stage not in STAGE_LABELS:
        raise ValueError(f"unknown lifecycle stage {stage!r}")
    if client_id == supplier_id:
        raise ValueError("a partnership needs two different organizations")
    partnership = Partnership.get_or_none(Partnership.name == name, Partnership.client == client_id,
                                          Partnership.supplier == supplier_id)
    if partnership is None:
        partnership = Partnership.create(name=name, client=client_id, supplier=supplier_id,
                                         stage=stage)
        audit.record("partnership_created", partnership=partnership, name=name, by_plugin=True)
    for user_id, role in members:
        PartnershipMember.get_or_create(partnership=partnership, user=user_id,
                                        defaults={"role": role})
    return partnership.id


def partnership_url(partnership_id):
    from flask import url_for

    return url_for("partnerships.show", partnership_id=partnership_id)

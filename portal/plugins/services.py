"""Portal operations offered to plugins through the public API (`from portal import …`).

Plugins read and change the portal's own records only through these functions, so the
models behind them can change without breaking a plugin.
"""
from flask import g, url_for
from flask_login import current_user

from portal import audit
from portal.accounts.models import Organization
from portal.partnerships.models import Partnership, PartnershipMember
from portal.records import MembershipInfo, OrganizationInfo, PartnershipInfo, UserInfo
from portal.vocabulary import ROLE_RANK, STAGE_LABELS


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


def logged_in_user():
    """The logged-in user as a UserInfo, or None for a visitor."""
    if not current_user.is_authenticated:
        return None
    if "portal_user_info" not in g:
        g.portal_user_info = UserInfo.from_row(current_user)
    return g.portal_user_info


def current_partnership():
    """The partnership of the page being served, as a PartnershipInfo.

    Set on partnership-scoped routes (a URL with `<int:partnership_id>`) once the
    portal has checked that the user may see it; None elsewhere.
    """
    partnership = g.get("partnership")
    if partnership is None:
        return None
    if "portal_partnership_info" not in g:
        g.portal_partnership_info = PartnershipInfo.from_row(partnership)
    return g.portal_partnership_info


def current_membership():
    """The logged-in user's MembershipInfo in the current partnership, or None.

    None also for an organization admin who manages the partnership's people without
    being a member.
    """
    membership, partnership = g.get("membership"), g.get("partnership")
    if membership is None or partnership is None:
        return None
    if "portal_membership_info" not in g:
        g.portal_membership_info = MembershipInfo.from_row(
            membership, partnership, current_user.organization_id)
    return g.portal_membership_info


def role_at_least(membership, minimum):
    """Whether `membership` (a MembershipInfo, or None) holds `minimum` or a higher role.

    Roles rank viewer < member < editor < sponsor.
    """
    if minimum not in ROLE_RANK:
        raise ValueError(f"unknown role {minimum!r}; roles are {', '.join(ROLE_RANK)}")
    return membership is not None and ROLE_RANK.get(membership.role, -1) >= ROLE_RANK[minimum]


def partnership_url(partnership_id):
    """The address of a partnership's overview page."""
    return url_for("partnerships.show", partnership_id=partnership_id)


def instruments_url(partnership_id):
    """The partnership's instruments page: every installed instrument and its runs."""
    return url_for("instruments.index", partnership_id=partnership_id)


def new_run_url(partnership_id, instrument_id):
    """The form that opens a run of an instrument (editors and sponsors)."""
    return url_for("instruments.new_run", partnership_id=partnership_id,
                   instrument_id=instrument_id)


def run_url(partnership_id, run_id):
    """A run's results page."""
    return url_for("instruments.run", partnership_id=partnership_id, run_id=run_id)


def respond_url(partnership_id, run_id):
    """The answer form of a run, for the logged-in member."""
    return url_for("instruments.respond", partnership_id=partnership_id, run_id=run_id)


def action_plan_url(partnership_id):
    """The partnership's joint action plan."""
    return url_for("actions.index", partnership_id=partnership_id)

"""Who may see and change a partnership: enforced once, before every scoped view.

Any route whose URL has `<int:partnership_id>` — the portal's own or a plugin's — goes
through `enforce`: a user who is not a member gets 404 (never a hint the partnership
exists), a viewer gets 403 on any state-changing method. Views that need more declare
it with `requires_role` or `for_org_admins`.
"""
from flask import Blueprint, abort, g, has_request_context, request
from flask_login import current_user
from peewee import JOIN

from portal.accounts.models import Organization, User
from portal.prepared import Prepared
from portal.partnerships.models import Partnership, PartnershipMember
from portal.vocabulary import role_at_least

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
PARTNERSHIP_URL = "/partnerships/<int:partnership_id>"


def partnership_blueprint(name, import_name, path="", **options):
    """A blueprint whose every route belongs to one partnership: PARTNERSHIP_URL + path.

    Its views get `partnership_id` and run only after `enforce` let the user in, so a
    feature declares its scope once instead of repeating the prefix on every route.
    """
    return Blueprint(name, import_name, url_prefix=PARTNERSHIP_URL + path, **options)


def requires_role(role):
    """The least partnership role that may send state-changing requests to this view."""

    def mark(view):
        view.portal_write_role = role
        return view

    return mark


def for_org_admins(view):
    """Admins of either organization manage their own people here, member or not."""
    view.portal_org_admins = True
    return view


def without_organizations(view):
    """A view that never names the two organizations (a poll, answered 204 nearly every
    time): its partnership is read without them, which is cheaper for peewee to build."""
    view.portal_light = True
    return view


def membership_of(user, partnership):
    return PartnershipMember.get_or_none(
        PartnershipMember.partnership == partnership, PartnershipMember.user == user
    )


def members_of(partnership):
    """The partnership's members with their people and organizations, by organization
    then name. A page that shows them in several places (the overview and its
    expectations card) reads them once: kept for the request when it changes nothing."""
    partnership_id = getattr(partnership, "id", partnership)
    reading = has_request_context() and request.method in SAFE_METHODS
    cache = g.setdefault("partnership_members", {}) if reading else {}
    if partnership_id not in cache:
        cache[partnership_id] = _MEMBERS.list(partnership_id)
    return cache[partnership_id]


_MEMBERS = Prepared(lambda partnership_id: (
    PartnershipMember.select(PartnershipMember, User, Organization).join(User).join(Organization)
    .where(PartnershipMember.partnership == partnership_id).order_by(Organization.name, User.name)))


def _partnership_query(partnership_id, user_id, organizations):
    member = (PartnershipMember.partnership == Partnership.id) & (PartnershipMember.user == user_id)
    query = (Partnership.select(Partnership, PartnershipMember)
             .join(PartnershipMember, JOIN.LEFT_OUTER, on=member, attr="own_membership"))
    if organizations:
        client, supplier = Organization.alias(), Organization.alias()
        query = (query.select_extend(client, supplier).switch(Partnership)
                 .join(client, on=(Partnership.client == client.id), attr="client")
                 .switch(Partnership)
                 .join(supplier, on=(Partnership.supplier == supplier.id), attr="supplier"))
    return query.where(Partnership.id == partnership_id).limit(1)


_WITH_ORGANIZATIONS = Prepared(lambda pid, uid: _partnership_query(pid, uid, True))
_ALONE = Prepared(lambda pid, uid: _partnership_query(pid, uid, False))


def partnership_and_membership(partnership_id, user_id, organizations=True):
    """(partnership, the user's membership or None), in one query; (None, None) when no
    partnership has that id. Every scoped request asks this first (issue 12).

    With `organizations`, the client and the supplier come in the same statement: every
    page names them in its header, and on PostgreSQL two more round trips cost more than
    the join. A poll does without (`without_organizations`)."""
    prepared = _WITH_ORGANIZATIONS if organizations else _ALONE
    partnership = prepared.first(partnership_id, user_id)
    if partnership is None:
        return None, None
    membership = getattr(partnership, "own_membership", None)
    if membership is None or membership.id is None:
        return partnership, None
    membership.partnership = partnership
    return partnership, membership


def enforce(app):
    view_args = request.view_args or {}
    if "partnership_id" not in view_args:
        return None
    if not current_user.is_authenticated:
        return app.login_manager.unauthorized()
    view = app.view_functions.get(request.endpoint)
    partnership, membership = partnership_and_membership(
        view_args["partnership_id"], current_user.id,
        organizations=not getattr(view, "portal_light", False))
    if partnership is None:
        abort(404)
    org_admin = (current_user.is_org_admin
                 and partnership.side_of(current_user.organization_id) is not None)
    if getattr(view, "portal_org_admins", False) and (org_admin or current_user.is_site_admin):
        pass
    elif membership is None:
        abort(404)
    elif request.method not in SAFE_METHODS:
        if not role_at_least(membership.role, getattr(view, "portal_write_role", "member")):
            abort(403)
    g.partnership = partnership
    g.membership = membership
    g.partnership_org_admin = org_admin or current_user.is_site_admin
    return None

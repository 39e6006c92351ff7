"""Invitations: how someone without an account joins an organization and a partnership.

An invitation is a link with a secret token, sent by the portal's mail and shown to the
person who invited, so they can pass it on themselves. Only a SHA-256 hash of the token
is stored: someone who reads the database (or a backup) cannot rebuild a working link
from this table. A link works once, until it expires (EXPIRY_DAYS, 14 days: long enough
for a holiday, short enough that a forgotten mail stops being a way in), or until a
newer link for the same person replaces it.

Inviting never tells an organization admin which organization another person belongs
to: an address that already has an account elsewhere is refused with the same words as
every other refusal (as when an admin adds a person, portal/accounts/views.py), and
past the login limit within the login window every address is refused alike, so
probing addresses one by one goes slowly and each try is in the audit log.
"""
import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

import peewee
from flask import current_app, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import audit
from portal.accounts.models import Organization, User, normalize_email, utcnow
from portal.db import BaseModel, is_sqlite
from portal.mail import Mail
from portal.partnerships.models import Partnership, PartnershipMember
from portal.vocabulary import ROLE_LABELS
from portal.layout import dated

EXPIRY_DAYS = 14
#: What the refusals of an admin are counted by (with accounts/views.py's own).
REFUSALS = ("account_not_created", "invitation_not_sent")


def N_(text):
    """Marks `text` for translation without translating it: it is translated where shown."""
    return text


#: In English, as callers compare it; invitation_problem returns it translated.
NOT_INVITED = N_("No invitation can be sent to this address. Check it with the person; if "
                 "their organization is already in the portal, choose the organization "
                 "instead of inviting someone.")


class InvitationError(ValueError):
    """An invitation cannot be made or used; the message says why, for the page."""


class Invitation(BaseModel):
    token_hash = peewee.CharField(max_length=64, unique=True)
    email = peewee.CharField(max_length=254, index=True)
    name = peewee.CharField(max_length=120)
    organization = peewee.ForeignKeyField(Organization, on_delete="CASCADE")
    org_role = peewee.CharField(max_length=16, default="member")
    partnership = peewee.ForeignKeyField(Partnership, null=True, on_delete="CASCADE")
    role = peewee.CharField(max_length=16, default="member")
    invited_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
    created_at = peewee.DateTimeField(default=utcnow)
    expires_at = peewee.DateTimeField()
    accepted_at = peewee.DateTimeField(null=True)
    accepted_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL",
                                         backref="accepted_invitations")
    withdrawn_at = peewee.DateTimeField(null=True)
    mail = peewee.ForeignKeyField(Mail, null=True, on_delete="SET NULL")

    def status(self, now=None):
        """accepted, withdrawn (a newer link replaced it), expired or waiting."""
        if self.accepted_at is not None:
            return "accepted"
        if self.withdrawn_at is not None:
            return "withdrawn"
        if self.expires_at <= (now or utcnow()):
            return "expired"
        return "waiting"


@dataclass(frozen=True)
class InvitationInfo:
    """An invitation as plugins see it. `link` is only known when it is made: the
    portal keeps a hash of the token, never the token."""

    id: int
    email: str
    name: str
    organization_id: int
    partnership_id: int | None
    role: str
    created_at: dt.datetime
    expires_at: dt.datetime
    status: str  # waiting, accepted, expired or withdrawn
    link: str = ""

    @classmethod
    def from_row(cls, row, link=""):
        return cls(id=row.id, email=row.email, name=row.name,
                   organization_id=row.organization_id, partnership_id=row.partnership_id,
                   role=row.role, created_at=row.created_at, expires_at=row.expires_at,
                   status=row.status(), link=link)


def create_organization(name, kind="supplier"):
    """A new organization (no people yet) as an OrganizationInfo; InvitationError when
    the name is empty, too long or taken (compared without regard to case)."""
    from portal.records import OrganizationInfo
    from portal.vocabulary import KIND_LABELS

    if kind not in KIND_LABELS:
        raise ValueError(f"unknown organization kind {kind!r}")
    name = " ".join((name or "").split())
    if not name or len(name) > 120:
        raise InvitationError(_("Give the organization a name of up to 120 characters."))
    if Organization.select().where(peewee.fn.LOWER(Organization.name) == name.lower()).exists():
        raise InvitationError(_("An organization named “%(name)s” is already in the portal; "
                                "choose it instead of adding it again.", name=name))
    org = Organization.create(name=name, kind=kind)
    audit.record("organization_created", organization=name, kind=kind)
    return OrganizationInfo.from_row(org)


def token_hash(token):
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def find(token):
    """The invitation of a token as typed in a link, or None."""
    if not token or len(token) > 100:
        return None
    return (Invitation.select(Invitation, Organization, User)
            .join(Organization).switch(Invitation)
            .join(User, peewee.JOIN.LEFT_OUTER, on=Invitation.invited_by)
            .where(Invitation.token_hash == token_hash(token)).first())


def refused_lately(user_id):
    """How often this person was refused an account or an invitation for an address
    outside their organization, within the login window."""
    since = utcnow() - dt.timedelta(seconds=current_app.config["PORTAL_LOGIN_WINDOW_SECONDS"])
    return (audit.AuditEntry.select()
            .where(audit.AuditEntry.actor == user_id, audit.AuditEntry.action.in_(REFUSALS),
                   audit.AuditEntry.at > since).count())


def invitation_problem(email):
    """Why no invitation can go to `email` now, or None: an address of someone in the
    inviter's own organization is named as such, any other address with an account gets
    NOT_INVITED, as does every address once the inviter was refused too often."""
    email = normalize_email(email)
    holder = User.get_or_none(User.email == email)
    inviter = current_user if current_user.is_authenticated else None
    if holder is not None and inviter is not None and holder.organization_id == inviter.organization_id:
        return _("Someone in %(organization)s already has an account with this "
                 "address; invite someone of the other organization.",
                 organization=inviter.organization.name)
    limited = inviter is not None and (
        refused_lately(inviter.id) >= current_app.config["PORTAL_LOGIN_MAX_FAILURES"])
    if holder is None and not limited:
        return None
    audit.record("invitation_not_sent", email=email)
    return _(NOT_INVITED)


def _link(token):
    base = current_app.config["PORTAL_BASE_URL"].rstrip("/")
    return base + url_for("invitations.accept", token=token)


def _send(invitation, token):
    """Queue the invitation's mail (inside the caller's transaction); returns the link."""
    link = _link(token)
    inviter = invitation.invited_by
    who = f"{inviter.name} of {inviter.organization.name}" if inviter else "Partnership Portal"
    place = (f"the partnership “{invitation.partnership.name}” as {ROLE_LABELS[invitation.role].lower()}"
             if invitation.partnership_id else invitation.organization.name)
    body = (f"Hello {invitation.name},\n\n{who} invites you to join {place} on Partnership "
            f"Portal, for {invitation.organization.name}.\n\nOpen this link to choose your "
            f"password and come in:\n{link}\n\nThe link works once, until "
            f"{invitation.expires_at:%d %B %Y %H:%M} UTC. If you did not expect it, ignore "
            "this message.\n")
    mail = Mail.create(user=None, to_address=invitation.email, body=body,
                       subject=f"{who} invites you to Partnership Portal"[:300])
    Invitation.update(mail=mail.id).where(Invitation.id == invitation.id).execute()
    return link


def invite(email, name, organization_id, partnership_id=None, role="member",
           org_role="member", days=EXPIRY_DAYS):
    """Invite a person without an account into an organization (and a partnership):
    the mail is queued and the InvitationInfo returned carries the link to pass on.

    Raises InvitationError when the address cannot be invited (invitation_problem)."""
    if role not in ROLE_LABELS:
        raise ValueError(f"unknown partnership role {role!r}")
    problem = invitation_problem(email)
    if problem:
        raise InvitationError(problem)
    token = secrets.token_urlsafe(32)
    inviter = current_user._get_current_object() if current_user.is_authenticated else None
    invitation = Invitation.create(
        token_hash=token_hash(token), email=normalize_email(email), name=name.strip()[:120],
        organization=organization_id, org_role=org_role, partnership=partnership_id,
        role=role, invited_by=inviter, expires_at=utcnow() + dt.timedelta(days=days))
    link = _send(invitation, token)
    audit.record("invitation_sent", partnership=partnership_id, email=invitation.email,
                 organization=invitation.organization.name, role=role)
    return InvitationInfo.from_row(invitation, link=link)


def renew(invitation_id, days=EXPIRY_DAYS):
    """A new link for an invitation not yet accepted; the earlier link stops working."""
    old = Invitation.get_or_none(Invitation.id == invitation_id)
    if old is None or old.accepted_at is not None:
        raise InvitationError(_("This invitation has been accepted; there is nothing to renew."))
    Invitation.update(withdrawn_at=utcnow()).where(Invitation.id == old.id,
                                                   Invitation.withdrawn_at.is_null()).execute()
    return invite(old.email, old.name, old.organization_id, old.partnership_id, old.role,
                  old.org_role, days)


def invitations_of(partnership_id):
    """The invitations into a partnership, newest first, as InvitationInfo."""
    return [InvitationInfo.from_row(row) for row in Invitation.select().where(
        Invitation.partnership == partnership_id).order_by(Invitation.id.desc())]


def locked(invitation_id):
    """The invitation re-read inside a write transaction, locked on PostgreSQL, so two
    acceptances of one link cannot both pass the check."""
    query = Invitation.select().where(Invitation.id == invitation_id)
    if not is_sqlite():
        query = query.for_update()
    return query.first()


def accept(invitation, name, password):
    """Create the invited person's account and membership; call inside a write
    transaction. Returns the new User; InvitationError when the link is spent."""
    from portal.accounts.models import EmailTaken, create_account

    row = locked(invitation.id)
    if row is None or row.status() != "waiting":
        raise InvitationError(refusal(row or invitation))
    try:
        user = create_account(row.email, name, password, row.organization_id,
                              org_role=row.org_role)
    except EmailTaken as exc:
        raise InvitationError(_("This invitation can no longer create an account. If you have "
                                "an account already, log in; otherwise ask "
                                "%(inviter)s for a new invitation.",
                                inviter=_inviter_name(invitation))) from exc
    if row.partnership_id:
        PartnershipMember.get_or_create(partnership=row.partnership_id, user=user.id,
                                        defaults={"role": row.role})
    Invitation.update(accepted_at=utcnow(), accepted_by=user.id).where(
        Invitation.id == row.id).execute()
    if row.mail_id:  # the demo shows the mail on its reader's page from now on
        Mail.update(user=user.id).where(Mail.id == row.mail_id).execute()
    audit.record("invitation_accepted", partnership=row.partnership_id, actor=user,
                 email=user.email, organization=invitation.organization.name)
    return user


def _inviter_name(invitation):
    inviter = invitation.invited_by if invitation.invited_by_id else None
    return (f"{inviter.name} ({inviter.organization.name})" if inviter
            else _("the person who invited you"))


def refusal(invitation):
    """What the holder of a link that no longer works is told."""
    status = invitation.status()
    if status == "accepted":
        return _("This invitation has already been used to create an account. Log in with the "
                 "email address and password chosen then.")
    if status == "withdrawn":
        return _("A newer invitation replaced this link. Use the link in the most recent "
                 "invitation, or ask %(inviter)s for a new one.",
                 inviter=_inviter_name(invitation))
    expired = dated(invitation.expires_at, "%d %B %Y")
    return _("This invitation expired on %(date)s. Ask %(inviter)s for a new one.",
             date=expired, inviter=_inviter_name(invitation))

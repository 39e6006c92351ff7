"""Proposing the agreement as a version, and the sponsors' sign-off.

A version is a frozen Markdown text with its SHA-256. A sponsor's ratification carries
the hash of the text they were shown; the server refuses it when that is not the
version's text, so nobody signs a moving target. A version ratified by a sponsor of
each organization is in force.

Only the newest version can be signed: proposing a version supersedes every older one
not in force, so two versions never collect sign-offs side by side and an older text
never comes into force after a newer one was put forward. Proposing and ratifying take
the agreement in turn (SQLite writers take turns anyway; on PostgreSQL the agreement
row is locked), so a sign-off never lands on a version a proposal has just superseded.
"""
import json

from flask_babel import gettext

from portal import audit
from portal.accounts.models import Organization, User, utcnow
from portal.agreements.editing import changed, heads_of, sections_of
from portal.agreements.models import Agreement, AgreementVersion, Ratification, content_hash
from portal.db import is_sqlite, write_transaction
from portal.notifications import notify, settled
from portal.partnerships.models import PartnershipMember
from portal.prepared import Prepared
from peewee import JOIN, IntegrityError, fn

SIDES = ("client", "supplier")


class RatificationError(ValueError):
    """A sign-off the server refuses; the message says why."""


def current_text(agreement, sections=None, heads=None):
    """The agreement as Markdown, section by section, in order; and {section: revision}.
    A page that has read the sections and their heads already passes them."""
    sections = sections_of(agreement) if sections is None else sections
    heads = heads_of(sections) if heads is None else heads
    parts, revisions = [], {}
    for section in sections:
        head = heads[section.id]
        parts.append(f"## {section.title}\n\n{(head.body.strip() if head else '')}\n")
        revisions[str(section.id)] = head.id if head else None
    return "\n".join(parts), revisions


def _take_agreement(agreement_id):
    if not is_sqlite():
        Agreement.select(Agreement.id).where(Agreement.id == agreement_id).for_update().execute()


def newer_version(version):
    """The newest version proposed after this one, or None."""
    return (AgreementVersion.select()
            .where(AgreementVersion.agreement == version.agreement_id,
                   AgreementVersion.number > version.number)
            .order_by(AgreementVersion.number.desc()).first())


def is_superseded(version, newer):
    """A version not in force is superseded once a newer one is proposed."""
    return newer is not None and version.in_force_at is None


def propose(agreement, user, url_of):
    """Freeze the current text as the next version and tell each sponsor but the
    proposer that it awaits their sign-off (`url_of(number)`: a version's page)."""
    text, revisions = current_text(agreement)
    with write_transaction():
        _take_agreement(agreement.id)
        latest = (AgreementVersion.select(fn.MAX(AgreementVersion.number))
                  .where(AgreementVersion.agreement == agreement).scalar() or 0)
        version = AgreementVersion.create(
            agreement=agreement, number=latest + 1, content=text, content_hash=content_hash(text),
            revisions=json.dumps(revisions), proposed_by=user.id)
        changed(agreement.id)  # readers' pages list the new version
        for older in AgreementVersion.select(AgreementVersion.number).where(
                AgreementVersion.agreement == agreement, AgreementVersion.in_force_at.is_null(),
                AgreementVersion.number < version.number):
            settled(url_of(older.number))  # a superseded version awaits nobody any more
        for member in _members(agreement.partnership_id, role="sponsor"):
            if member.user_id != user.id:
                notify(member.user_id, f"Version {version.number} of the agreement awaits your "
                       f"sign-off for {member.user.organization.name}.", url_of(version.number),
                       partnership=agreement.partnership_id)
    audit.record("version_proposed", partnership=agreement.partnership_id, version=version.number,
                 content_hash=version.content_hash)
    return version


def _members(partnership_id, role=None):
    query = (PartnershipMember.select(PartnershipMember, User, Organization)
             .join(User).join(Organization)
             .where(PartnershipMember.partnership == partnership_id))
    return query.where(PartnershipMember.role == role) if role else query


def ratify(version, user, side, seen_hash, url):
    """Record one sponsor's sign-off; the version is in force once both sides signed, and
    then every member hears of it (`url`: the version's page)."""
    if side not in SIDES:
        raise RatificationError(gettext("Only sponsors of the two organizations can ratify."))
    if seen_hash != version.content_hash:
        raise RatificationError(gettext(
            "The text you signed is not the text of this version. Reload the version, "
            "read it again and sign what is shown."))
    try:
        with write_transaction():
            _take_agreement(version.agreement_id)
            newer = newer_version(version)
            if is_superseded(version, newer):
                raise RatificationError(gettext(
                    "Version %(number)s was superseded by version %(newer)s, proposed after "
                    "it, and can no longer be ratified. Read version %(newer)s and ratify "
                    "that one.", number=version.number, newer=newer.number))
            Ratification.create(version=version, user=user.id, organization=user.organization_id,
                                side=side, content_hash=seen_hash)
            settled(url, [m.user_id for m in _members(version.agreement.partnership_id, "sponsor")
                          if m.user.organization_id == user.organization_id])
            changed(version.agreement_id)  # readers' pages count the sign-off
            sides = {r.side for r in Ratification.select().where(Ratification.version == version)}
            if set(SIDES) <= sides and version.in_force_at is None:
                version.in_force_at = utcnow()
                version.save()
                for member in _members(version.agreement.partnership_id):
                    if member.user_id != user.id:
                        notify(member.user_id, f"Version {version.number} of the agreement is in "
                               "force: both organizations ratified it.", url,
                               partnership=version.agreement.partnership_id)
    except IntegrityError as exc:
        if side == "client":
            message = gettext("The client side has already ratified version %(number)s.",
                              number=version.number)
        else:
            message = gettext("The supplier side has already ratified version %(number)s.",
                              number=version.number)
        raise RatificationError(message) from exc
    audit.record("version_ratified", partnership=version.agreement.partnership_id,
                 version=version.number, side=side, content_hash=seen_hash)
    return version


def versions_with_signoffs(agreement):
    """Every proposed version, newest first, each with `signoffs`, its ratifications
    counted in the same statement."""
    return _VERSIONS.list(getattr(agreement, "id", agreement))


_VERSIONS = Prepared(lambda agreement_id: (
    AgreementVersion.select(AgreementVersion, fn.COUNT(Ratification.id).alias("signoffs"))
    .join(Ratification, JOIN.LEFT_OUTER).where(AgreementVersion.agreement == agreement_id)
    .group_by(AgreementVersion).order_by(AgreementVersion.number.desc())))


def in_force(agreement):
    """The newest version both organizations ratified, or None."""
    return (AgreementVersion.select()
            .where(AgreementVersion.agreement == agreement, AgreementVersion.in_force_at.is_null(False))
            .order_by(AgreementVersion.number.desc()).first())

"""Proposing the agreement as a version, and the sponsors' sign-off.

A version is a frozen Markdown text with its SHA-256. A sponsor's ratification carries
the hash of the text they were shown; the server refuses it when that is not the
version's text, so nobody signs a moving target. A version ratified by a sponsor of
each organization is in force.
"""
import json

from portal import audit
from portal.accounts.models import utcnow
from portal.agreements.editing import heads_of, sections_of
from portal.agreements.models import AgreementVersion, Ratification, content_hash
from portal.db import write_transaction
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


def propose(agreement, user):
    text, revisions = current_text(agreement)
    with write_transaction():
        latest = (AgreementVersion.select(fn.MAX(AgreementVersion.number))
                  .where(AgreementVersion.agreement == agreement).scalar() or 0)
        version = AgreementVersion.create(
            agreement=agreement, number=latest + 1, content=text, content_hash=content_hash(text),
            revisions=json.dumps(revisions), proposed_by=user.id)
    audit.record("version_proposed", partnership=agreement.partnership_id, version=version.number,
                 content_hash=version.content_hash)
    return version


def ratify(version, user, side, seen_hash):
    """Record one sponsor's sign-off; the version is in force once both sides signed."""
    if side not in SIDES:
        raise RatificationError("Only sponsors of the two organizations can ratify.")
    if seen_hash != version.content_hash:
        raise RatificationError(
            "The text you signed is not the text of this version. Reload the version, "
            "read it again and sign what is shown.")
    try:
        with write_transaction():
            Ratification.create(version=version, user=user.id, organization=user.organization_id,
                                side=side, content_hash=seen_hash)
            sides = {r.side for r in Ratification.select().where(Ratification.version == version)}
            if set(SIDES) <= sides and version.in_force_at is None:
                version.in_force_at = utcnow()
                version.save()
    except IntegrityError as exc:
        raise RatificationError(f"The {side} side has already ratified version "
                                f"{version.number}.") from exc
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

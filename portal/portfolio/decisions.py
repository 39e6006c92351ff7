"""The annual re-evaluation of the partner ecosystem (seed 001, practice 9: "re-evaluate
your partner ecosystem annually; make changes to optimize for current and anticipated
future needs"): started once a year by an organization, a decision on each of its
partnerships, finished when none is left undecided, then kept read-only as a record.

Who: the organization's admins start, decide on any partnership and finish; a sponsor
decides on the partnerships they sponsor. Nobody of the other organization reads a
decision: every query here is scoped by the reader's own organization.
"""
import datetime as dt
import json

from flask import abort
from flask_babel import gettext as _, ngettext
from peewee import JOIN, IntegrityError, fn

from portal.accounts.models import User, utcnow
from portal.db import is_sqlite, write_transaction
from portal.partnerships.models import Partnership
from portal.portfolio.models import Decision, Reevaluation
from portal.layout import dated


class Refused(Exception):
    """The change cannot be made; the message says why, for the page."""


def this_year():
    return dt.date.today().year


def is_decider(user, rows):
    """Admins of the organization, and anyone sponsoring one of its partnerships."""
    return user.is_org_admin or any(row.role == "sponsor" for row in rows)


def may_decide(user, row):
    return user.is_org_admin or row.role == "sponsor"


def history(organization_id):
    """The organization's re-evaluations, newest first, each with `decided` (how many
    decisions) and `total` (how many partnerships the organization has now), in one
    statement."""
    decided = (Decision.select(fn.COUNT(Decision.id))
               .where(Decision.reevaluation == Reevaluation.id))
    total = (Partnership.select(fn.COUNT(Partnership.id))
             .where((Partnership.client == organization_id)
                    | (Partnership.supplier == organization_id)))
    return list(Reevaluation.select(Reevaluation, decided.alias("decided"), total.alias("total"))
                .where(Reevaluation.organization == organization_id)
                .order_by(Reevaluation.year.desc()))


def of_year(organization_id, year):
    """(the year's re-evaluation, every other year's), or 404 when the organization has
    none for that year (another organization's is never found: same answer)."""
    every = history(organization_id)
    found = next((r for r in every if r.year == year), None)
    if found is None:
        abort(404)
    return found, [r for r in every if r.year != year]


def decisions_of(reevaluation):
    """{partnership id: Decision} with who decided, in one statement."""
    query = (Decision.select(Decision, User, Partnership)
             .join(User, JOIN.LEFT_OUTER, on=(Decision.decided_by == User.id), attr="decided_by")
             .switch(Decision).join(Partnership).where(Decision.reevaluation == reevaluation.id))
    return {d.partnership_id: d for d in query}


def start(organization_id, user):
    """(this year's re-evaluation, whether it was started now)."""
    year = this_year()
    if not Partnership.select().where((Partnership.client == organization_id)
                                      | (Partnership.supplier == organization_id)).exists():
        raise Refused(_("Your organization has no partnership to re-evaluate yet."))
    try:
        with write_transaction():
            return Reevaluation.create(organization=organization_id, year=year,
                                       started_by=user.id), True
    except IntegrityError:  # started meanwhile by a colleague: theirs is the one
        return Reevaluation.get(Reevaluation.organization == organization_id,
                                Reevaluation.year == year), False


def snapshot(row):
    """The facts of a Row as the decider saw them, as words, kept with the decision."""
    def day(value):
        return dated(value) if value else None

    health = row.health
    return {
        "partner": row.partner.name,
        "side": row.side,
        "stage": str(row.partnership.stage_label),
        "health": (None if health is None else str(health.band_label) if health.score is None
                   else f"{health.score:.0f} · {health.band_label}"),
        "contract_end": day(row.partnership.contract_end),
        "last_review": day(row.last_review),
        "last_audit": day(row.last_audit),
        "flags": [str(flag.title) for flag in row.flags],
    }


def record(reevaluation, row, decision, reason, user):
    """Save (or change) the decision on one partnership while the run is open."""
    with write_transaction():
        current = Reevaluation.select(Reevaluation.finished_at).where(
            Reevaluation.id == reevaluation.id)
        if _locked(current).scalar() is not None:
            raise Refused(_("The %(year)s re-evaluation is finished: its decisions are a "
                            "record and no longer change.", year=reevaluation.year))
        fields = {"decision": decision, "reason": reason, "facts": json.dumps(snapshot(row)),
                  "decided_by": user.id, "decided_at": utcnow()}
        changed = (Decision.update(fields)
                   .where(Decision.reevaluation == reevaluation.id,
                          Decision.partnership == row.partnership.id).execute())
        if not changed:
            Decision.create(reevaluation=reevaluation.id, partnership=row.partnership.id, **fields)


def undecided(reevaluation):
    """Names of the organization's partnerships without a decision, by name."""
    org = reevaluation.organization_id
    decided = Decision.select(Decision.partnership).where(Decision.reevaluation == reevaluation.id)
    return [p.name for p in Partnership.select(Partnership.name).where(
        ((Partnership.client == org) | (Partnership.supplier == org)),
        Partnership.id.not_in(decided)).order_by(Partnership.name)]


def finish(reevaluation, user):
    """Close the re-evaluation once every partnership has a decision."""
    with write_transaction():
        _locked(Reevaluation.select().where(Reevaluation.id == reevaluation.id)).execute()
        left = undecided(reevaluation)
        if left:
            raise Refused(ngettext("%(num)d partnership still needs a decision: %(names)s.",
                                   "%(num)d partnerships still need a decision: %(names)s.",
                                   len(left), names=", ".join(left)))
        changed = (Reevaluation.update(finished_at=utcnow(), finished_by=user.id)
                   .where(Reevaluation.id == reevaluation.id,
                          Reevaluation.finished_at.is_null()).execute())
        if not changed:
            raise Refused(_("The %(year)s re-evaluation was already finished.", year=reevaluation.year))


def _locked(query):
    """The query locking its rows on PostgreSQL (SQLite's IMMEDIATE transaction already
    holds the database): a decision saved while a colleague finishes waits for them."""
    return query if is_sqlite() else query.for_update()

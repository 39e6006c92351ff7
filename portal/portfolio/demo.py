"""The demo's portfolio history: Northwind Learning's re-evaluation of last year, finished,
and this year's under way (one of its partnerships decided), so a visitor sees both the
record and the guided walk; Supplier Co has none yet, so its admin can start one.

Last year's facts are written out as they stood then (a year before the demo's today),
not drawn from today's data, as a finished re-evaluation keeps them."""
import datetime as dt
import json

from portal.accounts.models import Organization, User, utcnow
from portal.db import database
from portal.partnerships.models import Partnership
from portal.portfolio import decisions
from portal.portfolio.facts import rows_for
from portal.portfolio.flags import with_flags
from portal.portfolio.models import Decision, Reevaluation

#: partnership name -> (decision, reason, stage then, flags then)
LAST_YEAR = {
    "Leadership Academy 2027": (
        "grow", ("The first cohort's managers rated the sessions highly and both sponsors "
                 "want the program for the second-line managers too. Grow the scope in the "
                 "next contract; keep the fortnightly working sessions."),
        "Onboarding & immersion", ["No sponsor review yet"]),
    "Sales Onboarding Pilot": (
        "keep", ("Still being selected when we looked: keep the pilot as planned and decide "
                 "on its future after the first six months."), "Selection", []),
}


THIS_YEAR = ("Leadership Academy 2027", "grow",
             "Both sponsors want the program for second-line managers; the relational "
             "survey's flagged items have actions with owners on both sides.")


def load_demo_portfolio(client_name="Northwind Learning"):
    """Skipped when the organization has a re-evaluation already. Needs a request
    context (the facts link to pages), as `portal demo` loads the demo in one."""
    client = Organization.get_or_none(Organization.name == client_name)
    if client is None or Reevaluation.select().where(Reevaluation.organization == client).exists():
        return None
    peggy = User.get_or_none(User.email == "peggy@client.example")
    partnerships = {p.name: p for p in Partnership.select().where(Partnership.client == client)}
    then = utcnow().replace(microsecond=0) - dt.timedelta(days=365)
    with database.atomic():
        reevaluation = Reevaluation.create(
            organization=client, year=then.year, started_by=peggy, started_at=then,
            finished_by=peggy, finished_at=then + dt.timedelta(days=9))
        for n, (name, (decision, reason, stage, flags)) in enumerate(sorted(LAST_YEAR.items())):
            partnership = partnerships.get(name)
            if partnership is None:
                continue
            facts = {"partner": partnership.supplier.name, "side": "client", "stage": stage,
                     "health": None, "contract_end": (then.date() + dt.timedelta(days=665)
                                                      ).strftime("%d %b %Y"),
                     "last_review": None, "last_audit": None, "flags": flags}
            Decision.create(reevaluation=reevaluation, partnership=partnership, decision=decision,
                            reason=reason, facts=json.dumps(facts), decided_by=peggy,
                            decided_at=then + dt.timedelta(days=2 + n))
    current, _ = decisions.start(client.id, peggy)
    name, decision, reason = THIS_YEAR
    row = next((r for r in with_flags(rows_for(peggy)) if r.partnership.name == name), None)
    if row is not None:
        decisions.record(current, row, decision, reason, peggy)
    return current

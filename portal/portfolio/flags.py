"""What needs a portfolio owner's attention in a partnership, each linked to its page.

The flags are the practices of the source documents falling behind: joint actions past
their date (seed 003: flagged results get an action plan), items flagged in the latest
results, a missed sponsor review (seed 003 #6: sponsors meet at least twice a year),
the contract review window (seed 001 #7: review 2-3 months before expiration), and the
annual 4 I's audit (seed 001 #8).
"""
import datetime as dt
from dataclasses import dataclass

from flask import url_for
from flask_babel import gettext as _, ngettext

from portal.instruments import registry
from portal.instruments.runs import next_due
from portal.meetings.views import SPONSOR_EVERY
from portal.portfolio.facts import AUDIT
from portal.layout import dated


@dataclass(frozen=True)
class Fact:
    """A flag on a row: what needs attention, the page where it is dealt with (None when
    the reader is not a member and so cannot open it), and how serious it is."""

    title: str
    url: str | None = None
    tone: str = "warning"  # warning or bad


def with_flags(rows, today=None):
    """The rows, each whose facts were read given its flags."""
    today = today or dt.date.today()
    for row in rows:
        if row.read:
            row.flags = flags_of(row, today)
    return rows


def flags_of(row, today):
    """[Fact] of one Row, the most serious first. Links only for members: anyone else
    (an organization admin managing the partnership) would be refused the page."""
    pid, partnership = row.partnership.id, row.partnership

    def link(endpoint, **values):
        return url_for(endpoint, partnership_id=pid, **values) if row.member else None

    found = []
    end = partnership.contract_end
    if end is not None and end < today:
        found.append(Fact(_("Contract ended on %(date)s", date=dated(end)),
                          link("partnerships.show"), "bad"))
    elif row.contract_review is not None and row.contract_review <= today:
        found.append(Fact(_("Contract review due: it ends on %(date)s", date=dated(end)),
                          link("calendar.index")))
    if row.overdue_actions:
        found.append(Fact(ngettext("%(num)d action past due", "%(num)d actions past due",
                                   row.overdue_actions),
                          link("actions.index"), "bad"))
    for run, count in row.flagged:
        found.append(Fact(ngettext("%(num)d item flagged in %(title)s", "%(num)d items flagged in %(title)s",
                                   count, title=run.meta["title"]),
                          link("instruments.run", run_id=run.id)))
    sponsor_by = (row.last_sponsor or partnership.created_at.date()) + SPONSOR_EVERY
    if sponsor_by < today and not row.sponsor_planned:
        found.append(Fact(_("Sponsor review overdue") if row.last_sponsor else
                          _("No sponsor review yet"), link("meetings.index")))
    audit = registry.get(AUDIT)
    if audit is not None and audit.cadence_days:
        due = (next_due(pid, audit, today, runs=row.audit_runs) if row.audit_runs
               else partnership.created_at.date() + dt.timedelta(days=audit.cadence_days))
        if due <= today:
            found.append(Fact(_("%(title)s due", title=audit.title),
                              link("instruments.new_run", instrument_id=AUDIT)))
    return sorted(found, key=lambda fact: fact.tone != "bad")


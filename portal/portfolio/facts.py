"""The facts of every partnership in a portfolio, read together.

A portfolio owner compares partnerships side by side, so each fact (reviews, audits,
actions, results, health) is read for all of them in one statement: the page costs the
same with five partnerships or fifty. What needs attention is in `flags.py`.
"""
import datetime as dt
from dataclasses import dataclass, field

from flask import current_app
from peewee import JOIN, fn

from portal.accounts.models import Organization
from portal.instruments import tallies
from portal.instruments.models import ActionItem, Run
from portal.instruments.results import run_results
from portal.meetings.models import Meeting
from portal.partnerships.calendar import contract_dates
from portal.partnerships.models import Partnership, PartnershipMember

AUDIT = "four_is_audit"  # seed 001, practice 8: the annual 4 I's audit


@dataclass
class Row:
    """One partnership as the portfolio shows it."""

    partnership: Partnership
    side: str  # the reader's organization's side: client or supplier
    partner: Organization
    role: str | None  # the reader's role in it, None when they manage it as admin only
    health: object = None  # scorecard HealthSummary, when the Health feature is installed
    last_review: dt.date | None = None
    last_audit: dt.date | None = None
    last_audit_run: int | None = None
    overdue_actions: int = 0
    flagged: list = field(default_factory=list)  # [(run, number of flagged items)]
    last_sponsor: dt.date | None = None
    sponsor_planned: bool = False
    audit_runs: list = field(default_factory=list)
    read: bool = False  # whether the facts above were read (rows_for's `only`)
    flags: list = field(default_factory=list)  # [flags.Fact], filled by flags.with_flags

    @property
    def member(self):
        return self.role is not None

    @property
    def contract_review(self):
        dates = contract_dates(self.partnership)
        return dates[0][0] if dates else None


def health_installed():
    """Whether the Health feature (portal/scorecard) is loaded: its column is shown only
    then, never guessed."""
    info = current_app.extensions["portal_plugins"].plugins.get("scorecard")
    return info is not None and info.status == "loaded"


def visible_partnerships(user):
    """The partnerships of the user's organization the user may see in the portfolio,
    with both organizations and the user's membership: all of them for its admins, the
    ones they belong to for everyone else."""
    org = user.organization_id
    client, supplier = Organization.alias(), Organization.alias()
    own = (PartnershipMember.partnership == Partnership.id) & (PartnershipMember.user == user.id)
    query = (Partnership.select(Partnership, client, supplier, PartnershipMember)
             .join(client, on=(Partnership.client == client.id), attr="client")
             .switch(Partnership).join(supplier, on=(Partnership.supplier == supplier.id),
                                       attr="supplier")
             .switch(Partnership).join(PartnershipMember, JOIN.LEFT_OUTER, on=own,
                                       attr="own_membership")
             .where((Partnership.client == org) | (Partnership.supplier == org))
             .order_by(Partnership.name, Partnership.id))
    if not user.is_org_admin:
        query = query.where(PartnershipMember.id.is_null(False))
    return list(query)


def _row(partnership, org_id):
    side = "client" if partnership.client_id == org_id else "supplier"
    membership = getattr(partnership, "own_membership", None)
    role = membership.role if membership is not None and membership.id is not None else None
    return Row(partnership=partnership, side=side, role=role,
               partner=partnership.supplier if side == "client" else partnership.client)


def rows_for(user, only=None, today=None):
    """[Row] of the user's portfolio, by partnership name, with every fact read; `only`:
    the ids whose facts are wanted (the others get their names and stage only)."""
    today = today or dt.date.today()
    rows = [_row(p, user.organization_id) for p in visible_partnerships(user)]
    wanted = {r.partnership.id: r for r in rows if only is None or r.partnership.id in only}
    if not wanted:
        return rows
    ids = sorted(wanted)
    _reviews(wanted, ids)
    _runs(wanted, ids, today)
    _actions(wanted, ids, today)
    if health_installed():
        from portal.scorecard.summary import health_for

        for pid, summary in health_for(ids).items():
            wanted[pid].health = summary
    for row in wanted.values():
        row.read = True
    return rows


def _day(value):
    """A date from what the database hands back (SQLite gives aggregates as text)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value.date() if isinstance(value, dt.datetime) else value


def _reviews(rows, ids):
    """The last review held (closed) and the last sponsor review, held or planned."""
    found = (Meeting.select(Meeting.partnership, Meeting.kind, Meeting.status,
                            fn.MAX(Meeting.scheduled_at).alias("last"))
             .where(Meeting.partnership.in_(ids))
             .group_by(Meeting.partnership, Meeting.kind, Meeting.status).tuples())
    for pid, kind, status, last in found:
        row, day = rows[pid], _day(last)
        if status == "closed" and (row.last_review is None or day > row.last_review):
            row.last_review = day
        if kind == "sponsor":
            row.last_sponsor = max(filter(None, (row.last_sponsor, day)))
            row.sponsor_planned = row.sponsor_planned or status != "closed"


def _runs(rows, ids, today):
    """The last closed 4 I's audit, and the flagged items of each instrument's latest
    run (as the overview's cards count them: from stored tallies, never answers)."""
    latest = {}
    for run in (Run.select(Run, Partnership).join(Partnership)
                .where(Run.partnership.in_(ids)).order_by(Run.opens_on, Run.id)):
        row = rows[run.partnership_id]
        latest[run.partnership_id, run.instrument_id] = run
        if run.instrument_id == AUDIT:
            row.audit_runs.append(run)
            if run.state(today) == "closed":
                row.last_audit_run = run.id
                row.last_audit = run.opens_on  # as the audit's cadence counts it
    stored = tallies.stored_for(latest.values())
    for (pid, _), run in sorted(latest.items(), key=lambda item: item[1].meta["title"]):
        rr = run_results(run, today=today, stored=stored.get(run.id))
        if rr.visible and rr.interpretation is not None and rr.interpretation.flags:
            rows[pid].flagged.append((run, len(rr.interpretation.flags)))


def _actions(rows, ids, today):
    """How many joint actions are past their due date and not done."""
    for pid, count in (ActionItem.select(ActionItem.partnership, fn.COUNT(ActionItem.id))
                       .where(ActionItem.partnership.in_(ids), ActionItem.status != "done",
                              ActionItem.due_on < today)
                       .group_by(ActionItem.partnership).tuples()):
        rows[pid].overdue_actions = count

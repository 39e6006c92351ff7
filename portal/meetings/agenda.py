"""What a review's agenda starts with: the partnership's data as it stands when the review
is scheduled, and the points an earlier review left unfinished.

Each pre-filled point keeps the figures as text (Markdown), so the record of the review
says what the partnership looked like when it was prepared, even after the data moves
on; "Refresh" rewrites the pre-filled points until the meeting starts.
"""
import datetime as dt

from peewee import fn

from flask import current_app, url_for

from portal.db import write_transaction
from portal.markup import render_markdown
from portal.meetings.models import AgendaItem, Meeting

RESULTS, ACTIONS, EXPECTATIONS, AGREEMENT, CONTRACT = (
    "Latest results and flagged items", "Action plan: open and overdue actions",
    "Expectations not yet acknowledged", "Agreement changes since the version in force",
    "Contract dates")


def _results(partnership, user):
    from portal.instruments import runs as run_ops, tallies
    from portal.instruments.results import run_results

    latest = {}
    for run in run_ops.runs_of(partnership.id, user.id):  # oldest first: the last one wins
        latest[run.instrument_id] = run
    stored = tallies.stored_for(latest.values())
    lines = []
    for run in sorted(latest.values(), key=lambda r: r.meta["title"]):
        rr = run_results(run, stored=stored.get(run.id))
        title = f"**{run.meta['title']}**, {run.title} ({run.opens_on:%d %b %Y})"
        if rr.interpretation is None:
            lines.append(f"- {title}: results not shown yet (too few responses, or still open).")
            continue
        lines.append(f"- {title}: {rr.interpretation.headline}")
        lines += [f"  - Flagged: {flag.title}" for flag in rr.interpretation.flags]
    return "\n".join(lines) or "No instrument has results yet."


def _actions(partnership, today):
    from portal.instruments.actions import open_actions

    actions = open_actions(partnership)
    if not actions:
        return "No open actions."
    overdue = [a for a in actions if a.overdue(today)]
    lines = [f"{len(actions)} open, {len(overdue)} overdue."]
    for action in overdue:
        owners = " and ".join(o.name for o in (action.client_owner, action.supplier_owner) if o)
        lines.append(f"- Overdue since {action.due_on:%d %b %Y}: {action.text}"
                     + (f" ({owners})" if owners else " (no owner yet)"))
    return "\n".join(lines)


def _expectations(partnership):
    from portal.expectations.acknowledgements import board

    pending = [item for item in board(partnership).items if item.pending]
    if not pending:
        return "Every member has acknowledged every current expectation."
    return "\n".join(f"- “{item.expectation.text}”: waiting for "
                     + ", ".join(m.user.name for m in item.pending) for item in pending)


def _agreement(partnership):
    from portal.agreements import ratification
    from portal.agreements.models import Agreement

    agreement = Agreement.get_or_none(Agreement.partnership == partnership.id)
    if agreement is None:
        return "The agreement has not been started."
    in_force = ratification.in_force(agreement)
    versions = ratification.versions_with_signoffs(agreement)
    if in_force is None:
        newest = versions[0] if versions else None
        return (f"No version is in force yet. Version {newest.number} awaits "
                f"{2 - newest.signoffs} of 2 sign-offs." if newest else
                "No version is in force yet, and none has been proposed.")
    text, _ = ratification.current_text(agreement)
    changed = text != in_force.content
    link = url_for("agreements.changes", partnership_id=partnership.id)
    return (f"Version {in_force.number} is in force since {in_force.in_force_at:%d %b %Y}. "
            + (f"The working text has changed since: [see the changes]({link})." if changed
               else "The working text has not changed since."))


def _contract(partnership):
    from portal.partnerships.calendar import contract_dates

    dates = contract_dates(partnership)
    if not dates:
        return "No contract end date is recorded for this partnership."
    return "\n".join(f"- {what}: {day:%d %b %Y}" for day, what in dates)


def _plugin_points(partnership, user):
    """The points plugins add (Kirkpatrick results, for one), each title once."""
    from portal.plugins.host import call_hook
    from portal.records import PartnershipInfo, UserInfo

    found = call_hook(current_app.extensions["portal_plugins"], "portal_review_agenda_points",
                      partnership=PartnershipInfo.from_row(partnership), user=UserInfo.from_row(user))
    taken = {RESULTS, ACTIONS, EXPECTATIONS, AGREEMENT, CONTRACT}
    points = []
    for _, point in found:
        if point.title not in taken:
            taken.add(point.title)
            points.append((point.title[:200], point.notes, max(1, min(int(point.minutes), 240))))
    return points


def prefill(partnership, user, today=None):
    """[(title, notes, minutes)] of the pre-filled points, as the partnership stands."""
    today = today or dt.date.today()
    return [(RESULTS, _results(partnership, user), 15),
            (ACTIONS, _actions(partnership, today), 10),
            (EXPECTATIONS, _expectations(partnership), 10),
            (AGREEMENT, _agreement(partnership), 10),
            (CONTRACT, _contract(partnership), 5),
            *_plugin_points(partnership, user)]


def unfinished(partnership_id, kind):
    """Points that closed reviews of this kind left unfinished, not yet moved on."""
    moved = AgendaItem.select(AgendaItem.carried_from).where(AgendaItem.carried_from.is_null(False))
    return list(AgendaItem.select().join(Meeting).where(
        Meeting.partnership == partnership_id, Meeting.kind == kind, Meeting.status == "closed",
        AgendaItem.status == "carried", AgendaItem.id.not_in(moved)).order_by(
        Meeting.scheduled_at, AgendaItem.position))


def build(meeting, partnership, user):
    """The new review's agenda: the pre-filled points, then what earlier reviews left."""
    position = 0
    for title, notes, minutes in prefill(partnership, user):
        position += 1
        AgendaItem.create(meeting=meeting, position=position, title=title, notes=notes,
                          notes_html=render_markdown(notes), minutes_planned=minutes,
                          source="prefill", added_by=user.id)
    for item in unfinished(partnership.id, meeting.kind):
        position += 1
        AgendaItem.create(meeting=meeting, position=position, title=item.title, notes=item.notes,
                          notes_html=item.notes_html, presenter=item.presenter_id, minutes_planned=item.minutes_planned,
                          source="carried", carried_from=item.id, added_by=user.id)


def refresh(meeting, partnership, user):
    """Rewrite the pre-filled points from the data as it is now; a point a plugin has to
    report only now (a program's first results) joins the end of the agenda."""
    with write_transaction():
        for title, notes, minutes in prefill(partnership, user):
            updated = (AgendaItem.update(notes=notes, notes_html=render_markdown(notes))
                       .where(AgendaItem.meeting == meeting.id, AgendaItem.source == "prefill",
                              AgendaItem.title == title).execute())
            if not updated:
                last = (AgendaItem.select(fn.MAX(AgendaItem.position))
                        .where(AgendaItem.meeting == meeting.id).scalar() or 0)
                AgendaItem.create(meeting=meeting, position=last + 1, title=title, notes=notes,
                                  notes_html=render_markdown(notes), minutes_planned=minutes,
                                  source="prefill", added_by=user.id)


def history(item):
    """[(meeting, agenda item)] of the reviews this point came through, oldest first."""
    chain = []
    current = item.carried_from
    while current is not None and len(chain) < 50:
        chain.append((current.meeting, current))
        current = current.carried_from
    return list(reversed(chain))

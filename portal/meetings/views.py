"""The Reviews tab: the schedule, scheduling a review, its page, its printable record,
and moving it from draft to closed. Agenda points, outcomes, minutes and attendance are
in `changes.py`."""
import datetime as dt

from flask import abort, flash, g, redirect, request, url_for
from flask_babel import force_locale, gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from markupsafe import Markup

from portal import audit
from portal.accounts.models import utcnow
from portal.db import write_transaction
from portal.errors import error_page
from portal.forms import damaged
from portal.instruments.actions import owner_choices
from portal.meetings import agenda
from portal.meetings.forms import AgendaForm, AttendanceForm, MeetingForm, MinutesForm, OutcomeForm
from portal.meetings.models import AgendaItem, Meeting, MeetingAttendee, Outcome
from portal.notifications import notify
from portal.partnerships.access import members_of, partnership_blueprint, requires_role
from portal.rendering import render
from portal.vocabulary import role_at_least

bp = partnership_blueprint("meetings", __name__, "/governance", template_folder="templates")
SPONSOR_EVERY = dt.timedelta(days=182)  # seed 003 #6: sponsors meet at least twice a year
NEXT = {"draft": "open", "open": "in_progress", "in_progress": "closed"}


def may_run(membership=None):
    """Editors and sponsors schedule reviews, move them on and take the minutes."""
    membership = membership or g.membership
    return membership is not None and role_at_least(membership.role, "editor")


def meeting_or_404(meeting_id):
    meeting = Meeting.get_or_none(Meeting.id == meeting_id, Meeting.partnership == g.partnership.id)
    if meeting is None:
        abort(404)
    return meeting


def people():
    """Members who take part (viewers read), by organization then name."""
    return [m for m in members_of(g.partnership) if m.role != "viewer"]


def sponsor_due(partnership_id, today=None):
    """(the last sponsor review held or planned, the day the next is due by)."""
    last = (Meeting.select().where(Meeting.partnership == partnership_id, Meeting.kind == "sponsor")
            .order_by(Meeting.scheduled_at.desc()).first())
    return last, next_sponsor_by(last, today)


def next_sponsor_by(last, today=None):
    """The day the next sponsor review is due by, after the sponsor review `last`."""
    return (last.scheduled_at.date() + SPONSOR_EVERY) if last else (today or dt.date.today())


def outcome_form(**data):
    form = OutcomeForm(**data)
    form.client_owner.choices, form.supplier_owner.choices = owner_choices(g.partnership)
    return form


def _schedule_form(**data):
    return MeetingForm(partnership=g.partnership, people=people(), zone=current_user.timezone, **data)


def _default_form():
    last, due_by = sponsor_due(g.partnership.id)
    day = max(due_by, dt.date.today() + dt.timedelta(days=14)) if last else (
        dt.date.today() + dt.timedelta(days=14))
    invited = [m.user_id for m in people() if m.role == "sponsor"] or [m.user_id for m in people()]
    return _schedule_form(data={"kind": "sponsor", "title": _("Sponsor review"), "day": day,
                                "time": dt.time(10, 0), "minutes_planned": 60,
                                "attendees": invited})


@bp.route("")
def index(partnership_id, form=None, status=200):
    meetings = list(Meeting.select().where(Meeting.partnership == partnership_id)
                    .order_by(Meeting.scheduled_at.desc()))
    now = utcnow()
    last, due_by = sponsor_due(partnership_id)
    return render("meetings/index.html", partnership=g.partnership,
                  upcoming=[m for m in reversed(meetings) if m.status != "closed"],
                  past=[m for m in meetings if m.status == "closed"],
                  form=form or (_default_form() if may_run() else None), can_run=may_run(),
                  last_sponsor=last, sponsor_due_by=due_by, now=now, status=status)


@bp.route("", methods=["POST"])
@requires_role("editor")
def create(partnership_id):
    form = _schedule_form()
    if not form.validate_on_submit():
        if damaged(form):
            return error_page(400, damaged(form))
        return index(partnership_id, form=form, status=422)
    with write_transaction():
        meeting = Meeting.create(
            partnership=partnership_id, kind=form.kind.data, title=form.title.data.strip(),
            scheduled_at=form.starts_at(), minutes_planned=form.minutes_planned.data,
            location=(form.location.data or "").strip(), created_by=current_user.id)
        for user_id in sorted(set(form.attendees.data)):
            MeetingAttendee.create(meeting=meeting, user=user_id)
        agenda.build(meeting, g.partnership, current_user)
    audit.record("review_scheduled", partnership=g.partnership, review=meeting.title,
                 at=meeting.scheduled_at.isoformat(timespec="minutes"))
    flash(_("The business review is scheduled as a draft, with an agenda from the partnership's "
            "data. Open it when the agenda is ready for both sides to add their points.")
          if meeting.kind == "business" else
          _("The sponsor review is scheduled as a draft, with an agenda from the partnership's "
            "data. Open it when the agenda is ready for both sides to add their points."),
          "success")
    return redirect(url_for("meetings.show", partnership_id=partnership_id, meeting_id=meeting.id))


def _record(meeting):
    """(agenda points in order, {point id or None: outcomes}) of a review."""
    items = list(AgendaItem.select().where(AgendaItem.meeting == meeting.id)
                 .order_by(AgendaItem.position, AgendaItem.id))
    outcomes = {}
    for outcome in Outcome.select().where(Outcome.meeting == meeting.id).order_by(Outcome.id):
        outcomes.setdefault(outcome.agenda_item_id, []).append(outcome)
    return items, outcomes


def _page(meeting, status=200, **forms):
    items, outcomes = _record(meeting)
    attendees = list(MeetingAttendee.select(MeetingAttendee).where(MeetingAttendee.meeting == meeting.id))
    everyone = people()
    by_id = {m.user_id: m for m in members_of(g.partnership)}
    open_points = (meeting.status in ("open", "in_progress") and g.membership is not None
                   and g.membership.role != "viewer") or (meeting.status == "draft" and may_run())
    running = meeting.status == "in_progress" and may_run()
    return render(
        "meetings/show.html", partnership=g.partnership, meeting=meeting, items=items,
        outcomes=outcomes, history={i.id: agenda.history(i) for i in items if i.carried_from_id},
        attendees=attendees, by_id=by_id, can_run=may_run(), running=running,
        planned=sum(i.minutes_planned for i in items), next_status=NEXT.get(meeting.status),
        agenda_form=forms.get("agenda_form") or (AgendaForm(people=everyone) if open_points else None),
        outcome_form=forms.get("outcome_form") or (outcome_form(formdata=None) if running else None),
        minutes_form=forms.get("minutes_form") or (MinutesForm(data={"minutes": meeting.minutes})
                                                   if running else None),
        attendance_form=AttendanceForm() if running else None, status=status)


@bp.route("/<int:meeting_id>")
def show(partnership_id, meeting_id):
    return _page(meeting_or_404(meeting_id))


@bp.route("/<int:meeting_id>/print")
def print_record(partnership_id, meeting_id):
    meeting = meeting_or_404(meeting_id)
    items, outcomes = _record(meeting)
    return render("meetings/print.html", partnership=g.partnership, meeting=meeting, items=items,
                  outcomes=outcomes, by_id={m.user_id: m for m in members_of(g.partnership)},
                  attendees=list(MeetingAttendee.select().where(MeetingAttendee.meeting == meeting.id)),
                  minutes=Markup(meeting.minutes_html))


@bp.route("/<int:meeting_id>/status", methods=["POST"])
@requires_role("editor")
def advance(partnership_id, meeting_id):
    """draft → open → in progress → closed; a closed review is read-only."""
    meeting = meeting_or_404(meeting_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    wanted = request.form.get("to")
    if NEXT.get(meeting.status) != wanted:
        return error_page(409, {
            "draft": _("This review is draft; reload the page to see what can be done with it now."),
            "open": _("This review is open for agenda points; reload the page to see what can be "
                      "done with it now."),
            "in_progress": _("This review is in progress; reload the page to see what can be done "
                             "with it now."),
            "closed": _("This review is closed; reload the page to see what can be done with it "
                        "now.")}.get(meeting.status), title=_("Not changed"))
    with write_transaction():
        fields = {"status": wanted}
        if wanted == "closed":
            fields["closed_at"] = utcnow()
            # People's points move on; the pre-filled ones are drawn afresh next time.
            (AgendaItem.update(status="carried")
             .where(AgendaItem.meeting == meeting.id, AgendaItem.status == "open",
                    AgendaItem.source != "prefill").execute())
        changed = (Meeting.update(fields)
                   .where(Meeting.id == meeting.id, Meeting.status == meeting.status).execute())
        if changed and wanted == "open":
            url = url_for("meetings.show", partnership_id=partnership_id, meeting_id=meeting.id)
            for attendee in MeetingAttendee.select().where(MeetingAttendee.meeting == meeting.id):
                if attendee.user_id != current_user.id:
                    with force_locale("en"):  # stored as written, in English
                        kind = str(meeting.kind_label).lower()
                    notify(attendee.user_id, f"You are invited to the {kind} "
                           f"“{meeting.title}”: add your points to the agenda.", url,
                           partnership=partnership_id)
    if changed:
        audit.record("review_" + wanted, partnership=g.partnership, review=meeting.title)
        flash({"open": _("The review is open: both sides can add points to the agenda."),
               "in_progress": _("The review is in progress: take the minutes and record outcomes."),
               "closed": _("The review is closed and its record is read-only. Unfinished points "
                           "move to the next review of this kind.")}[wanted], "success")
    return redirect(url_for("meetings.show", partnership_id=partnership_id, meeting_id=meeting.id))

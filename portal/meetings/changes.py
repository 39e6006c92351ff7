"""What people add to a review: agenda points (both sides, until it closes), and while it
is in progress the outcomes, minutes and attendance (its organizers). A closed review
refuses every change: its record is what was decided."""
from flask import flash, g, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from portal import audit
from portal.db import write_transaction
from portal.errors import error_page
from portal.forms import damaged
from portal.instruments.models import ActionItem
from portal.markup import render_markdown
from portal.meetings import agenda
from portal.meetings.forms import AgendaForm, AttendanceForm, MinutesForm
from portal.meetings.models import AgendaItem, Meeting, MeetingAttendee, Outcome
from portal.meetings.views import _page, bp, meeting_or_404, may_run, outcome_form, people
from portal.partnerships.access import requires_role
from portal.partnerships.mentions import notify_mentioned


def _back(meeting, anchor=""):
    return redirect(url_for("meetings.show", partnership_id=meeting.partnership_id,
                            meeting_id=meeting.id) + anchor)


def _refused(meeting, need=None):
    """A 409 page when the review is not in a state that takes this change."""
    if meeting.status == "closed":
        return error_page(409, _("This review is closed: its record is read-only. Add the point "
                                 "to the next review instead."), title=_("Review closed"))
    if need and meeting.status != need:
        return error_page(409, _("Outcomes, minutes and attendance are recorded while the review "
                                 "is in progress. Start it first."), title=_("Not in progress"))
    if need and not may_run():
        return error_page(403, _("The organizers (editors and sponsors) record the review."))
    return None


def _invalid(meeting, form, name):
    """None for a valid form; else the answer: 400 for a damaged one, the review's page
    with the form as typed (422) otherwise."""
    if form.validate_on_submit():
        return None
    if damaged(form):
        return error_page(400, damaged(form))
    return _page(meeting, status=422, **{name: form})


@bp.route("/<int:meeting_id>/agenda", methods=["POST"])
@requires_role("member")
def add_point(partnership_id, meeting_id):
    meeting = meeting_or_404(meeting_id)
    refused = _refused(meeting)
    if refused:
        return refused
    if meeting.status == "draft" and not may_run():
        return error_page(409, _("The organizers are still preparing this review; you can add "
                                 "your points once it is open."), title=_("Not open yet"))
    form = AgendaForm(people=people())
    invalid = _invalid(meeting, form, "agenda_form")
    if invalid:
        return invalid
    with write_transaction():
        last = (AgendaItem.select(AgendaItem.position).where(AgendaItem.meeting == meeting.id)
                .order_by(AgendaItem.position.desc()).first())
        item = AgendaItem.create(meeting=meeting, position=(last.position if last else 0) + 1,
                                 title=form.title.data.strip(), notes=form.notes.data.strip(),
                                 notes_html=render_markdown(form.notes.data.strip()),
                                 presenter=form.presenter.data or None,
                                 minutes_planned=form.minutes_planned.data, added_by=current_user.id)
    url = url_for("meetings.show", partnership_id=partnership_id, meeting_id=meeting.id)
    notify_mentioned(item.notes, g.partnership, current_user.id,
                     f"{current_user.name} mentioned you in an agenda point of “{meeting.title}”.",
                     f"{url}#point-{item.id}")
    flash(_("Your point is on the agenda."), "success")
    return _back(meeting, f"#point-{item.id}")


@bp.route("/<int:meeting_id>/agenda/<int:item_id>/done", methods=["POST"])
@requires_role("editor")
def point_done(partnership_id, meeting_id, item_id):
    """Mark a point dealt with (or open again); an open point moves on when the review closes."""
    meeting = meeting_or_404(meeting_id)
    refused = _refused(meeting, need="in_progress")
    if refused:
        return refused
    if not FlaskForm().validate_on_submit():
        return error_page(400, _("The form was incomplete; reload the page and try again."))
    item = AgendaItem.get_or_none(AgendaItem.id == item_id, AgendaItem.meeting == meeting.id)
    if item is None:
        return error_page(404, _("No such point in this review."))
    with write_transaction():
        (AgendaItem.update(status="open" if item.status == "done" else "done")
         .where(AgendaItem.id == item.id).execute())
    return _back(meeting, f"#point-{item.id}")


@bp.route("/<int:meeting_id>/outcomes", methods=["POST"])
@requires_role("editor")
def add_outcome(partnership_id, meeting_id):
    """Information, a decision, or an action, which also goes on the joint action plan."""
    meeting = meeting_or_404(meeting_id)
    refused = _refused(meeting, need="in_progress")
    if refused:
        return refused
    form = outcome_form()
    invalid = _invalid(meeting, form, "outcome_form")
    if invalid:
        return invalid
    item = None
    if form.agenda_item.data is not None:
        item = AgendaItem.get_or_none(AgendaItem.id == form.agenda_item.data,
                                      AgendaItem.meeting == meeting.id)
        if item is None:
            return error_page(400, _("That point is not on this review's agenda."))
    text = form.text.data.strip()
    with write_transaction():
        action = None
        if form.kind.data == "action":
            action = ActionItem.create(
                partnership=partnership_id, text=text, due_on=form.due_on.data,
                client_owner=form.client_owner.data or None,
                supplier_owner=form.supplier_owner.data or None, created_by=current_user.id)
        Outcome.create(meeting=meeting, agenda_item=item, kind=form.kind.data, text=text,
                       action=action, created_by=current_user.id)
    url = url_for("meetings.show", partnership_id=partnership_id, meeting_id=meeting.id)
    notify_mentioned(text, g.partnership, current_user.id,
                     f"{current_user.name} mentioned you in the record of “{meeting.title}”.", url)
    audit.record("review_outcome", partnership=g.partnership, review=meeting.title,
                 kind=form.kind.data, text=text)
    flash(_("The action is recorded and added to the joint action plan.") if action else
          _("The decision is recorded.") if form.kind.data == "decision" else
          _("The information is recorded."), "success")
    return _back(meeting, f"#point-{item.id}" if item else "#outcomes")


@bp.route("/<int:meeting_id>/minutes", methods=["POST"])
@requires_role("editor")
def save_minutes(partnership_id, meeting_id):
    meeting = meeting_or_404(meeting_id)
    refused = _refused(meeting, need="in_progress")
    if refused:
        return refused
    form = MinutesForm()
    invalid = _invalid(meeting, form, "minutes_form")
    if invalid:
        return invalid
    minutes = form.minutes.data
    with write_transaction():
        (Meeting.update(minutes=minutes, minutes_html=render_markdown(minutes))
         .where(Meeting.id == meeting.id, Meeting.status == "in_progress").execute())
    notify_mentioned(minutes, g.partnership, current_user.id,
                     f"{current_user.name} mentioned you in the minutes of “{meeting.title}”.",
                     url_for("meetings.show", partnership_id=partnership_id,
                             meeting_id=meeting.id) + "#review-minutes", already=meeting.minutes)
    flash(_("The minutes are saved."), "success")
    return _back(meeting, "#review-minutes")


@bp.route("/<int:meeting_id>/attendance", methods=["POST"])
@requires_role("editor")
def save_attendance(partnership_id, meeting_id):
    meeting = meeting_or_404(meeting_id)
    refused = _refused(meeting, need="in_progress")
    if refused:
        return refused
    form = AttendanceForm()
    if not form.validate_on_submit():
        return error_page(400, damaged(form) or _("Choose people from the list."))
    came = set(form.attended.data or ())
    members = {m.user_id for m in people()}
    if came - members:
        return error_page(400, _("Choose people from the list: members of the partnership."))
    with write_transaction():
        invited = {a.user_id for a in MeetingAttendee.select().where(MeetingAttendee.meeting == meeting.id)}
        for user_id in came - invited:  # came without an invitation
            MeetingAttendee.create(meeting=meeting, user=user_id, attended=True)
        for user_id in invited:
            (MeetingAttendee.update(attended=user_id in came)
             .where(MeetingAttendee.meeting == meeting.id, MeetingAttendee.user == user_id).execute())
    flash(_("Attendance is recorded."), "success")
    return _back(meeting, "#attendance")


@bp.route("/<int:meeting_id>/refresh", methods=["POST"])
@requires_role("editor")
def refresh(partnership_id, meeting_id):
    """The pre-filled points, written again from the partnership's data as it is now."""
    meeting = meeting_or_404(meeting_id)
    if meeting.status not in ("draft", "open"):
        return error_page(409, _("The agenda's figures are kept as they were once the review has "
                                 "started."), title=_("Not refreshed"))
    if not FlaskForm().validate_on_submit():
        return error_page(400, _("The form was incomplete; reload the page and try again."))
    agenda.refresh(meeting, g.partnership, current_user)
    flash(_("The pre-filled points show the partnership's data as it is now."), "success")
    return _back(meeting)

"""Reviews as a feature: the tab, the models, their dates in the calendar and a card on
the overview that says when the sponsors meet next."""
import datetime as dt

from flask import render_template, url_for
from flask_babel import gettext as _, ngettext, pgettext

from portal import CalendarEvent, DashboardCard, NavItem, hookimpl
from portal.meetings import changes  # noqa: F401 - registers the changes' routes on `bp`
from portal.meetings.models import TABLES, Meeting
from portal.meetings.views import bp, next_sponsor_by
from portal.prepared import Prepared


@hookimpl
def portal_blueprints():
    return bp


@hookimpl
def portal_models():
    return TABLES


@hookimpl
def portal_navigation_items(partnership, membership):
    if membership is None:
        return None
    return NavItem.tab(_("Governance"), "meetings.index", partnership, weight=14)


@hookimpl
def portal_calendar_events(partnership, start, end):
    first = dt.datetime.combine(start, dt.time())
    last = dt.datetime.combine(end, dt.time())
    return [CalendarEvent(meeting.scheduled_at.date(), _event_title(meeting),
                          url_for("meetings.show", partnership_id=partnership.id,
                                  meeting_id=meeting.id),
                          kind="review", note=_event_note(meeting),
                          uid=f"review-{meeting.id}")
            for meeting in Meeting.select().where(
                Meeting.partnership == partnership.id, Meeting.status != "closed",
                Meeting.scheduled_at >= first, Meeting.scheduled_at < last)]


def _event_title(meeting):
    if meeting.kind == "sponsor":
        return _("%(title)s (sponsor review)", title=meeting.title)
    if meeting.kind == "business":
        return _("%(title)s (business review)", title=meeting.title)
    return f"{meeting.title} ({meeting.kind})"


def _event_note(meeting):
    length = ngettext("%(num)d minute", "%(num)d minutes", meeting.minutes_planned)
    if meeting.location:
        return _("%(length)s, %(location)s", length=length, location=meeting.location)
    return length


#: One statement: the reviews still to come and the sponsor reviews, oldest first.
_CARD_MEETINGS = Prepared(lambda partnership_id: Meeting.select().where(
    Meeting.partnership == partnership_id,
    (Meeting.status != "closed") | (Meeting.kind == "sponsor")).order_by(Meeting.scheduled_at))


@hookimpl
def portal_dashboard_cards(partnership, membership):
    if membership is None:
        return None
    meetings = _CARD_MEETINGS.rows(partnership.id)
    upcoming = next((m for m in meetings if m.status != "closed"), None)
    last = next((m for m in reversed(meetings) if m.kind == "sponsor"), None)
    due_by = next_sponsor_by(last)
    late = last is None or (due_by < dt.date.today() and (upcoming is None or upcoming.kind != "sponsor"))
    return DashboardCard(pgettext("governance", "Reviews"), render_template(
        "meetings/_card.html", partnership=partnership, upcoming=upcoming, last=last,
        due_by=due_by, late=late), weight=12, tone="warning" if late else "neutral")

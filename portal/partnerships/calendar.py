"""The partnership's cadence (issue 13): one page with everything due, and a private
iCalendar feed per person that a calendar app subscribes to.

What is due comes from the `portal_calendar_events` hook, which the portal implements
here for its own features (instrument runs at their cadence, runs closing, the contract
review, expectation reviews, action items, the reader's spaced content reviews) and
plugins implement for theirs (the Kirkpatrick follow-ups).

A feed is read by a calendar server, which cannot log in, so its address carries the
proof: an HMAC of the person and their feed version under the portal's secret key.
Nothing secret is stored: a reader of the database cannot make a feed address, and
"Reset the address" raises the version, which ends every earlier address.
"""
import datetime as dt
import hashlib
import hmac
from itertools import groupby

from flask import Blueprint, Response, abort, current_app, flash, redirect, request, url_for
from flask_babel import force_locale, gettext as _, ngettext
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from icalendar import Calendar, Event

from portal.accounts.models import User
from portal.db import write_transaction
from portal.plugins.api import CalendarEvent, NavItem
from portal.plugins.hookspecs import hookimpl
from portal.plugins.host import call_hook
from portal.partnerships.access import partnership_blueprint
from portal.partnerships.models import Partnership, PartnershipMember
from portal.records import PartnershipInfo, UserInfo
from portal.rendering import render

REVIEW_BEFORE = dt.timedelta(days=92)  # the contract review, before the end or notice deadline
PAST = dt.timedelta(days=90)  # the page shows what fell due this long ago and is still open
AHEAD = dt.timedelta(days=366)  # and what falls due within a year

bp = partnership_blueprint("calendar", __name__, "/calendar", template_folder="templates")
feeds = Blueprint("calendar_feed", __name__)


def events(partnership, user, start, end):
    """Every CalendarEvent in [start, end) from every plugin, by day then title."""
    found = call_hook(current_app.extensions["portal_plugins"], "portal_calendar_events",
                      partnership=PartnershipInfo.from_row(partnership),
                      user=UserInfo.from_row(user), start=start, end=end)
    return sorted((event for _, event in found if start <= event.day < end),
                  key=lambda e: (e.day, str(e.title).lower()))


def contract_dates(partnership):
    """[(day, what)] of the contract: the review, the notice deadline, the end."""
    end = partnership.contract_end
    if end is None:
        return []
    notice = getattr(partnership, "notice_days", None)
    deadline = end - dt.timedelta(days=notice) if notice else None
    dates = [((deadline or end) - REVIEW_BEFORE, _("Contract review"))]
    if deadline:
        dates.append((deadline, ngettext("Last day to give notice (%(num)d day before the end)",
                                         "Last day to give notice (%(num)d days before the end)",
                                         notice)))
    return dates + [(end, _("Contract ends"))]


# The portal's own events -------------------------------------------------------------------

@hookimpl
def portal_calendar_events(partnership, user, start, end):
    from portal.content.models import ContentItem
    from portal.content.reviews import ReviewSchedule
    from portal.expectations.models import RelationalExpectation
    from portal.instruments import registry, runs
    from portal.instruments.models import ActionItem, Run

    pid, today = partnership.id, dt.date.today()
    row = Partnership.get_by_id(pid)
    found = [CalendarEvent(day, what, url_for("partnerships.show", partnership_id=pid),
                           kind="contract")
             for day, what in contract_dates(row) if day >= today]
    opened = {}  # instrument id -> its runs here: one statement for every instrument
    for run in Run.select(Run.instrument_id, Run.opens_on).where(Run.partnership == pid):
        opened.setdefault(run.instrument_id, []).append(run)
    for instrument in registry.installed().values():
        due = runs.next_due(pid, instrument, today, runs=opened.get(instrument.id, []))
        if due is not None:
            found.append(CalendarEvent(
                max(due, today), _("%(instrument)s: next run due", instrument=instrument.title), url_for(
                    "instruments.new_run", partnership_id=pid, instrument_id=instrument.id),
                kind="instrument", note=instrument.cadence_label,
                uid=f"instrument-{pid}-{instrument.id}"))
    for run in Run.select().where(Run.partnership == pid, Run.status == "open",
                                  Run.closes_on >= today):
        found.append(CalendarEvent(run.closes_on, _("“%(title)s” closes", title=run.title), url_for(
            "instruments.run", partnership_id=pid, run_id=run.id), kind="survey",
            uid=f"run-{run.id}"))
    for expectation in RelationalExpectation.select().where(
            RelationalExpectation.partnership == pid, RelationalExpectation.archived == False,  # noqa: E712
            RelationalExpectation.review_on.is_null(False)):
        found.append(CalendarEvent(expectation.review_on, _("Review the expectation “%(text)s”", text=_short(expectation.text)),
                                   url_for("expectations.index", partnership_id=pid),
                                   kind="expectation", uid=f"expectation-{expectation.id}"))
    for action in ActionItem.select().where(ActionItem.partnership == pid,
                                            ActionItem.status != "done",
                                            ActionItem.due_on.is_null(False)):
        found.append(CalendarEvent(action.due_on, _("Action due: %(text)s", text=_short(action.text)),
                                   url_for("actions.index", partnership_id=pid),
                                   kind="action", uid=f"action-{action.id}"))
    for schedule in (ReviewSchedule.select(ReviewSchedule, ContentItem).join(ContentItem)
                     .where(ReviewSchedule.partnership == pid, ReviewSchedule.user == user.id,
                            ContentItem.removed == False)):  # noqa: E712
        found.append(CalendarEvent(max(schedule.due_on, today), _("Review “%(title)s”", title=schedule.item.title),
                                   url_for("reviews.index", partnership_id=pid),
                                   kind="content-review", uid=f"content-review-{schedule.id}"))
    return found


def _short(text, length=70):
    text = " ".join(text.split())
    return text if len(text) <= length else text[:length - 1] + "…"


# The page --------------------------------------------------------------------------------

@bp.route("")
def index(partnership_id):
    partnership = Partnership.get_by_id(partnership_id)
    today = dt.date.today()
    found = events(partnership, current_user, today - PAST, today + AHEAD)
    overdue = [e for e in found if e.day < today]
    months = [(month, list(group)) for month, group in groupby(
        (e for e in found if e.day >= today), key=lambda e: (e.day.year, e.day.month))]
    return render("calendar/index.html", partnership=partnership, overdue=overdue,
                  months=[(dt.date(year, month, 1), group) for (year, month), group in months],
                  today=today, feed_url=feed_url(current_user))


# The feed --------------------------------------------------------------------------------

def _token(user_id, version):
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"calendar-feed:{user_id}:{version}".encode(), hashlib.sha256).hexdigest()[:40]


@feeds.app_template_global("calendar_feed_url")
def feed_url(user=None):
    user = user or current_user
    return url_for("calendar_feed.feed", user_id=user.id,
                   token=_token(user.id, user.calendar_feed_version), _external=True)


@feeds.route("/calendar/<int:user_id>/<token>.ics")
def feed(user_id, token):
    """Every partnership of the person, from a month ago to a year ahead, as all-day
    events that link back to their pages."""
    user = User.get_or_none(User.id == user_id)
    if (user is None or not user.is_active_account
            or not hmac.compare_digest(token, _token(user.id, user.calendar_feed_version))):
        abort(404)
    from portal.i18n import LANGUAGES

    # A calendar server sends no language: the person's own, else English.
    with force_locale(user.language if user.language in LANGUAGES else "en"):
        return _feed(user)


def _feed(user):
    today = dt.date.today()
    calendar = Calendar()
    calendar.add("prodid", "-//Partnership Portal//calendar feed//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", _("Partnership Portal: %(name)s", name=user.name))
    root = request.url_root.rstrip("/")
    stamp = dt.datetime.now(dt.timezone.utc)
    for partnership in (Partnership.select().join(PartnershipMember)
                        .where(PartnershipMember.user == user.id).order_by(Partnership.name)):
        for due in events(partnership, user, today - dt.timedelta(days=30), today + AHEAD):
            event = Event()
            event.add("uid", f"{due.key}@partnership-portal")
            event.add("summary", f"{due.title} · {partnership.name}")
            event.add("dtstart", due.day)
            event.add("dtend", due.day + dt.timedelta(days=1))
            event.add("dtstamp", stamp)
            event.add("url", root + due.url)
            event.add("description", "\n".join(filter(None, [due.note, root + due.url])))
            event.add("transp", "TRANSPARENT")  # a reminder of a date, not a busy slot
            calendar.add_component(event)
    return Response(calendar.to_ical(), mimetype="text/calendar", headers={
        "Content-Disposition": 'inline; filename="partnership-portal.ics"',
        "Cache-Control": "private, max-age=300"})


@feeds.route("/profile/calendar/reset", methods=["POST"])
@login_required
def reset():
    """A new feed address; every earlier one stops working."""
    if not FlaskForm().validate_on_submit():
        abort(400)
    with write_transaction():
        (User.update(calendar_feed_version=User.calendar_feed_version + 1)
         .where(User.id == current_user.id).execute())
    flash(_("Your calendar feed has a new address. Calendars subscribed to the old one no "
            "longer receive updates: subscribe again with the address below."), "success")
    return redirect(url_for("accounts.profile") + "#calendar-feed")


@hookimpl
def portal_blueprints():
    return [bp, feeds]


@hookimpl
def portal_navigation_items(user, partnership, membership):
    if user is None or membership is None:
        return None
    return NavItem.tab(_("Calendar"), "calendar.index", partnership, weight=15)

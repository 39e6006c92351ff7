"""What is due, told once: the `portal reminders` command (run by cron or a systemd
timer, see README), never a scheduler inside the web workers, which would send every
reminder once per worker.

One run does three things:

1. **Due reminders** become notifications: a version that has awaited a sponsor's
   sign-off for a week (again each week), a survey run waiting for someone's answer
   (when it opens and two days before it closes), an action item assigned to someone
   (once) and overdue (each week), a review someone is invited to, the day before. Each is checked against what people did: a side that
   signed, a person who answered, an action marked done is not reminded.
2. **Notifications become e-mail**, as each person chose in their profile: each at once,
   a daily digest, or none. A notification already read in the portal is not mailed.
3. **The outbox is sent** (portal/mail.py).

Exactly once, even when two runs overlap on two servers: every reminder and digest has
a key (what, whom, which period) whose row is inserted with `ON CONFLICT DO NOTHING`
in the transaction that writes the notification, so the run that inserts it is the one
that tells; a notification is mailed by the run whose UPDATE marks it; mails are
claimed before they are sent.
"""
import datetime as dt

import peewee
from flask import current_app, url_for
from flask_babel import force_locale, gettext as _, ngettext

from portal import mail
from portal.accounts.models import User, utcnow
from portal.db import BaseModel, database, write_transaction
from portal.notifications import Notification
from portal.plugins.hookspecs import hookimpl

SIGNOFF_AFTER = dt.timedelta(days=7)  # then once a week while the version waits
CLOSING_DAYS = 2  # a survey reminds again this many days before it closes
MAIL_WINDOW = dt.timedelta(days=2)  # older unmailed notifications are not mailed any more


class ReminderClaim(BaseModel):
    """That the reminder (or digest) `key` was given: what, to whom, for which period."""

    key = peewee.CharField(max_length=200, unique=True)
    user = peewee.ForeignKeyField(User, on_delete="CASCADE")
    created_at = peewee.DateTimeField(default=utcnow)


def claimed(key, user_id):
    """Insert the key's row; True for the one run that inserted it."""
    query = (ReminderClaim.insert(key=key, user=user_id, created_at=utcnow())
             .on_conflict_ignore())
    return database.execute(query).rowcount == 1


def _remind(key, user_id, text, url, partnership_id):
    with write_transaction():
        if not claimed(key, user_id):
            return False
        Notification.create(user=user_id, text=text[:300], url=url[:300],
                            partnership=partnership_id)
    return True


# What is due ---------------------------------------------------------------------------

def _signoffs(now):
    """Sponsors whose side has not signed the newest version of an agreement, a week or
    more after it was proposed."""
    from portal.agreements.models import Agreement, AgreementVersion, Ratification
    from portal.partnerships.models import Partnership, PartnershipMember

    newest = dict(AgreementVersion.select(AgreementVersion.agreement,
                                          peewee.fn.MAX(AgreementVersion.number))
                  .group_by(AgreementVersion.agreement).tuples())
    versions = list(AgreementVersion.select(AgreementVersion, Agreement, Partnership)
                    .join(Agreement).join(Partnership)
                    .where(AgreementVersion.in_force_at.is_null(),
                           AgreementVersion.proposed_at <= now - SIGNOFF_AFTER))
    for version in versions:
        if newest.get(version.agreement_id) != version.number:
            continue  # superseded: nobody signs it any more
        partnership = version.agreement.partnership
        signed = {r.organization_id for r in Ratification.select(Ratification.organization)
                  .where(Ratification.version == version)}
        weeks = (now - version.proposed_at).days // 7
        sponsors = list(PartnershipMember.select(PartnershipMember, User).join(User)
                        .where(PartnershipMember.partnership == partnership,
                               PartnershipMember.role == "sponsor",
                               User.is_active_account == True))  # noqa: E712
        for member in sponsors:
            if member.user.organization_id in signed:
                continue
            yield (f"signoff:{version.id}:{member.user_id}:{weeks}", member.user_id,
                   f"Version {version.number} of the agreement has waited {weeks * 7} days "
                   f"for your sign-off.",
                   url_for("agreements.version", partnership_id=partnership.id,
                           number=version.number), partnership.id)


def _surveys(today):
    """Invited members who have not answered an open run: when it opens, and again when
    it closes within CLOSING_DAYS."""
    from portal.instruments.models import Participation, Run
    from portal.instruments.runs import invited_members

    runs = list(Run.select().where(Run.status == "open", Run.opens_on <= today,
                                   (Run.closes_on.is_null()) | (Run.closes_on >= today)))
    for run in runs:
        answered = {p.user_id for p in Participation.select(Participation.user)
                    .where(Participation.run == run)}
        closing = run.closes_on is not None and (run.closes_on - today).days <= CLOSING_DAYS
        url = url_for("instruments.respond", partnership_id=run.partnership_id, run_id=run.id)
        for member in invited_members(run):
            if member.user_id in answered or not member.user.is_active_account:
                continue
            yield (f"run:{run.id}:{member.user_id}:open", member.user_id,
                   f"“{run.title}” waits for your answer"
                   + (f" until {run.closes_on:%d %b %Y}." if run.closes_on else "."),
                   url, run.partnership_id)
            if closing:
                yield (f"run:{run.id}:{member.user_id}:closing", member.user_id,
                       f"“{run.title}” closes on {run.closes_on:%d %b %Y} and still waits "
                       "for your answer.", url, run.partnership_id)


def _actions(today):
    """Owners of open action items: once when assigned, each week while overdue."""
    from portal.instruments.models import ActionItem

    week = "%d-W%02d" % today.isocalendar()[:2]
    for action in list(ActionItem.select().where(ActionItem.status != "done")):
        url = url_for("actions.index", partnership_id=action.partnership_id)
        text = action.text if len(action.text) <= 80 else action.text[:79] + "…"
        for owner_id in {action.client_owner_id, action.supplier_owner_id} - {None}:
            yield (f"action:{action.id}:{owner_id}:assigned", owner_id,
                   f"An action is assigned to you: {text}", url, action.partnership_id)
            if action.overdue(today):
                yield (f"action:{action.id}:{owner_id}:{week}", owner_id,
                       f"An action assigned to you is overdue since {action.due_on:%d %b %Y}: "
                       f"{text}", url, action.partnership_id)


def _reviews(now):
    """Whoever is invited to a review that starts within a day (once it is open)."""
    from zoneinfo import ZoneInfo

    from portal.meetings.models import Meeting, MeetingAttendee

    for meeting in list(Meeting.select().where(Meeting.status == "open",
                                               Meeting.scheduled_at > now,
                                               Meeting.scheduled_at <= now + dt.timedelta(days=1))):
        url = url_for("meetings.show", partnership_id=meeting.partnership_id, meeting_id=meeting.id)
        for attendee in list(MeetingAttendee.select(MeetingAttendee, User).join(User)
                             .where(MeetingAttendee.meeting == meeting.id)):
            user = attendee.user
            try:
                zone = ZoneInfo(user.timezone)
            except (KeyError, ValueError):
                zone = ZoneInfo("UTC")
            starts = meeting.scheduled_at.replace(tzinfo=dt.timezone.utc).astimezone(zone)
            yield (f"review:{meeting.id}:{user.id}:soon", user.id,
                   f"“{meeting.title}” starts {starts:%A %d %b at %H:%M} ({user.timezone}).",
                   url, meeting.partnership_id)


def remind(now):
    """Turn what is due into notifications; returns how many were given by this run.

    The sources read their rows in full before yielding any: on SQLite a SELECT still
    being read keeps a snapshot open, and a write from the same connection could then
    not start ("database is locked", without waiting)."""
    today = now.date()
    given = 0
    for source in (_signoffs(now), _surveys(today), _actions(today), _reviews(now)):
        for key, user_id, text, url, partnership_id in source:
            given += _remind(key, user_id, text, url, partnership_id)
    return given


# Notifications by e-mail ---------------------------------------------------------------

def _footer(frequency):
    """The end of a mail, in the language in force (`_in_language_of`)."""
    base = current_app.config["PORTAL_BASE_URL"].rstrip("/")
    profile = f"{base}{url_for('accounts.profile')}"
    if frequency == "immediately":
        text = _("You get each notification by e-mail from Partnership Portal. To change "
                 "it, open your profile: %(url)s", url=profile)
    else:
        text = _("You get a daily digest from Partnership Portal. To change it, open your "
                 "profile: %(url)s", url=profile)
    return f"\n\n--\n{text}\n"


def _in_language_of(user):
    """Mail text in the language the person chose, else English. A notification's own
    text is stored as it was written (in English) and stays so."""
    from portal.i18n import LANGUAGES

    return force_locale(user.language if user.language in LANGUAGES else "en")


def _link(notification):
    return current_app.config["PORTAL_BASE_URL"].rstrip("/") + notification.url


def _unmailed(now):
    return (Notification.select(Notification, User).join(User)
            .where(Notification.mailed_at.is_null(), Notification.read_at.is_null(),
                   Notification.created_at >= now - MAIL_WINDOW,
                   User.is_active_account == True)  # noqa: E712
            .order_by(Notification.id))


def mail_notifications(now):
    """Queue each unread notification as its reader chose; returns mails queued."""
    queued = 0
    digests = {}
    for notification in list(_unmailed(now)):
        user = notification.user
        if user.mail_frequency == "immediately":
            with write_transaction():
                taken = (Notification.update(mailed_at=now)
                         .where(Notification.id == notification.id,
                                Notification.mailed_at.is_null()).execute())
                if taken:
                    with _in_language_of(user):
                        body = (f"{notification.text}\n\n"
                                + _("Open it: %(url)s", url=_link(notification))
                                + _footer("immediately"))
                    mail.queue(user, notification.text, body, at=now)
                    queued += 1
        elif user.mail_frequency == "daily":
            digests.setdefault(user.id, (user, []))[1].append(notification)
    for user, notifications in digests.values():
        with write_transaction():
            if not claimed(f"digest:{user.id}:{now.date().isoformat()}", user.id):
                continue  # today's digest went out; these wait for tomorrow's
            ids = [n.id for n in notifications]
            (Notification.update(mailed_at=now)
             .where(Notification.id.in_(ids), Notification.mailed_at.is_null()).execute())
            lines = "\n\n".join(f"- {n.text}\n  {_link(n)}" for n in notifications)
            count = len(notifications)
            with _in_language_of(user):
                subject = ngettext("Partnership Portal: %(num)d new notification",
                                   "Partnership Portal: %(num)d new notifications", count)
                body = (_("What happened in your partnerships since the last digest:")
                        + f"\n\n{lines}" + _footer("daily"))
            mail.queue(user, subject, body, at=now)
            queued += 1
    return queued


def run(now=None):
    """Everything one `portal reminders` run does; returns what it did, to print."""
    now = now or utcnow()
    with current_app.test_request_context(base_url=current_app.config["PORTAL_BASE_URL"]):
        reminded = remind(now)
        queued = mail_notifications(now)
    delivered = mail.send_due(now)
    return {"reminders": reminded, "mails queued": queued, **delivered}


@hookimpl
def portal_models():
    return [ReminderClaim]

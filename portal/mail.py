"""E-mail: an outbox in the database, sent by `portal reminders` (portal/reminders.py).

A web request never talks to a mail server: it only adds rows here, so a slow or broken
server cannot hold a page, and a mail is never lost with a worker. The reminders command
claims due rows and sends them through the SMTP server of `PORTAL_SMTP_*`. Without
`PORTAL_SMTP_HOST` (the demo), a mail is delivered to its reader's page instead
(/notifications/mail), so the demo shows what would have been sent.

Two senders never send the same row: a claim marks rows as taken for CLAIM_MINUTES,
with `FOR UPDATE SKIP LOCKED` on PostgreSQL and inside SQLite's single writer. A refused
or failed mail is tried again later (BACKOFF, doubling) up to MAX_ATTEMPTS; site admins
see the failures (/admin/mail).
"""
import datetime as dt
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import make_msgid

import peewee
from flask import Blueprint, abort, current_app
from flask_login import current_user, login_required

from portal.accounts.models import User, utcnow
from portal.db import BaseModel, is_sqlite, write_transaction
from portal.plugins.hookspecs import hookimpl
from portal.rendering import render

CLAIM_MINUTES = 10  # a claim a crashed sender left behind expires after this
MAX_ATTEMPTS = 6
BACKOFF = dt.timedelta(minutes=5)  # then 10, 20, 40, 80 minutes
SECURITY = ("starttls", "ssl", "none")

bp = Blueprint("mail", __name__, template_folder="templates")


class Mail(BaseModel):
    """One message to one person. `delivery` says where it went: "smtp", "page" (no mail
    server configured) or "failed" (every attempt refused); empty while waiting."""

    user = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
    to_address = peewee.CharField(max_length=254)
    subject = peewee.CharField(max_length=300)
    body = peewee.TextField()
    created_at = peewee.DateTimeField(default=utcnow)
    next_attempt_at = peewee.DateTimeField(default=utcnow, index=True)
    claimed_until = peewee.DateTimeField(null=True)
    attempts = peewee.IntegerField(default=0)
    last_error = peewee.TextField(default="")
    sent_at = peewee.DateTimeField(null=True)
    delivery = peewee.CharField(max_length=16, default="", index=True)


def queue(user, subject, body, at=None):
    """Add a mail for `user` to the outbox (inside the caller's transaction), due `at`."""
    at = at or utcnow()
    return Mail.create(user=user.id, to_address=user.email, subject=subject[:300], body=body,
                       created_at=at, next_attempt_at=at)


def claim(now, limit=200):
    """Take up to `limit` due mails for this sender; another sender skips them."""
    with write_transaction():
        due = (Mail.select(Mail.id)
               .where(Mail.delivery == "", Mail.next_attempt_at <= now,
                      (Mail.claimed_until.is_null()) | (Mail.claimed_until < now))
               .order_by(Mail.id).limit(limit))
        if not is_sqlite():
            due = due.for_update(skip_locked=True)
        ids = [row.id for row in due]
        if ids:
            (Mail.update(claimed_until=now + dt.timedelta(minutes=CLAIM_MINUTES))
             .where(Mail.id.in_(ids)).execute())
    return list(Mail.select().where(Mail.id.in_(ids)).order_by(Mail.id)) if ids else []


def _connect(config):
    host, port = config["PORTAL_SMTP_HOST"], config["PORTAL_SMTP_PORT"]
    timeout = config["PORTAL_SMTP_TIMEOUT"]
    security = config["PORTAL_SMTP_SECURITY"]
    if security == "ssl":
        server = smtplib.SMTP_SSL(host, port, timeout=timeout,
                                  context=ssl.create_default_context())
    else:
        server = smtplib.SMTP(host, port, timeout=timeout)
        if security == "starttls":
            server.starttls(context=ssl.create_default_context())
    if config["PORTAL_SMTP_USER"]:
        server.login(config["PORTAL_SMTP_USER"], config["PORTAL_SMTP_PASSWORD"])
    return server


def _message(mail, config):
    message = EmailMessage()
    message["From"] = config["PORTAL_SMTP_FROM"]
    message["To"] = mail.to_address
    message["Subject"] = mail.subject
    message["Message-ID"] = make_msgid(domain="partnership-portal")
    message.set_content(mail.body)
    return message


def _failed(mail, now, error):
    attempts = mail.attempts + 1
    done = attempts >= MAX_ATTEMPTS
    (Mail.update(attempts=attempts, last_error=error[:2000], claimed_until=None,
                 delivery="failed" if done else "",
                 next_attempt_at=now + BACKOFF * 2 ** (attempts - 1))
     .where(Mail.id == mail.id).execute())


def _delivered(mail, now, how):
    (Mail.update(sent_at=now, delivery=how, claimed_until=None, attempts=mail.attempts + 1,
                 last_error="").where(Mail.id == mail.id).execute())


def send_due(now=None, config=None):
    """Send what is due; returns {"sent": n, "shown": n, "failed": n}. A server that
    cannot be reached fails the whole batch for a later try; a refused recipient fails
    only its mail."""
    now = now or utcnow()
    config = config or current_app.config
    counts = {"sent": 0, "shown": 0, "failed": 0}
    mails = claim(now)
    if not mails:
        return counts
    if not config["PORTAL_SMTP_HOST"]:
        for mail in mails:
            _delivered(mail, now, "page")
        counts["shown"] = len(mails)
        return counts
    try:
        server = _connect(config)
    except (OSError, smtplib.SMTPException) as exc:  # refused, timed out, unknown host
        for mail in mails:
            _failed(mail, now, f"the mail server could not be reached: {exc}")
        counts["failed"] = len(mails)
        return counts
    try:
        for mail in mails:
            try:
                server.send_message(_message(mail, config))
            except smtplib.SMTPServerDisconnected as exc:
                _failed(mail, now, f"the mail server closed the connection: {exc}")
                counts["failed"] += 1
                server = _connect(config)
            except (OSError, smtplib.SMTPException) as exc:
                _failed(mail, now, f"the mail server refused it: {exc}")
                counts["failed"] += 1
            else:
                _delivered(mail, now, "smtp")
                counts["sent"] += 1
    finally:
        try:
            server.quit()
        except (OSError, smtplib.SMTPException):
            pass
    return counts


# Pages --------------------------------------------------------------------------------

@bp.route("/notifications/mail")
@login_required
def mine():
    """The mail the portal sent or would have sent this person (all of it in the demo)."""
    mails = list(Mail.select().where(Mail.user == current_user.id)
                 .order_by(Mail.created_at.desc(), Mail.id.desc()).limit(50))
    return render("mail/mine.html", mails=mails,
                  server=bool(current_app.config["PORTAL_SMTP_HOST"]))


@bp.route("/admin/mail")
@login_required
def failures():
    """What could not be sent, for the people who run the portal."""
    if not current_user.is_site_admin:
        abort(403)
    waiting = (Mail.select().where(Mail.delivery == "", Mail.attempts > 0)
               .order_by(Mail.next_attempt_at))
    failed = Mail.select().where(Mail.delivery == "failed").order_by(Mail.id.desc()).limit(100)
    queued = Mail.select().where(Mail.delivery == "").count()
    return render("mail/failures.html", waiting=list(waiting), failed=list(failed),
                  queued=queued, server=current_app.config["PORTAL_SMTP_HOST"],
                  max_attempts=MAX_ATTEMPTS)


@hookimpl
def portal_blueprints():
    return bp


@hookimpl
def portal_models():
    return [Mail]

"""Reminders that reach people (issue 13): `portal reminders` gives what is due, mails
notifications as each person chose, and sends the outbox through a real SMTP server
started here (aiosmtpd), each thing exactly once, even with two runs at once."""
import datetime as dt
import email
import email.policy
import os
import socket
import subprocess
import sys
import threading

import pytest
from aiosmtpd.controller import Controller
from conftest import DEMO_PASSWORD, login, post

from portal import reminders
from portal.accounts.models import User, utcnow
from portal.instruments.models import ActionItem, Participation, Run
from portal.mail import MAX_ATTEMPTS, Mail
from portal.notifications import Notification, notify
from portal.reminders import ReminderClaim

BASE = "http://portal.test"


class Inbox:
    """An SMTP server's handler that keeps what it accepts and refuses whom it is told."""

    def __init__(self):
        self.messages, self.refuse, self.lock = [], set(), threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(message)
        return "250 Message accepted"

    def to(self, address):
        return [m for m in self.messages if m["To"] == address]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def inbox():
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    handler.port = controller.port
    yield handler
    controller.stop()


@pytest.fixture
def app(make_app, inbox):
    return make_app(PORTAL_SMTP_HOST="127.0.0.1", PORTAL_SMTP_PORT=inbox.port,
                    PORTAL_SMTP_SECURITY="none", PORTAL_SMTP_TIMEOUT=5, PORTAL_BASE_URL=BASE)


def run(app, now=None):
    with app.app_context():
        return reminders.run(now)


def people(app):
    with app.app_context():
        return {u.email.split("@")[0]: u for u in User.select()}


def as_user(app, email_address):
    client = app.test_client()
    login(client, email_address)
    return client


def test_a_sponsor_is_mailed_the_sign_off_once(app, demo, inbox):
    peggy = as_user(app, "peggy@client.example")
    peggy.get(f"/partnerships/{demo.id}/agreement")
    assert post(peggy, f"/partnerships/{demo.id}/agreement/versions",
                page=f"/partnerships/{demo.id}/agreement").status_code == 302
    done = run(app)
    assert done["sent"] == 1 and done["failed"] == 0
    (mail,) = inbox.to("sofia@supplier.example")
    assert mail["Subject"] == "Version 1 of the agreement awaits your sign-off for Supplier Co."
    assert mail["From"] == "Partnership Portal <portal@localhost>"
    body = mail.get_content()
    assert f"{BASE}/partnerships/{demo.id}/agreement/versions/1" in body
    assert f"{BASE}/profile" in body  # where to change how often
    assert inbox.to("peggy@client.example") == []  # she proposed it
    assert run(app)["sent"] == 0 and len(inbox.messages) == 1  # a second run sends nothing


def test_a_refused_mail_is_tried_again_later_and_shown_to_admins(app, demo, inbox):
    p = people(app)
    inbox.refuse.add("jim@supplier.example")
    with app.app_context():
        notify(p["jim"].id, "Carla Mendes mentioned you in a comment on “Tasks”.", "/x", demo.id)
        notify(p["sam"].id, "Carla Mendes mentioned you in a comment on “Tasks”.", "/x", demo.id)
    now = utcnow()
    done = run(app, now)
    assert (done["sent"], done["failed"]) == (1, 1)
    assert len(inbox.to("sam@supplier.example")) == 1
    with app.app_context():
        waiting = Mail.get(Mail.to_address == "jim@supplier.example")
        assert (waiting.delivery, waiting.attempts) == ("", 1) and "550" in waiting.last_error
        assert waiting.next_attempt_at > now
    admin = as_user(app, "admin@portal.example")
    page = admin.get("/admin/mail").get_data(as_text=True)
    assert "jim@supplier.example" in page and "1 of 6" in page and "550" in page
    assert as_user(app, "jim@supplier.example").get("/admin/mail").status_code == 403
    mine = as_user(app, "jim@supplier.example").get("/notifications/mail").get_data(as_text=True)
    assert "Waiting to be sent to jim@supplier.example" in mine
    # Too early: not tried again. After the back-off: sent, once.
    assert run(app, now + dt.timedelta(minutes=1))["failed"] == 0
    inbox.refuse.clear()
    assert run(app, now + dt.timedelta(minutes=6))["sent"] == 1
    assert len(inbox.to("jim@supplier.example")) == 1
    with app.app_context():
        assert Mail.get(Mail.to_address == "jim@supplier.example").delivery == "smtp"


def test_a_mail_refused_every_time_is_given_up_and_listed(app, demo, inbox):
    p = people(app)
    inbox.refuse.add("jim@supplier.example")
    with app.app_context():
        notify(p["jim"].id, "Something happened.", "/x", demo.id)
    now = utcnow()
    for attempt in range(MAX_ATTEMPTS):
        run(app, now + dt.timedelta(days=attempt))
    with app.app_context():
        mail = Mail.get(Mail.to_address == "jim@supplier.example")
        assert (mail.delivery, mail.attempts) == ("failed", MAX_ATTEMPTS)
    page = as_user(app, "admin@portal.example").get("/admin/mail").get_data(as_text=True)
    given_up = page[page.index('data-testid="mail-failed"'):]
    assert "jim@supplier.example" in given_up
    with app.app_context():  # the notification itself stays in the portal
        assert Notification.select().where(Notification.user == p["jim"].id).count() == 1


def test_a_mail_server_that_cannot_be_reached_loses_nothing(make_app):
    port = free_port()  # nothing listens here
    app = make_app(PORTAL_SMTP_HOST="127.0.0.1", PORTAL_SMTP_PORT=port,
                   PORTAL_SMTP_SECURITY="none", PORTAL_SMTP_TIMEOUT=2, PORTAL_BASE_URL=BASE)
    from portal.demo import load_demo

    with app.app_context():
        partnership, _ = load_demo(DEMO_PASSWORD)
        sam = User.get(User.email == "sam@supplier.example")
        notify(sam.id, "Something happened.", "/x", partnership.id)
    done = run(app)
    assert (done["sent"], done["failed"]) == (0, 1)
    with app.app_context():
        mail = Mail.get()
        assert mail.delivery == "" and "could not be reached" in mail.last_error
    # The server comes up: the next run after the back-off sends it.
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        assert run(app, utcnow() + dt.timedelta(minutes=6))["sent"] == 1
        assert len(handler.to("sam@supplier.example")) == 1
    finally:
        controller.stop()


def test_each_person_gets_mail_as_they_chose(app, demo, inbox):
    p = people(app)
    jim = as_user(app, "jim@supplier.example")
    response = post(jim, "/profile", {"name": "Jim Halpert", "timezone": "UTC",
                                      "mail_frequency": "daily"})
    assert response.status_code == 302
    sam = as_user(app, "sam@supplier.example")
    post(sam, "/profile", {"name": "Sam Okafor", "timezone": "UTC", "mail_frequency": "off"})
    refused = post(sam, "/profile", {"name": "Sam Okafor", "timezone": "UTC",
                                     "mail_frequency": "hourly"})
    assert refused.status_code == 422
    assert "Choose how often to get e-mail." in refused.get_data(as_text=True)
    with app.app_context():
        assert User.get_by_id(p["sam"].id).mail_frequency == "off"  # kept
        for text in ("First news.", "Second news."):
            notify(p["jim"].id, text, "/partnerships/1/agreement", demo.id)
            notify(p["sam"].id, text, "/partnerships/1/agreement", demo.id)
        notify(p["carla"].id, "Read already.", "/x", demo.id)
        Notification.update(read_at=utcnow()).where(
            Notification.user == p["carla"].id).execute()
    today = utcnow()
    run(app, today)
    (digest,) = inbox.to("jim@supplier.example")
    assert digest["Subject"] == "Partnership Portal: 2 new notifications"
    assert "First news." in digest.get_content() and "Second news." in digest.get_content()
    assert inbox.to("sam@supplier.example") == []  # off
    assert inbox.to("carla@client.example") == []  # read in the portal before any mail
    with app.app_context():
        notify(p["jim"].id, "Third news.", "/x", demo.id)
    run(app, today + dt.timedelta(minutes=5))
    assert len(inbox.to("jim@supplier.example")) == 1  # one digest a day
    run(app, today + dt.timedelta(days=1))
    assert len(inbox.to("jim@supplier.example")) == 2
    assert inbox.to("jim@supplier.example")[1]["Subject"] == "Partnership Portal: 1 new notification"


def test_due_reminders_stop_once_the_thing_is_done(app, demo, inbox):
    """A week-old version awaiting sign-off reminds the side that has not signed; an
    overdue action reminds its owners each week until it is done; a survey reminds whoever
    has not answered."""
    p = people(app)
    peggy = as_user(app, "peggy@client.example")
    base = f"/partnerships/{demo.id}/agreement"
    peggy.get(base)
    post(peggy, f"{base}/versions", page=base)
    from portal.agreements.models import AgreementVersion

    with app.app_context():
        version = AgreementVersion.get()
    post(peggy, f"{base}/versions/1/ratify", {"content_hash": version.content_hash},
         page=f"{base}/versions/1")
    now = utcnow()
    today = now.date()
    with app.app_context():
        action = ActionItem.create(partnership=demo.id, text="Agree the escalation path",
                                   client_owner=p["carla"].id, supplier_owner=p["jim"].id,
                                   due_on=today - dt.timedelta(days=3))
        survey = Run.create(partnership=demo.id, instrument_id="relational_survey",
                            instrument_version="1", snapshot="{}", title="Pulse check",
                            opens_on=today, closes_on=today + dt.timedelta(days=1),
                            audience="supplier")
        Participation.create(run=survey, user=p["jim"].id)

    def texts(who):
        with app.app_context():
            return [n.text for n in Notification.select().where(Notification.user == p[who].id)
                    .order_by(Notification.id)]

    run(app, now)
    assert not any("waited" in t for t in texts("sofia"))  # not a week yet
    assert texts("carla")[-2:] == ["An action is assigned to you: Agree the escalation path",
                                   f"An action assigned to you is overdue since "
                                   f"{action.due_on:%d %b %Y}: Agree the escalation path"]
    assert "“Pulse check” waits for your answer until" in " ".join(texts("sam"))
    assert "closes on" in " ".join(texts("sam"))  # it closes tomorrow
    assert not any("Pulse check" in t for t in texts("jim"))  # answered
    assert not any("Pulse check" in t for t in texts("peggy"))  # the client side is not asked

    week = now + dt.timedelta(days=7)
    run(app, week)
    assert "Version 1 of the agreement has waited 7 days for your sign-off." in texts("sofia")
    assert not any("waited" in t for t in texts("peggy"))  # her side signed
    assert sum("overdue" in t for t in texts("jim")) == 2  # a second week
    assert sum("Pulse check" in t for t in texts("sam")) == 2  # no more: it closed
    with app.app_context():
        ActionItem.update(status="done").where(ActionItem.id == action.id).execute()
    run(app, week + dt.timedelta(days=7))
    assert sum("overdue" in t for t in texts("jim")) == 2  # done: no more
    assert sum("waited" in t for t in texts("sofia")) == 2  # still unsigned: weekly


def test_without_a_mail_server_mail_is_shown_on_the_persons_page(make_app):
    app = make_app(PORTAL_BASE_URL=BASE)  # no PORTAL_SMTP_HOST, as in the demo
    from portal.demo import load_demo

    with app.app_context():
        partnership, _ = load_demo(DEMO_PASSWORD)
        sam = User.get(User.email == "sam@supplier.example")
        notify(sam.id, "Jim Halpert mentioned you in the cohort “Pilot”.",
               f"/partnerships/{partnership.id}/cohorts", partnership.id)
    assert run(app)["shown"] == 1
    page = as_user(app, "sam@supplier.example").get("/notifications/mail").get_data(as_text=True)
    assert "This portal has no mail server" in page
    assert "Jim Halpert mentioned you in the cohort “Pilot”." in page
    assert f"{BASE}/partnerships/{partnership.id}/cohorts" in page
    other = as_user(app, "jim@supplier.example").get("/notifications/mail").get_data(as_text=True)
    assert "mentioned you in the cohort" not in other  # each person sees their own


def _command(app, inbox):
    env = dict(os.environ, PORTAL_DATABASE_URL=app.config["PORTAL_DATABASE_URL"],
               PORTAL_INSTANCE_PATH=app.instance_path, PORTAL_LOAD_INSTALLED_PLUGINS="0",
               PORTAL_SMTP_HOST="127.0.0.1", PORTAL_SMTP_PORT=str(inbox.port),
               PORTAL_SMTP_SECURITY="none", PORTAL_BASE_URL=BASE,
               PORTAL_PLUGINS_DIR=app.config["PORTAL_PLUGINS_DIR"])
    return [sys.executable, "-c", "from portal.cli import main; main()", "reminders"], env


def test_two_runs_at_once_give_and_send_each_thing_exactly_once(app, demo, inbox):
    """`portal reminders` from two processes at once, twice: every reminder, notification
    mail and outbox row goes out once."""
    p = people(app)
    today = dt.date.today()
    with app.app_context():
        for n in range(12):  # overdue actions: 24 reminders, 2 per action and owner
            ActionItem.create(partnership=demo.id, text=f"Action {n}", client_owner=p["carla"].id,
                              supplier_owner=p["jim"].id, due_on=today - dt.timedelta(days=1))
        for n in range(20):
            notify(p["sam"].id, f"News {n}.", "/x", demo.id)
    command, env = _command(app, inbox)
    if app.config["PORTAL_DATABASE_URL"].startswith("sqlite"):
        from portal.db import database

        database.close()  # the processes write; this one only reads afterwards
    for _ in range(2):
        both = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 text=True) for _ in range(2)]
        for process in both:
            _, err = process.communicate(timeout=120)
            assert process.returncode == 0, err[-2000:]
    subjects = [(m["To"], m["Subject"]) for m in inbox.messages]
    assert len(subjects) == len(set(subjects)), "a mail went out twice"
    with app.app_context():
        mails = Mail.select().count()
        assert mails == len(inbox.messages) > 0
        assert Mail.select().where(Mail.delivery != "smtp").count() == 0
        # 12 actions x 2 owners x (assigned, this week's overdue) reminders, once each.
        assert ReminderClaim.select().where(ReminderClaim.key.startswith("action:")).count() == 48
        for who in ("carla", "jim"):
            assert Notification.select().where(Notification.user == p[who].id,
                                               Notification.text.contains("overdue")).count() == 12
    assert len(inbox.to("sam@supplier.example")) == 20  # each notification, once


def test_the_command_exits_1_when_a_mail_could_not_be_sent(make_app):
    """README: `portal reminders` exits 1 when a mail failed, so cron tells the operator."""
    from portal.demo import load_demo

    app = make_app(PORTAL_BASE_URL=BASE)
    with app.app_context():
        partnership, _ = load_demo(DEMO_PASSWORD)
        sam = User.get(User.email == "sam@supplier.example")
        notify(sam.id, "Something happened.", "/x", partnership.id)
    closed = Inbox()
    closed.port = free_port()  # nothing listens there
    command, env = _command(app, closed)
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr[-2000:]
    assert "failed: 1" in done.stdout

"""A sponsor hears of a version awaiting her sign-off, in the portal and by e-mail through
a real SMTP server, follows the mail's link and ratifies (issue 13)."""
import re

import pytest
from test_browser import shot
from test_reminders import inbox  # noqa: F401 - the SMTP server fixture

from portal import reminders
from portal.agreements.models import Section

pytestmark = pytest.mark.browser


@pytest.fixture
def app(make_app, inbox):
    return make_app(PORTAL_SMTP_HOST="127.0.0.1", PORTAL_SMTP_PORT=inbox.port,
                    PORTAL_SMTP_SECURITY="none")


def test_a_sponsor_is_told_by_mail_and_in_the_portal_and_ratifies(app, demo, live_server,
                                                                  people, inbox):
    base = live_server
    app.config["PORTAL_BASE_URL"] = base  # the links in the mails lead here
    sofia = people("sofia@supplier.example")
    sofia.goto(f"{base}/profile")
    sofia.get_by_label("E-mail me my notifications").select_option("immediately")
    sofia.get_by_role("button", name="Save profile").click()
    sofia.locator("#notices", has_text="Your profile is saved").wait_for()

    peggy = people("peggy@client.example")
    peggy.goto(f"{base}/partnerships/{demo.id}/agreement")
    with app.app_context():
        sid = Section.get(Section.title == "Vision").id
    peggy.goto(f"{base}/partnerships/{demo.id}/agreement/sections/{sid}/edit")
    peggy.locator("#body").fill("Managers who lead with confidence.\n")
    peggy.get_by_role("button", name="Save", exact=True).click()
    peggy.locator("#notices", has_text="is saved").wait_for()
    peggy.goto(f"{base}/partnerships/{demo.id}/agreement")
    peggy.get_by_role("button", name="Propose the current text as a version").click()
    peggy.locator("#notices", has_text="Version 1 is proposed").wait_for()

    # In the portal: the badge and the notification.
    sofia.goto(f"{base}/partnerships")
    assert sofia.get_by_test_id("notifications").locator(".badge").inner_text() == "1"
    # By e-mail, when the reminders command runs (cron, in production).
    with app.app_context():
        assert reminders.run()["sent"] == 1
    (mail,) = inbox.to("sofia@supplier.example")
    assert mail["Subject"] == "Version 1 of the agreement awaits your sign-off for Supplier Co."
    link = re.search(r"Open it: (\S+)", mail.get_content()).group(1)
    assert link == f"{base}/partnerships/{demo.id}/agreement/versions/1"
    sofia.goto(link)
    sofia.get_by_role("button", name="Ratify version 1 for Supplier Co").click()
    sofia.locator("#notices", has_text="the other sponsor's sign-off is still needed").wait_for()
    assert sofia.get_by_test_id("notifications").locator(".badge").count() == 0  # settled
    sofia.goto(f"{base}/notifications/mail")
    assert "Sent to sofia@supplier.example" in sofia.get_by_test_id("mail").inner_text()
    shot(sofia, "27-your-email")
    with app.app_context():
        assert reminders.run()["sent"] == 0  # nothing twice

"""The Calendar tab and the feed address, in Chromium (issue 13)."""
import datetime as dt

import pytest
from conftest import open_tab
from test_browser import shot

from portal.instruments.models import ActionItem
from portal.partnerships.models import Partnership

pytestmark = pytest.mark.browser


def test_a_member_reads_the_calendar_and_resets_the_feed_address(app, demo, live_server, people):
    base = live_server
    today = dt.date.today()
    with app.app_context():
        Partnership.update(contract_end=today + dt.timedelta(days=200), notice_days=30).where(
            Partnership.id == demo.id).execute()
        ActionItem.create(partnership=demo.id, text="Send the pilot schedule",
                          due_on=today - dt.timedelta(days=2))
    jim = people("jim@supplier.example")
    jim.goto(f"{base}/partnerships/{demo.id}/")
    open_tab(jim, "Calendar")
    jim.wait_for_url(f"**/partnerships/{demo.id}/calendar")
    assert "Action due: Send the pilot schedule" in jim.get_by_test_id("overdue").inner_text()
    assert jim.get_by_text("Last day to give notice (30 days before the end)").count() == 1
    shot(jim, "28-calendar")
    jim.get_by_test_id("overdue").get_by_role("link", name="Action due: Send the pilot schedule").click()
    jim.wait_for_url(f"**/partnerships/{demo.id}/actions")

    jim.goto(f"{base}/profile")
    before = jim.get_by_test_id("calendar-feed-url").input_value()
    assert before.startswith(f"{base}/calendar/") and before.endswith(".ics")
    assert jim.request.get(before).status == 200
    jim.once("dialog", lambda dialog: dialog.accept())
    jim.get_by_role("button", name="Reset the address").click()
    jim.locator("#notices", has_text="Your calendar feed has a new address").wait_for()
    after = jim.get_by_test_id("calendar-feed-url").input_value()
    assert after != before
    assert jim.request.get(before).status == 404
    ics = jim.request.get(after)
    assert ics.status == 200 and "BEGIN:VCALENDAR" in ics.text()

"""A sponsor review in Chromium (issue 13): scheduled, both sides add agenda points, the
meeting records a decision that becomes an action on the joint plan, and closes."""
import datetime as dt

import pytest
from conftest import open_tab
from test_browser import shot

pytestmark = pytest.mark.browser


def test_a_review_is_scheduled_prepared_by_both_sides_minuted_and_closed(demo, live_server, people):
    base = f"{live_server}/partnerships/{demo.id}"
    carla = people("carla@client.example")
    carla.goto(f"{base}/")
    open_tab(carla, "Governance")
    carla.wait_for_url(f"{base}/governance")
    form = carla.locator("#schedule")
    form.get_by_label("Title").fill("Spring sponsor review")
    form.get_by_label("Date").fill((dt.date.today() + dt.timedelta(days=7)).isoformat())
    form.get_by_label("Starts at").fill("10:00")
    form.get_by_label("Length (minutes)").fill("60")
    assert form.get_by_test_id("invite-client").get_by_label("Peggy Olson").is_checked()
    assert form.get_by_test_id("invite-supplier").get_by_label("Sofia Brandt").is_checked()
    form.get_by_role("button", name="Schedule the review").click()
    carla.locator("#notices", has_text="is scheduled as a draft").wait_for()
    assert carla.get_by_test_id("point").first.get_by_role("heading").inner_text().startswith(
        "Latest results and flagged items")
    carla.get_by_role("button", name="Open for agenda points").click()
    carla.locator("#notices", has_text="both sides can add points").wait_for()
    review_url = carla.url

    jim = people("jim@supplier.example")
    jim.goto(review_url)
    point = jim.locator("#add-point")
    point.get_by_label("Point").fill("Who attends the autumn sessions")
    point.get_by_label("Presented by").select_option(label="Jim Halpert")
    point.get_by_label("Minutes").fill("15")
    point.get_by_role("button", name="Add to the agenda").click()
    jim.locator("#notices", has_text="Your point is on the agenda").wait_for()
    peggy = people("peggy@client.example")
    peggy.goto(review_url)
    peggy.locator("#add-point").get_by_label("Point").fill("Budget for the second cohort")
    peggy.locator("#add-point").get_by_role("button", name="Add to the agenda").click()
    peggy.locator("#notices", has_text="Your point is on the agenda").wait_for()
    assert "75 of 60 minutes planned" in peggy.get_by_test_id("agenda-time").inner_text()

    carla.goto(review_url)
    carla.get_by_role("button", name="Start the review").click()
    carla.locator("#notices", has_text="The review is in progress").wait_for()
    item = carla.get_by_test_id("point").filter(has_text="Who attends the autumn sessions")
    item.get_by_text("Record an outcome of this point").click()
    item.get_by_label("Outcome", exact=True).select_option("action")
    item.get_by_label("What was said, decided or agreed").fill("Send the autumn attendance list")
    item.get_by_label("Owner on the client side").select_option(label="Carla Mendes")
    item.get_by_label("Owner on the supplier side").select_option(label="Jim Halpert")
    item.get_by_label("Due on").fill((dt.date.today() + dt.timedelta(days=21)).isoformat())
    item.get_by_role("button", name="Record the outcome").click()
    carla.locator("#notices", has_text="added to the joint action plan").wait_for()
    item = carla.get_by_test_id("point").filter(has_text="Who attends the autumn sessions")
    assert "Action: Send the autumn attendance list" in item.get_by_test_id("outcome").inner_text()
    item.get_by_role("button", name="Mark done").click()
    carla.locator("#review-minutes").get_by_label("Minutes").fill("Both sponsors agreed the **autumn** plan.")
    carla.locator("#review-minutes").get_by_role("button", name="Save the minutes").click()
    carla.locator("#notices", has_text="The minutes are saved").wait_for()
    attendance = carla.locator("#attendance")
    for name in ("Peggy Olson", "Sofia Brandt", "Jim Halpert"):
        attendance.get_by_label(name).check()
    attendance.get_by_role("button", name="Save attendance").click()
    carla.locator("#notices", has_text="Attendance is recorded").wait_for()
    shot(carla, "29-review-in-progress")
    carla.once("dialog", lambda dialog: dialog.accept())
    carla.get_by_role("button", name="Close the review").click()
    carla.locator("#notices", has_text="The review is closed").wait_for()
    assert carla.get_by_test_id("review-status").inner_text() == "Closed"
    assert carla.locator("#add-point").count() == 0  # read-only
    assert "autumn" in carla.get_by_test_id("minutes").inner_text()

    carla.goto(f"{base}/actions")
    assert "Send the autumn attendance list" in carla.locator("main").inner_text()

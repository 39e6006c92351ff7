"""A new member is briefed on the relational expectations, in Chromium (seed 003, PRM
aspect #4: new members must be briefed on what is expected of them)."""
import pytest
from conftest import DEMO_PASSWORD, open_tab
from playwright.sync_api import expect
from test_browser import shot

from portal.demo import load_demo_expectations

pytestmark = pytest.mark.browser


@pytest.fixture
def app(make_app):
    """Strict plugins: a raising card or tab fails the test instead of becoming an error card."""
    return make_app(PORTAL_PLUGINS_STRICT=True)




def test_expectations_are_acknowledged_by_a_new_member(app, demo, live_server, people):
    base = live_server
    with app.test_request_context():
        expectations = load_demo_expectations(demo)
    count = len(expectations)

    # Peggy, admin of the client organization, creates an account for Nina ...
    peggy = people("peggy@client.example")
    peggy.get_by_role("link", name="My organization").click()
    peggy.get_by_label("Name").fill("Nina New")
    peggy.get_by_label("Email").fill("nina@client.example")
    peggy.get_by_label("Initial password").fill(DEMO_PASSWORD)
    peggy.get_by_role("button", name="Create account").click()
    peggy.locator("#notices", has_text="Nina New can now log in").wait_for()
    # ... and adds her to the partnership on the members page.
    peggy.goto(f"{base}/partnerships/{demo.id}/members")
    peggy.get_by_label("Person").select_option(label="Nina New (Northwind Learning)")
    peggy.get_by_label("Role", exact=True).select_option("member")
    peggy.get_by_role("button", name="Add to partnership").click()
    peggy.locator("#members .notice", has_text="Nina New joined as Member.").wait_for()

    # An editor sees Nina among those who have not acknowledged the expectations yet.
    jim = people("jim@supplier.example")
    jim.goto(f"{base}/partnerships/{demo.id}/")
    assert "Nina New" in jim.get_by_test_id("not-acknowledged").inner_text()

    # Nina's first visit: the overview's first card lists what she has not acknowledged.
    nina = people("nina@client.example")
    nina.get_by_role("link", name="Leadership Academy 2027").click()
    banner = nina.locator(".dashboard-card").first
    assert banner.locator("h2").inner_text() == "Expectations for you to acknowledge"
    assert nina.get_by_test_id("my-unacknowledged").locator("li").count() == count
    assert f"not yet acknowledged any of the partnership's {count} relational" in banner.inner_text()
    shot(nina, "30-expectations-banner")

    open_tab(nina, "Expectations")
    assert nina.locator(".expectation--new").count() == count
    nina.evaluate("window.__marker = 'same page'")  # survives only an in-place swap
    nina.get_by_role("button", name=f"Acknowledge all {count}").click()
    done = f"You acknowledged {count} expectations."
    nina.locator("#expectations .notice", has_text=done).wait_for()
    assert nina.evaluate("window.__marker") == "same page"
    # htmx settles the swapped items' classes a moment after the swap; expect() waits.
    expect(nina.locator(".expectation--new")).to_have_count(0)
    expect(nina.locator(".expectation--acknowledged")).to_have_count(count)
    expect(nina.get_by_test_id("all-acknowledged")).to_be_visible()
    shot(nina, "31-expectations-acknowledged")

    open_tab(nina, "Overview")
    assert nina.get_by_text("Expectations for you to acknowledge").count() == 0

    jim.reload()
    assert "Nina New" not in jim.get_by_test_id("not-acknowledged").inner_text()
    jim.get_by_role("link", name="Who has acknowledged what").click()
    row = jim.locator("#acknowledgement-table tr", has_text="Nina New")
    assert f"{count} of {count}" in row.inner_text() and "All acknowledged" in row.inner_text()
    shot(jim, "32-expectations-by-member")


def test_a_member_acknowledges_one_changed_expectation_in_place(app, demo, live_server, people):
    """Jim acknowledged the demo's first expectation before Peggy reworded it."""
    with app.test_request_context():
        load_demo_expectations(demo)
    jim = people("jim@supplier.example")
    jim.goto(f"{live_server}/partnerships/{demo.id}/expectations")
    changed = jim.locator(".expectation--changed")
    assert changed.count() == 1
    assert "Changed since you acknowledged it" in changed.inner_text()
    assert "review overdue" in jim.locator(".expectation--overdue").inner_text()
    changed.get_by_role("button", name="Acknowledge").click()
    jim.locator("#expectations .notice", has_text="You acknowledged 1 expectation.").wait_for()
    expect(jim.locator(".expectation--changed")).to_have_count(0)
    expect(jim.get_by_test_id("all-acknowledged")).to_be_visible()

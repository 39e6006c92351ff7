"""A cohort across both organizations, in Chromium: a supplier member discusses an item
and shares what they will try; a client member reads both and replies in place
(seed 004: cohorts for collaboration and feedback; practice and reflection)."""
import datetime as dt

import pytest
from conftest import open_tab
from playwright.sync_api import expect
from test_browser import shot

from portal.accounts.models import User
from portal.content import cohorts
from portal.content.models import ContentItem

pytestmark = pytest.mark.browser


@pytest.fixture
def app(make_app):
    """Strict plugins: a raising tab fails the test instead of becoming an error card."""
    return make_app(PORTAL_PLUGINS_STRICT=True)




def test_a_supplier_member_discusses_and_reflects_and_the_client_sees_both(app, demo, live_server, people):
    today = dt.date.today()
    with app.test_request_context():
        item = ContentItem.create(slug="browser-cohort-item", source="file",
                                  title="Asking before proposing", summary="Questions first.",
                                  body="Ask first.", html="<p>Ask first.</p>")
        carla = User.get(User.email == "carla@client.example")
        members = [User.get(User.email == e).id for e in ("peggy@client.example", "sam@supplier.example")]
        cohorts.create_cohort(demo, carla, "Pilot circle", "First-line managers", today,
                              today + dt.timedelta(days=30), members,
                              [(item, today + dt.timedelta(days=7))])

    # Sam, a supplier member, finds the cohort through the partnership's tab.
    sam = people("sam@supplier.example")
    sam.get_by_role("link", name="Leadership Academy 2027").click()
    open_tab(sam, "Cohorts")
    sam.get_by_role("link", name="Pilot circle").click()
    expect(sam.get_by_test_id("progress-row")).to_have_count(2)
    sam.get_by_role("link", name="Asking before proposing", exact=True).click()
    sam.get_by_label("New post").fill("I will ask **what success looks like** before any proposal.")
    sam.get_by_role("button", name="Post", exact=True).click()
    expect(sam.locator("#notices")).to_contain_text("Your post is published.")
    expect(sam.get_by_test_id("post")).to_contain_text("what success looks like")
    shot(sam, "cohort-thread-sam")

    # He records what he will try and shares it with the cohort.
    sam.get_by_role("link", name="Record what you will try").click()
    expect(sam.get_by_label("The item you read")).to_have_value(str(item.id))
    sam.get_by_label("What I will try").fill("In Thursday's call, ask the client for the measure of success.")
    sam.get_by_label("Who can read it").select_option(label="Me and the members of the cohort “Pilot circle”")
    sam.get_by_role("button", name="Save my plan").click()
    expect(sam.locator("#notices")).to_contain_text("The members of “Pilot circle” can read it.")
    shot(sam, "reflection-saved-sam")

    # Peggy, on the client side, sees his post and his reflection beside the discussion.
    peggy = people("peggy@client.example")
    peggy.goto(f"{live_server}/partnerships/{demo.id}/cohorts")
    peggy.get_by_role("link", name="Pilot circle").click()
    peggy.get_by_role("link", name="Discussion of Asking before proposing").click()
    expect(peggy.get_by_test_id("post")).to_contain_text("what success looks like")
    expect(peggy.get_by_test_id("shared-reflection")).to_contain_text("ask the client for the measure of success")
    expect(peggy.get_by_test_id("shared-reflection")).to_contain_text("Sam Okafor")

    # She replies in place (htmx): the thread updates without leaving the page.
    url = peggy.url
    peggy.get_by_label("Reply to Sam Okafor").fill("Tell us on Friday how it went.")
    peggy.get_by_role("button", name="Post the reply").click()
    expect(peggy.locator(".post--reply")).to_contain_text("Tell us on Friday how it went.")
    expect(peggy.locator(".post-thread")).to_contain_text("Your reply is posted.")
    assert peggy.url == url
    shot(peggy, "cohort-thread-peggy")

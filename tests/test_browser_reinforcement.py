"""A supplier member reads an item, it comes back for review after the interval, and the
review shows on the enablement dashboard — in Chromium, with time moved by the test.

The live server runs in this process, so replacing `reviews.today` moves its
clock too.
"""
import datetime as dt

import pytest
from conftest import DEMO_PASSWORD
from test_browser import shot

from portal.content import library, reviews
from portal.db import database

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.problems = []
    page.on("console", lambda m: page.problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.problems.append(str(e)))
    yield page
    assert page.problems == []
    context.close()


def test_read_then_review_after_the_interval(app, demo, live_server, page, monkeypatch):
    with app.app_context():
        fields = library.fields_from({
            "title": "Keeping promises visible", "summary": "Small, public promises build trust.",
            "recall": {"question": "What makes a promise build trust?",
                       "answer": "Keeping it where the other side can see it."}})
        with database.atomic():
            item = library.store("keeping-promises-visible", fields,
                                 "Make promises small and keep them in public.\n", "portal")
    base = f"{live_server}/partnerships/{demo.id}"

    page.goto(f"{live_server}/login")
    page.get_by_label("Email").fill("sam@supplier.example")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server}/partnerships")

    page.goto(f"{base}/library/{item.slug}")
    page.get_by_role("button", name="I have read it").click()
    page.get_by_test_id("completed").wait_for()
    page.goto(f"{live_server}/partnerships")
    assert page.get_by_test_id("due-reviews").count() == 0  # not before the interval

    real_today = reviews.today()
    monkeypatch.setattr(reviews, "today", lambda: real_today + dt.timedelta(days=1))
    page.goto(f"{live_server}/partnerships")
    due = page.get_by_test_id("due-reviews")
    due.get_by_text("Keeping promises visible").wait_for()
    shot(page, "reinforcement-1-due-on-home")
    due.get_by_role("link", name="Keeping promises visible").click()

    assert page.get_by_test_id("recall-question").inner_text() == "What makes a promise build trust?"
    answer = page.get_by_test_id("recall-answer")
    assert not answer.is_visible()
    page.get_by_text("Show answer").click()
    answer.wait_for(state="visible")
    shot(page, "reinforcement-2-answer-shown")
    page.get_by_role("button", name="I remembered").click()
    page.locator("#notices", has_text="comes back in 3 days").wait_for()

    page.goto(f"{live_server}/partnerships")
    page.get_by_role("heading", name="Your partnerships").wait_for()
    assert page.get_by_test_id("due-reviews").count() == 0

    page.goto(f"{base}/enablement")
    assert page.get_by_test_id("kpi-reviews").locator(".kpi__value").inner_text() == "1"
    assert page.get_by_test_id("kpi-completions").locator(".kpi__value").inner_text() == "1"
    assert page.locator("svg.chart").count() == 2
    shot(page, "reinforcement-3-dashboard")

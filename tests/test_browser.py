"""Real-browser flows in headless Chromium (Debian's package, driven by Playwright).

Screenshots of every step land in tests/screenshots/ for a person to look at.
"""
from pathlib import Path

import pytest
from conftest import DEMO_PASSWORD, open_tab
from playwright.sync_api import expect

from portal.accounts.models import User
from portal.partnerships.models import PartnershipMember

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parent / "screenshots"


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1200, "height": 850})
    page = context.new_page()
    page.problems = []
    page.on("console", lambda m: page.problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.problems.append(str(e)))
    yield page
    context.close()


def shot(page, name):
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def log_in(page, base, email):
    page.goto(f"{base}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/partnerships")


def test_peggy_opens_the_partnership_sees_jim_switches_theme_and_logs_out(live_server, page):
    base = live_server
    page.goto(f"{base}/login")
    shot(page, "01-login")
    log_in(page, base, "peggy@client.example")
    shot(page, "02-partnerships")
    page.get_by_role("link", name="Leadership Academy 2027").click()
    assert page.get_by_test_id("stage").inner_text() == "Co-creation & delivery"
    open_tab(page, "Members")
    row = page.locator("tr", has_text="Jim Halpert")
    assert "Supplier Co" in row.inner_text() and "Editor" in row.inner_text()
    shot(page, "03-members")

    page.get_by_role("link", name="My organization").click()
    page.get_by_label("High contrast").check()
    page.get_by_role("button", name="Use this theme").click()
    expect(page.locator("#notices")).to_contain_text("now uses the High contrast theme")
    expect(page.locator('[data-theme="high-contrast"]')).to_be_visible()
    # Retried until the new stylesheet applies: read at once, it raced the stylesheet.
    expect(page.locator("body")).to_have_css("background-color", "rgb(255, 255, 255)")
    shot(page, "04-high-contrast")

    page.locator(".user-menu__account summary").click()  # the account menu
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(f"{base}/login")
    assert "You are logged out." in page.locator("#notices").inner_text()
    page.goto(f"{base}/partnerships")
    assert page.url.startswith(f"{base}/login")
    assert page.problems == []


def test_org_admin_adds_and_removes_a_member_in_place_with_htmx(app, demo, live_server, page):
    base = live_server
    with app.app_context():
        nina = User(email="nina@client.example", name="Nina New", organization=demo.client)
        nina.set_password(DEMO_PASSWORD)
        nina.save()
    log_in(page, base, "peggy@client.example")
    page.goto(f"{base}/partnerships/{demo.id}/members")
    page.evaluate("window.__marker = 'same page'")  # survives only an in-place swap
    page.get_by_label("Person").select_option(label="Nina New (Northwind Learning)")
    page.get_by_label("Role", exact=True).select_option("editor")
    page.get_by_role("button", name="Add to partnership").click()
    page.locator("#members .notice", has_text="Nina New joined as Editor.").wait_for()
    assert page.evaluate("window.__marker") == "same page"
    shot(page, "05-member-added")
    with app.app_context():
        assert PartnershipMember.get(PartnershipMember.user == nina.id).role == "editor"

    page.on("dialog", lambda dialog: dialog.accept())
    page.locator("tr", has_text="Nina New").get_by_role("button", name="Remove").click()
    page.locator("#members .notice", has_text="no longer belongs").wait_for()
    assert page.evaluate("window.__marker") == "same page"
    with app.app_context():
        assert not PartnershipMember.select().where(PartnershipMember.user == nina.id).exists()
    assert page.problems == []


def test_viewer_sees_a_notice_when_an_htmx_action_is_refused(app, demo, live_server, page):
    """An error answer is not swapped by htmx; portal.js must still tell the user."""
    base = live_server
    log_in(page, base, "victor@client.example")
    page.goto(f"{base}/partnerships/{demo.id}/members")
    page.evaluate("""() => htmx.ajax('POST', location.pathname, {target: '#members',
                                                                 values: {user: 1}})""")
    page.locator("#notices .notice--error").wait_for()
    assert "does not allow this action" in page.locator("#notices").inner_text()


def test_wrong_password_shows_the_message_next_to_the_field(live_server, page):
    base = live_server
    page.goto(f"{base}/login")
    page.get_by_label("Email").fill("peggy@client.example")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Log in").click()
    error = page.locator(".field--invalid .field__error")
    assert error.inner_text() == "That email and password do not match an account."
    assert page.get_by_label("Password").get_attribute("aria-invalid") == "true"
    shot(page, "06-login-error")


def test_a_second_page_asks_for_no_stylesheet_script_or_icon_again(app, live_server, page,
                                                                   monkeypatch):
    """Files at URLs that name their content are kept a year without asking again
    (portal/assets.py): a browser that asked again on every page paid a request per file
    per page, and laid pages out before their stylesheets were back."""
    log_in(page, live_server, "peggy@client.example")
    asked = []
    served = app.wsgi_app

    def counting(environ, start_response):
        asked.append(environ["PATH_INFO"])
        return served(environ, start_response)

    monkeypatch.setattr(app, "wsgi_app", counting)
    page.goto(f"{live_server}/partnerships")
    page.get_by_role("link", name="Notifications").first.click()
    page.wait_for_load_state("load")
    # Chromium fetches a page's icon through a service of its own, beside the page's cache.
    assert [path for path in asked if path != "/static/favicon.svg"] == [
        "/partnerships", "/notifications"]
    assert page.locator('link[rel="stylesheet"]').count() >= 2  # the page does name them

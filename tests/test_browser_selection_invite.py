"""A supplier not yet in the portal, in the browser: Peggy adds it by name and contact,
scores it, chooses it; the contact opens the invitation link in a browser of their own,
chooses a password and lands in the pilot partnership."""
from pathlib import Path

import pytest
from playwright.sync_api import expect

from conftest import CHROMIUM  # noqa: F401 - the browser fixture needs Debian's chromium

SHOTS = Path(__file__).resolve().parent / "screenshots"


@pytest.fixture
def app(make_app):
    return make_app(PORTAL_PLUGINS_STRICT=True)


def test_an_outside_supplier_is_chosen_and_its_contact_comes_in(app, browser, people,
                                                                live_server):
    app.config["PORTAL_BASE_URL"] = live_server  # the invitation link leads here
    peggy = people("peggy@client.example")
    peggy.get_by_role("link", name="Supplier selection").click()
    peggy.get_by_label("Name").fill("Coaching partner 2027")
    peggy.get_by_role("button", name="Start selection").click()
    expect(peggy.get_by_role("heading", name="Coaching partner 2027")).to_be_visible()
    selection_url = peggy.url
    peggy.get_by_label("Supplier organization").select_option(label="Supplier Co")
    peggy.get_by_role("button", name="Add candidate").click()

    form = peggy.get_by_test_id("outside-form")
    form.get_by_label("Supplier's name").fill("Brightpath Learning")
    form.get_by_label("Contact person").fill("Dana Reyes")
    form.get_by_label("Contact's e-mail").fill("jim@supplier.example")  # has an account
    form.get_by_role("button", name="Add this supplier").click()
    form = peggy.get_by_test_id("outside-form")
    expect(form).to_contain_text("No invitation can be sent to this address")
    expect(form.get_by_label("Supplier's name")).to_have_value("Brightpath Learning")
    peggy.screenshot(path=str(SHOTS / "selection-invite-1-address-refused.png"), full_page=True)
    form.get_by_label("Contact's e-mail").fill("dana@brightpath.example")
    form.get_by_role("button", name="Add this supplier").click()
    expect(peggy.get_by_test_id("candidates")).to_contain_text("Brightpath Learning")
    expect(peggy.get_by_test_id("candidates")).to_contain_text("not yet in the portal")
    peggy.screenshot(path=str(SHOTS / "selection-invite-2-candidates.png"), full_page=True)

    peggy.get_by_role("button", name="Join as evaluator").click()
    expect(peggy.get_by_role("heading", name="Your scores")).to_be_visible()
    for field in peggy.locator("input[name^='score-']").all():
        label = field.get_attribute("aria-label") or ""
        field.fill("5" if label.startswith("Brightpath Learning") else "3")
    peggy.get_by_role("button", name="Submit scores").click()
    rows = peggy.get_by_test_id("ranking").locator("tbody tr")
    expect(rows.nth(0)).to_contain_text("Brightpath Learning")
    expect(rows.nth(0)).to_contain_text("5.00")
    expect(rows.nth(1)).to_contain_text("Supplier Co")

    peggy.get_by_label("Supplier for the pilot").select_option(label="Brightpath Learning")
    peggy.get_by_role("button", name="Choose for a pilot").click()
    expect(peggy.get_by_test_id("decision")).to_contain_text("Brightpath Learning")
    expect(peggy.get_by_test_id("invitation-status")).to_contain_text("waiting")
    link = peggy.get_by_test_id("invitation-link").input_value()
    assert link.startswith(f"{live_server}/invitations/")
    peggy.screenshot(path=str(SHOTS / "selection-invite-3-chosen-with-link.png"), full_page=True)

    context = browser.new_context(viewport={"width": 1200, "height": 900})  # Dana's own
    try:
        dana = context.new_page()
        problems = []
        dana.on("pageerror", lambda e: problems.append(str(e)))
        dana.goto(link)
        expect(dana.get_by_test_id("invitation")).to_contain_text("dana@brightpath.example")
        expect(dana.get_by_test_id("invitation")).to_contain_text("Brightpath Learning pilot")
        dana.get_by_label("Choose a password").fill("lantern orchard pebble")
        dana.get_by_label("Type the password again").fill("lantern orchard pebbel")
        dana.get_by_role("button", name="Create my account").click()
        expect(dana.get_by_text("The two passwords differ")).to_be_visible()
        dana.screenshot(path=str(SHOTS / "selection-invite-4-passwords-differ.png"), full_page=True)
        dana.get_by_label("Choose a password").fill("lantern orchard pebble")
        dana.get_by_label("Type the password again").fill("lantern orchard pebble")
        dana.get_by_role("button", name="Create my account").click()
        expect(dana.get_by_role("heading", name="Brightpath Learning pilot")).to_be_visible()
        expect(dana.get_by_text("Welcome, Dana Reyes")).to_be_visible()
        dana.screenshot(path=str(SHOTS / "selection-invite-5-landed.png"), full_page=True)
        dana.goto(link)  # once only
        expect(dana.get_by_test_id("invitation-message")).to_contain_text("already been used")
        assert problems == []
    finally:
        context.close()
    fresh = browser.new_context()
    try:
        page = fresh.new_page()
        page.goto(link)
        expect(page.get_by_test_id("invitation-message")).to_contain_text("already been used")
        page.screenshot(path=str(SHOTS / "selection-invite-6-used.png"), full_page=True)
    finally:
        fresh.close()
    peggy.goto(selection_url)
    expect(peggy.get_by_test_id("invitation-status")).to_contain_text("accepted")

"""The portfolio and the annual re-evaluation in Chromium: a client's admin opens the
portfolio from the header, sorts it, and re-evaluates every partnership to the end."""
import datetime as dt
import re

import pytest
from test_browser import shot

from portal.accounts.models import Organization, User
from portal.partnerships.models import Partnership, PartnershipMember

pytestmark = pytest.mark.browser


@pytest.fixture
def suppliers(app, demo):
    """Two more suppliers of Northwind: a pilot Peggy sponsors and a partnership whose
    contract has ended, which she manages as admin without being a member."""
    with app.app_context():
        peggy = User.get(User.email == "peggy@client.example")
        for name, supplier, stage, days, member in (
                ("Sales Onboarding Pilot", "Brightpath Learning", "onboarding", 75, True),
                ("Coaching Circle", "Kite Coaching", "governance", -3, False)):
            org = Organization.create(name=supplier, kind="supplier")
            made = Partnership.create(name=name, client=demo.client_id, supplier=org, stage=stage,
                                      contract_end=dt.date.today() + dt.timedelta(days=days))
            if member:
                PartnershipMember.create(partnership=made, user=peggy, role="sponsor")


def names_in_order(page):
    return [name.strip() for name in page.get_by_test_id("portfolio")
            .locator("tbody th[scope=row]").all_inner_texts()]


def test_the_portfolio_is_sorted_and_re_evaluated_to_the_end(live_server, suppliers, people):
    peggy = people("peggy@client.example")
    peggy.get_by_role("navigation", name="Main").get_by_role("link", name="Portfolio").click()
    peggy.wait_for_url(f"{live_server}/portfolio")
    assert [n.split("\n")[0] for n in names_in_order(peggy)] == [
        "Coaching Circle", "Leadership Academy 2027", "Sales Onboarding Pilot"]
    coaching = peggy.get_by_test_id("portfolio").locator("tr", has_text="Coaching Circle")
    assert "Contract ended on" in coaching.inner_text()
    assert "Contract review due" in peggy.get_by_test_id("portfolio").locator(
        "tr", has_text="Sales Onboarding Pilot").inner_text()
    shot(peggy, "portfolio-1-by-name")

    heading = peggy.get_by_role("columnheader", name="Contract end")
    heading.get_by_role("link").click()
    peggy.wait_for_url(re.compile(r"/portfolio\?sort=contract&dir=asc$"))
    assert peggy.get_by_role("columnheader", name="Contract end").get_attribute("aria-sort") == "ascending"
    assert [n.split("\n")[0] for n in names_in_order(peggy)] == [
        "Coaching Circle", "Sales Onboarding Pilot", "Leadership Academy 2027"]
    peggy.get_by_role("columnheader", name="Contract end").get_by_role("link").click()
    peggy.wait_for_url(re.compile(r"sort=contract&dir=desc$"))
    assert [n.split("\n")[0] for n in names_in_order(peggy)] == [
        "Leadership Academy 2027", "Sales Onboarding Pilot", "Coaching Circle"]
    shot(peggy, "portfolio-2-by-contract-end")
    peggy.go_back()
    peggy.wait_for_url(re.compile(r"dir=asc$"))

    year = dt.date.today().year
    peggy.get_by_role("button", name=f"Start the {year} re-evaluation").click()
    peggy.wait_for_url(f"{live_server}/portfolio/re-evaluation/{year}")
    assert "0 of 3 decided" in peggy.get_by_test_id("progress").inner_text()
    peggy.get_by_role("link", name="Decide on Coaching Circle").click()

    # A decision without a reason is explained next to the field; the choice is kept.
    peggy.get_by_role("radio", name=re.compile("^Exit")).check()
    peggy.get_by_role("button", name="Save the decision").click()
    peggy.locator(".field__error", has_text="Say why").wait_for()
    assert peggy.get_by_role("radio", name=re.compile("^Exit")).is_checked()
    shot(peggy, "portfolio-3-decision-needs-a-reason")
    peggy.get_by_label("Why").fill("The contract has ended and coaching moves in-house.")
    peggy.get_by_role("button", name="Save the decision").click()
    peggy.locator("#notices", has_text="1 of 3 decided").wait_for()

    for choice, reason in (("Grow", "Extend the academy to second-line managers."),
                           ("Re-tender", "Compare offers before the pilot's contract ends.")):
        assert peggy.get_by_test_id("facts").is_visible()
        peggy.get_by_role("radio", name=re.compile(f"^{choice}")).check()
        peggy.get_by_label("Why").fill(reason)
        peggy.get_by_role("button", name="Save the decision").click()
        peggy.locator("#notices", has_text="decided.").wait_for()
    peggy.wait_for_url(f"{live_server}/portfolio/re-evaluation/{year}")
    assert "3 of 3 decided" in peggy.get_by_test_id("progress").inner_text()
    pilot = peggy.get_by_test_id("decisions").locator("tr", has_text="Sales Onboarding Pilot")
    assert "Re-tender" in pilot.inner_text()
    pilot.get_by_role("link", name="Sales Onboarding Pilot").click()
    assert peggy.get_by_role("link", name="start a supplier selection").get_attribute("href") == "/selections"
    peggy.get_by_role("link", name="All partnerships").click()

    peggy.get_by_role("button", name=f"Finish the {year} re-evaluation").click()
    peggy.locator("#notices", has_text="is finished").wait_for()
    assert "Finished" in peggy.get_by_test_id("progress").inner_text()
    assert peggy.get_by_role("button", name=re.compile("Finish")).count() == 0
    shot(peggy, "portfolio-4-re-evaluation-finished")
    peggy.get_by_role("link", name="Portfolio").first.click()
    assert f"The {year} re-evaluation is finished: 3 decisions" in peggy.get_by_test_id(
        "re-evaluation").inner_text()

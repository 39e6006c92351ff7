"""The Health tab in Chromium (issue 13): a client sponsor and a supplier editor each add
a benefit and record a value, people of both sides rate, the page shows both parties'
columns and the perception gap, and a sponsor sets the score by hand with a reason."""
import pytest
from conftest import open_tab

pytestmark = pytest.mark.browser
SHOTS = "/tmp/shots"


def wide(page):
    page.set_viewport_size({"width": 1280, "height": 900})
    return page


def add_benefit(page, name, kind, unit, target, direction):
    page.get_by_text("Add a benefit your side expects").click()
    form = page.locator("#add-benefit")
    form.get_by_label("Benefit").fill(name)
    form.get_by_label("Kind").select_option(label=kind)
    form.get_by_label("Unit").fill(unit)
    form.get_by_label("Target").fill(target)
    form.get_by_label("Better when").select_option(label=direction)
    form.get_by_role("button", name="Add the benefit").click()
    page.locator("#notices", has_text=f"“{name}” is one of your side's benefits").wait_for()


def record_value(page, name, value):
    card = page.get_by_test_id("benefit").filter(has_text=name)
    if not card.locator("details").evaluate("details => details.open"):  # open after an error
        card.get_by_text("Record a value").click()
    card.get_by_label("Value").fill(value)
    card.get_by_role("button", name="Record").click()


def rate(page, base, whole, other, comment=""):
    page.goto(f"{base}/health")
    form = page.locator("#ratings")
    form.get_by_label("The partnership as a whole").select_option(whole)
    form.get_by_label("The other party as a partner").select_option(other)
    form.get_by_label("Comment (optional)").fill(comment)
    form.get_by_role("button", name="Save my rating").click()
    page.locator("#notices", has_text="your ratings count").wait_for()


def test_both_parties_keep_benefits_rate_each_other_and_a_sponsor_overrides(demo, live_server, people):
    base = f"{live_server}/partnerships/{demo.id}"
    peggy = wide(people("peggy@client.example"))
    peggy.goto(f"{base}/")
    assert "No data" in peggy.get_by_test_id("health-card-score").inner_text()
    open_tab(peggy, "Health")
    peggy.wait_for_url(f"{base}/health")
    assert "No data" in peggy.get_by_test_id("health-score").inner_text()
    add_benefit(peggy, "Time to competence", "Economic", "days", "90", "Lower is better")
    record_value(peggy, "Time to competence", "1e999")
    card = peggy.get_by_test_id("benefit").filter(has_text="Time to competence")
    assert "Enter a number such as 12" in card.locator(".field__error").inner_text()
    record_value(peggy, "Time to competence", "100")
    peggy.locator("#notices", has_text="Recorded 100 days").wait_for()

    jim = wide(people("jim@supplier.example"))
    jim.goto(f"{base}/health")
    add_benefit(jim, "Feedback shared in a week", "Relational", "%", "80", "Higher is better")
    record_value(jim, "Feedback shared in a week", "60")
    jim.locator("#notices", has_text="Recorded 60 %").wait_for()

    rate(peggy, base, "4", "4", "The pilot is going well.")
    rate(people("carla@client.example"), base, "5", "4")
    rate(jim, base, "3", "2", "We hear about changes late.")
    rate(people("sofia@supplier.example"), base, "2", "3")

    jim.goto(f"{base}/health")
    client_column = jim.get_by_test_id("benefits-client").inner_text()
    supplier_column = jim.get_by_test_id("benefits-supplier").inner_text()
    assert "Time to competence" in client_column and "90 % of the way to the target" in client_column
    assert "Feedback shared in a week" in supplier_column and "75 % of the way" in supplier_column
    assert "Change or remove" not in client_column  # the client's own, read-only for Jim
    perceptions = jim.get_by_test_id("perceptions")
    assert "4.5 of 5 (2 raters)" in perceptions.locator('tr[data-subject="partnership"]').inner_text()
    assert "2.5 of 5 (2 raters)" in perceptions.locator('tr[data-subject="partnership"]').inner_text()
    assert jim.get_by_test_id("gap-partnership").inner_text() == "Perception gap: 2.0 points"
    assert jim.get_by_test_id("gap-partner").inner_text() == "Perception gap: 1.5 points"
    jim.locator("#benefits").scroll_into_view_if_needed()
    jim.screenshot(path=f"{SHOTS}/scorecard-both-sides.png", full_page=True)

    peggy.goto(f"{base}/health")
    peggy.get_by_text("Set the score by hand").click()
    peggy.get_by_label("Score to show (0 to 100)").fill("45")
    peggy.get_by_role("button", name="Set the score").click()
    assert "Say why" in peggy.locator("#health-now .field__error").inner_text()
    assert peggy.get_by_label("Score to show (0 to 100)").input_value() == "45"
    peggy.get_by_label("Reason").fill("The supplier's lead trainer left last week.")
    peggy.get_by_role("button", name="Set the score").click()
    peggy.locator("#notices", has_text="shows 45, set by you").wait_for()
    override = peggy.get_by_test_id("health-override").inner_text()
    assert "Peggy Olson set this month's score to 45" in override
    assert "The supplier's lead trainer left last week." in override
    assert "Computed from the measures:" in override
    peggy.screenshot(path=f"{SHOTS}/scorecard-override.png", full_page=False)
    peggy.get_by_role("button", name="Clear override").click()
    peggy.locator("#notices", has_text="The override is cleared").wait_for()
    assert peggy.get_by_test_id("health-override").count() == 0
    peggy.goto(f"{base}/")
    peggy.screenshot(path=f"{SHOTS}/scorecard-overview-card.png", full_page=False)
    assert "of 100" in peggy.get_by_test_id("health-card-score").inner_text()

"""An editor tracks a training program at the four Kirkpatrick levels and sees its ROI,
in Chromium (seed 002 pillar 5; seed 004, demonstrating ROI)."""

import pytest
from conftest import open_tab
from playwright.sync_api import expect

pytestmark = pytest.mark.browser



@pytest.fixture
def app(make_app):
    """Strict, so a raising card or tab of the built-in plugin fails the test."""
    return make_app(PORTAL_PLUGINS_STRICT=True)


def test_program_measured_at_four_levels_by_hand_and_csv_shows_roi(demo, live_server, people,
                                                                   tmp_path):
    jim = people("jim@supplier.example")
    jim.goto(f"{live_server}/partnerships/{demo.id}/")
    open_tab(jim, "Programs")

    # A negative cost is refused with a message; what was typed stays.
    jim.get_by_label("Program name").fill("Negotiation academy")
    jim.get_by_label("Audience").fill("Account managers")
    jim.get_by_label("Starts on").fill("2026-01-05")
    jim.get_by_label("Ends on").fill("2026-01-30")
    jim.get_by_label("Cost").fill("-100")
    jim.get_by_role("button", name="Create program").click()
    expect(jim.get_by_text("The cost cannot be negative.")).to_be_visible()
    expect(jim.get_by_label("Program name")).to_have_value("Negotiation academy")
    jim.get_by_label("Cost").fill("10000")
    jim.get_by_role("button", name="Create program").click()
    expect(jim.get_by_role("heading", name="Negotiation academy")).to_be_visible()

    # Four metrics, one per level.
    form = jim.locator("#add-metric")
    for level, name, unit, baseline, target in (
            ("1", "Satisfaction", "score of 5", "0", "5"), ("2", "Quiz score", "%", "40", "80"),
            ("3", "Deals using the method", "%", "10", "60"), ("4", "Win rate", "%", "20", "30")):
        form.get_by_label("Level").select_option(level)
        form.get_by_label("Metric name").fill(name)
        form.get_by_label("Unit").fill(unit)
        form.get_by_label("Baseline").fill(baseline)
        form.get_by_label("Target").fill(target)
        form.get_by_role("button", name="Add metric").click()
        expect(jim.locator(f"[data-testid=level-{level}]")).to_contain_text(name)

    # A measurement by hand.
    manual = jim.locator("#add-measurement")
    manual.get_by_label("Metric").select_option(label="Learning: Quiz score (%)")
    manual.get_by_label("Measured on").fill("2026-01-30")
    manual.get_by_label("Value").fill("60")
    manual.get_by_label("Source").fill("LMS")
    manual.get_by_role("button", name="Save measurement").click()
    expect(jim.locator("[data-testid=level-2]")).to_contain_text("50 % of the way to target")

    # A CSV with a bad row imports nothing and says which line is wrong ...
    bad = tmp_path / "bad.csv"
    bad.write_text("metric,date,value,source,note\n"
                   "Satisfaction,2026-01-30,4.2,Reaction form,\n"
                   "Win rate,2026-04-30,lots,CRM,\n")
    jim.get_by_label("CSV file").set_input_files(str(bad))
    jim.get_by_role("button", name="Import").click()
    errors = jim.locator("[data-testid=kirkpatrick-csv-errors]")
    expect(errors).to_contain_text("Nothing was imported")
    expect(errors).to_contain_text("“lots” is not a number.")
    expect(jim.locator("[data-testid=level-1]")).to_contain_text("No measurements yet")

    # ... and a good one imports every row.
    good = tmp_path / "good.csv"
    good.write_text("metric,date,value,source,note\n"
                    "Satisfaction,2026-01-30,4.2,Reaction form,\n"
                    "Deals using the method,2026-03-01,35,CRM,first follow-up\n"
                    "Win rate,2026-04-30,25,CRM,Q1\n")
    jim.get_by_label("CSV file").set_input_files(str(good))
    jim.get_by_role("button", name="Import").click()
    expect(jim.locator("#notices")).to_contain_text("Imported 3 measurements.")
    for level in ("1", "2", "3", "4"):
        expect(jim.locator(f"[data-testid=level-{level}] svg")).to_have_count(1)
    expect(jim.locator("[data-testid=level-4]")).to_contain_text("50 % of the way to target")

    # A benefit, isolated by a control group, and the ROI with its formula.
    benefit = jim.locator("#add-benefit")
    benefit.get_by_label("Benefit").fill("Higher win rate on renewals")
    benefit.get_by_label("Monetary value").fill("25000")
    benefit.get_by_label("How the effect was isolated").fill("Control group of untrained managers")
    benefit.get_by_role("button", name="Add benefit").click()
    roi = jim.locator("[data-testid=kirkpatrick-roi]")
    expect(roi.locator("[data-testid=kirkpatrick-roi-result]")).to_have_text(
        "Benefit-cost ratio 2.50 · ROI 150 %")
    expect(roi).to_contain_text("ROI % = (program benefits − program costs) ÷ program costs × 100")
    expect(roi).to_contain_text("Control group of untrained managers")

    # The overview card lists the program with its ROI.
    jim.goto(f"{live_server}/partnerships/{demo.id}/")
    expect(jim.locator("[data-testid=kirkpatrick-card]")).to_contain_text("Negotiation academy")
    expect(jim.locator("[data-testid=kirkpatrick-card]")).to_contain_text("ROI 150 %")

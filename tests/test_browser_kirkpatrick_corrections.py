"""Issue 11 in Chromium: a program whose metric holds an infinite baseline (saved before
the forms refused it) still shows; an editor corrects the metric and deletes a wrong
measurement through the page. Screenshots land in tests/screenshots/."""
import datetime
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parent / "screenshots"


@pytest.fixture
def app(make_app):
    """Strict, so a raising card or tab of the built-in plugin fails the test."""
    return make_app(PORTAL_PLUGINS_STRICT=True)


def test_editor_corrects_a_metric_and_deletes_a_measurement(app, demo, live_server, people):
    models = app.extensions["portal_plugins"].plugins["kirkpatrick"].module.models
    with app.app_context():
        program = models.Program.create(partnership_id=demo.id, name="Negotiation academy",
                                        starts_on=datetime.date(2026, 1, 5),
                                        ends_on=datetime.date(2026, 1, 30), cost=10000)
        metric = models.Metric.create(program=program, level=2, name="Quiz score", unit="%",
                                      baseline=float("inf"), target=80)
        for day, value in ((30, 60), (58, 700)):
            models.Measurement.create(metric=metric, measured_on=datetime.date(2026, 1, 1)
                                      + datetime.timedelta(days=day), value=value, source="LMS")
        wrong = models.Measurement.get(models.Measurement.value == 700).id
    jim = people("jim@supplier.example")
    jim.goto(f"{live_server}/partnerships/{demo.id}/programs/{program.id}")
    level = jim.locator("[data-testid=level-2]")
    expect(level).to_contain_text("Baseline not a number → target 80.0 %")

    # The broken baseline shows as empty on the edit page; a number mends the metric.
    level.get_by_role("link", name="Edit the metric Quiz score").click()
    expect(jim.get_by_label("Baseline")).to_have_value("")
    jim.get_by_label("Baseline").fill("40")
    jim.get_by_label("Unit").fill("% correct")
    SHOTS.mkdir(exist_ok=True)
    jim.screenshot(path=str(SHOTS / "49-kirkpatrick-edit-metric.png"), full_page=True)
    jim.get_by_role("button", name="Save the metric").click()
    expect(jim.locator("#notices")).to_contain_text("The metric “Quiz score” is corrected.")
    expect(level).to_contain_text("Baseline 40.0 → target 80.0 % correct")
    expect(level).to_contain_text("1650 % of the way to target")  # the 700 typed for 70

    # The wrong measurement is deleted from the metric's table of measurements.
    level.get_by_text("2 measurements").click()
    row = jim.locator(f"[data-testid=measurement-{wrong}]")
    expect(row).to_contain_text("700")
    jim.screenshot(path=str(SHOTS / "50-kirkpatrick-metric-corrected.png"), full_page=True)
    row.get_by_role("button", name="Delete the measurement of 28 Feb 2026").click()
    expect(jim.locator("#notices")).to_contain_text(
        "Measurement of “Quiz score” on 2026-02-28 deleted.")
    expect(level).to_contain_text("50 % of the way to target")
    expect(jim.locator(f"[data-testid=measurement-{wrong}]")).to_have_count(0)
    level.get_by_text("1 measurement").click()
    jim.screenshot(path=str(SHOTS / "51-kirkpatrick-measurement-deleted.png"), full_page=True)
    with app.app_context():
        assert [m.value for m in models.Measurement.select()] == [60.0]
        assert models.Metric.get_by_id(metric.id).baseline == 40.0

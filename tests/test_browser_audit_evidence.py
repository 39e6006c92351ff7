"""The evidence-fed 4 I's audit in Chromium (issue 13): a sponsor opens the annual audit,
sees the evidence the portal gathered for each of the four I's, confirms two lines,
corrects one with a reason, answers the audit starting from that evidence and reads each
line's status on the results page."""
import pytest
from test_audit_evidence import seed
from test_browser_instruments import instruments_of, open_run

pytestmark = pytest.mark.browser

SHOTS = "/tmp/shots/audit-{}.png"


def shot(page, name):
    page.screenshot(path=SHOTS.format(name), full_page=True)


def test_the_evidence_fed_audit_confirmed(app, demo, live_server, people):
    with app.test_request_context():
        seed(demo)
    audit = instruments_of(app)["four_is_audit"]
    peggy = people("peggy@client.example")
    run_url = open_run(peggy, live_server, demo, audit, "4 I's audit 2026")

    # The audit's tab leads to the evidence gathered when the audit opened.
    peggy.goto(f"{live_server}/partnerships/{demo.id}/")
    tabs = peggy.locator('nav[aria-label="Partnership"]')
    if tabs.locator("a:visible", has_text="4 I's audit").count() == 0:
        tabs.locator("summary").click()  # the tabs that do not fit the row are under "More"
    tabs.locator("a:visible", has_text="4 I's audit").first.click()
    shot(peggy, "0-audits")
    peggy.get_by_test_id("audits").get_by_role("link", name="4 I's audit 2026").click()
    for name in ("integrity", "integration", "insights", "impact"):
        assert peggy.get_by_test_id(f"evidence-{name}").is_visible()
    integrity = peggy.get_by_test_id("evidence-integrity")
    assert "3 of 5 joint actions due in the last 12 months were closed on time" in integrity.inner_text()
    assert "Coaching pilot: 1 of 2 measured Kirkpatrick metrics" in peggy.get_by_test_id("evidence-impact").inner_text()
    shot(peggy, "1-evidence")

    actions, expectations = integrity.get_by_test_id("evidence-line").all()
    actions.get_by_role("button", name="Confirm").click()
    peggy.locator("#notices", has_text="You confirmed this integrity evidence.").wait_for()
    integrity = peggy.get_by_test_id("evidence-integrity")
    integrity.get_by_test_id("evidence-line").nth(1).get_by_role("button", name="Confirm").click()
    peggy.locator("#notices", has_text="You confirmed this integrity evidence.").wait_for()

    cohorts = peggy.get_by_test_id("evidence-integration").get_by_test_id("evidence-line").nth(1)
    cohorts.get_by_text("Correct this line").click()
    cohorts.get_by_label("Corrected evidence").fill("")
    cohorts.get_by_role("button", name="Save the correction").click()
    cohorts = peggy.get_by_test_id("evidence-integration").get_by_test_id("evidence-line").nth(1)
    assert "Write the evidence as it should read." in cohorts.inner_text()
    assert "Say why the gathered evidence is not right." in cohorts.inner_text()
    shot(peggy, "2-correction-refused")
    cohorts.get_by_label("Corrected evidence").fill("Both cohorts brought the two organizations together.")
    cohorts.get_by_label("Reason for the correction").fill("Jim joined the client cohort's sessions.")
    cohorts.get_by_role("button", name="Save the correction").click()
    peggy.locator("#notices", has_text="Your correction of this integration evidence is kept.").wait_for()
    statuses = peggy.get_by_test_id("evidence-status").all_inner_texts()
    assert sum("Confirmed by 1" in s for s in statuses) == 2
    assert "Corrected by Peggy Olson" in peggy.get_by_test_id("evidence-correction").inner_text()
    shot(peggy, "3-reviewed")

    # Her answer starts from the evidence she confirmed or corrected; she can still edit it.
    peggy.get_by_role("link", name="Answer the audit").click()
    integrity_answer = peggy.locator('textarea[name="q-integrity_evidence"]')
    assert integrity_answer.input_value() == (
        "- 3 of 5 joint actions due in the last 12 months were closed on time; 1 closed late, "
        "1 still open past the due date.\n- 1 of 3 current expectations is acknowledged "
        "by both sides; 5 members still have wording to acknowledge.")
    integration_answer = peggy.locator('textarea[name="q-integration_evidence"]')
    assert integration_answer.input_value() == "- Both cohorts brought the two organizations together."
    integration_answer.fill(integration_answer.input_value() + "\n- The pilot team meets weekly.")
    for q in audit.questions:
        if q.type == "scale":
            peggy.locator(f'input[name="q-{q.id}"][value="4"]').check()
    shot(peggy, "4-answer")
    peggy.get_by_role("button", name="Submit my answers").click()
    peggy.locator("#notices", has_text="your response is submitted").wait_for()

    # The results page shows, per I, each line with its status.
    peggy.goto(run_url)
    main = peggy.locator("main").inner_text()
    assert "Evidence gathered when the audit opened" in main
    assert "- The pilot team meets weekly." in main or "The pilot team meets weekly." in main
    integrity_panel = peggy.get_by_test_id("panel-integrity").inner_text()
    assert integrity_panel.count("Confirmed by 1") == 2 and "Peggy Olson" in integrity_panel
    integration_panel = peggy.get_by_test_id("panel-integration").inner_text()
    assert "Corrected by Peggy Olson" in integration_panel
    assert "Jim joined the client cohort's sessions." in integration_panel
    assert "Not reviewed yet" in peggy.get_by_test_id("panel-impact").inner_text()
    shot(peggy, "5-results")

    # A viewer reads the evidence without the buttons.
    victor = people("victor@client.example")
    victor.goto(peggy.url.split("/runs/")[0] + "/audit/runs/" + run_url.rstrip("/").rsplit("/", 1)[1] + "/evidence")
    assert "3 of 5 joint actions" in victor.locator("main").inner_text()
    assert victor.get_by_role("button", name="Confirm").count() == 0

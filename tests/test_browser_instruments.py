"""Each built-in instrument answered in Chromium by people of both organizations.

The checks are what a user reads on the results page: flags, the PRM verdict, the
anonymity threshold, the side comparison, the checklist's progress — and, for a 0-10
scale from a plugin folder, that every point can be picked at 1280 and at 400 pixels.
"""
import datetime as dt
import threading

import pytest
from conftest import DEMO_PASSWORD
from instrument_helpers import write_nps
from test_browser import log_in, shot
from werkzeug.serving import make_server

from portal.demo import load_demo

pytestmark = pytest.mark.browser




def open_run(page, base, partnership, instrument, title, anonymous=None):
    page.goto(f"{base}/partnerships/{partnership.id}/instruments")
    page.locator(f"#instrument-{instrument.id}").get_by_role("link", name="Open a run").click()
    page.get_by_label("Title").fill(title)
    if anonymous is not None:
        checkbox = page.get_by_label("Anonymous answers")
        checkbox.check() if anonymous else checkbox.uncheck()
    page.get_by_role("button", name="Open the run").click()
    page.locator("#notices", has_text=f"{title} is open.").wait_for()
    return page.url


def answer(page, run_url, instrument, values=None, scale="4", yesno="1"):
    """Fill every question the way a person would, then submit."""
    values = values or {}
    page.goto(run_url)
    page.get_by_role("link", name="Answer now").click()
    for q in instrument.questions:
        value = values.get(q.id, {"scale": scale, "yesno": yesno}.get(q.type))
        if q.type in ("scale", "yesno") and value is not None:
            page.locator(f'input[name="q-{q.id}"][value="{value}"]').check()
        elif q.type == "text" and value:
            page.locator(f'textarea[name="q-{q.id}"]').fill(value)
    page.get_by_role("button", name="Submit my answers").click()
    page.locator("#notices", has_text="your response is submitted").wait_for()


def instruments_of(app):
    return {k: v for k, (_, v) in app.extensions["portal_instruments"].items()}


def test_relational_survey_stays_hidden_below_three_then_flags_weak_items(app, demo, live_server, people):
    survey = instruments_of(app)["relational_survey"]
    jim = people("jim@supplier.example")
    run_url = open_run(jim, live_server, demo, survey, "Relational survey, spring")
    weak = {"information": "2", "feedback": "3"}
    answer(people("peggy@client.example"), run_url, survey, weak)
    answer(jim, run_url, survey, weak)
    jim.goto(run_url)
    state = jim.get_by_test_id("results-state")
    assert "Results hidden to protect anonymity" in state.inner_text()
    assert "at least 3" in state.inner_text()
    shot(jim, "10-survey-below-threshold")
    answer(people("sam@supplier.example"), run_url, survey, weak)
    jim.goto(run_url)
    # Released as a batch of 3, but an open anonymous run shows results one step behind.
    assert "Results hidden to protect anonymity" in jim.get_by_test_id("results-state").inner_text()
    assert "until the next update" in jim.get_by_test_id("next-update").inner_text()
    shot(jim, "10b-survey-one-step-behind")
    jim.once("dialog", lambda dialog: dialog.accept())
    jim.get_by_role("button", name="Close the run").click()
    jim.wait_for_url(run_url)
    flags = jim.get_by_test_id("flags").inner_text()
    information = next(q.text for q in survey.questions if q.id == "information")
    feedback = next(q.text for q in survey.questions if q.id == "feedback")
    assert information in flags and feedback in flags          # 2.00 and 3.00: flagged
    trust = next(q.text for q in survey.questions if q.id == "trust")
    assert trust not in flags                                   # 4.00: not flagged
    assert "3 of 5 invited people have responded" in jim.get_by_test_id("response-rate").inner_text()
    assert "each side has at least 3" in jim.get_by_test_id("sides-hidden").inner_text()
    assert jim.locator("[data-testid=mean-chart] svg").count() == 1
    shot(jim, "11-survey-results")


def test_prm_assessment_says_no_program_with_three_missing_practices(app, demo, live_server, people):
    prm = instruments_of(app)["prm_assessment"]
    jim = people("jim@supplier.example")
    run_url = open_run(jim, live_server, demo, prm, "PRM check")
    missing = {"trust_indicator": "0", "relationship_training": "0", "joint_symbols": "0"}
    answer(people("peggy@client.example"), run_url, prm, missing)
    answer(jim, run_url, prm, missing)
    jim.goto(run_url)
    verdict = jim.get_by_test_id("interpretation").inner_text()
    assert "No PRM program in place: 3 of 10 practices are missing" in verdict
    flags = jim.get_by_test_id("flags").inner_text()
    guidance = next(q.guidance for q in prm.questions if q.id == "joint_symbols")
    assert guidance[:60] in flags
    shot(jim, "12-prm-verdict")

    # Turn the first flag into a joint action with an owner on each side.
    jim.locator(".flag").first.get_by_text("Make this a joint action").click()
    form = jim.locator(".flag").first.locator("form")
    form.get_by_label("Owner on the client side").select_option(label="Peggy Olson")
    form.get_by_label("Owner on the supplier side").select_option(label="Jim Halpert")
    form.get_by_role("button", name="Add to the action plan").click()
    jim.locator("#notices", has_text="added to the partnership's action plan").wait_for()
    jim.goto(f"{live_server}/partnerships/{demo.id}/actions")
    assert "Peggy Olson · Jim Halpert" in jim.locator("#action-table").inner_text()


def test_prm_assessment_with_two_missing_practices_has_a_program(app, demo, live_server, people):
    prm = instruments_of(app)["prm_assessment"]
    jim = people("jim@supplier.example")
    run_url = open_run(jim, live_server, demo, prm, "PRM check")
    missing = {"trust_indicator": "0", "joint_symbols": "0"}
    answer(people("sofia@supplier.example"), run_url, prm, missing)
    answer(people("carla@client.example"), run_url, prm, missing)
    jim.goto(run_url)
    assert "A PRM program is in place" in jim.get_by_test_id("interpretation").inner_text()


def test_four_is_audit_is_annual_and_scores_each_i(app, demo, live_server, people):
    audit = instruments_of(app)["four_is_audit"]
    jim = people("jim@supplier.example")
    run_url = open_run(jim, live_server, demo, audit, "4 I's audit 2026")
    low_insights = {q.id: "2" for q in audit.questions if q.section == "Insights" and q.type == "scale"}
    low_insights["impact_evidence"] = "Sales ramp-up time fell from 9 to 6 weeks."
    answer(people("peggy@client.example"), run_url, audit, low_insights)
    answer(jim, run_url, audit, low_insights)
    jim.goto(run_url)
    text = jim.locator("main").inner_text()
    assert "Insights" in jim.get_by_test_id("flags").inner_text()
    assert "Sales ramp-up time fell from 9 to 6 weeks." in text
    jim.goto(f"{live_server}/partnerships/{demo.id}/instruments")
    next_due = (dt.date.today() + dt.timedelta(days=365)).strftime("%d %b %Y")
    assert jim.get_by_test_id("next-due-four_is_audit").inner_text() == f"Next due {next_due}"
    shot(jim, "13-instruments")


def test_six_principles_shows_where_client_and_supplier_diverge(app, demo, live_server, people):
    check = instruments_of(app)["six_principles"]
    jim = people("jim@supplier.example")
    run_url = open_run(jim, live_server, demo, check, "Six principles Q1", anonymous=False)
    answer(people("peggy@client.example"), run_url, check, scale="2")   # client: 2
    answer(jim, run_url, check, scale="4")                              # supplier: 4
    jim.goto(run_url)
    assert jim.get_by_test_id("side-comparison").is_visible()
    flags = jim.get_by_test_id("flags").inner_text()
    assert "Views diverge on Commitment" in flags and "Views diverge on Collaboration" in flags
    shot(jim, "14-six-principles")


def test_vendor_checklist_is_kept_together_and_flags_the_contract_review(app, demo, live_server, people):
    with app.app_context():
        demo.contract_end = dt.date.today() + dt.timedelta(days=60)
        demo.save()
    checklist = instruments_of(app)["vendor_checklist"]
    jim = people("jim@supplier.example")
    run_url = open_run(jim, live_server, demo, checklist, "Checklist 2026")
    jim.goto(run_url)
    jim.get_by_role("link", name="Update the checklist").click()
    for q in checklist.questions[:4]:
        jim.locator(f'input[name="q-{q.id}"]').check()
        jim.locator(f'input[name="q-{q.id}-date"]').fill((dt.date.today() - dt.timedelta(days=10)).isoformat())
    jim.get_by_role("button", name="Save the checklist").click()
    jim.locator("#notices", has_text="The checklist is saved.").wait_for()
    assert "4 of 9 steps done" in jim.get_by_test_id("interpretation").inner_text()
    assert "Contract review due: 60 days left" in jim.get_by_test_id("flags").inner_text()
    # The other organization reads the same record and cannot change it as a member.
    sam = people("sam@supplier.example")
    sam.goto(run_url)
    assert "4 of 9 steps done" in sam.get_by_test_id("interpretation").inner_text()
    peggy = people("peggy@client.example")
    peggy.goto(run_url)
    peggy.get_by_role("link", name="Update the checklist").click()
    peggy.locator(f'input[name="q-{checklist.questions[4].id}"]').check()
    peggy.get_by_role("button", name="Save the checklist").click()
    peggy.locator("#notices", has_text="The checklist is saved.").wait_for()
    assert "5 of 9 steps done" in peggy.get_by_test_id("interpretation").inner_text()
    shot(peggy, "15-checklist")


@pytest.fixture
def nps_site(make_app):
    """A portal whose plugins folder holds the NPS instrument, served over HTTP."""
    write_nps(make_app.plugins_dir)
    app = make_app()
    with app.app_context():
        partnership, _ = load_demo(DEMO_PASSWORD)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, partnership, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)


def test_an_eleven_point_scale_is_answered_at_1280_and_at_400_pixels(browser, nps_site):
    app, partnership, base = nps_site
    nps = app.extensions["portal_instruments"]["nps"][1]
    pages = {}
    for email, width in (("jim@supplier.example", 1280), ("peggy@client.example", 400),
                         ("carla@client.example", 400), ("sam@supplier.example", 1280)):
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        page.problems = []
        page.on("pageerror", lambda e, p=page: p.problems.append(str(e)))
        page.on("console", lambda m, p=page: p.problems.append(m.text)
                if m.type == "error" else None)
        log_in(page, base, email)
        pages[email] = page
    jim = pages["jim@supplier.example"]
    run_url = open_run(jim, base, partnership, nps, "Renewal, Q1", anonymous=False)
    for email, renew in (("jim@supplier.example", "6"), ("peggy@client.example", "10"),
                         ("carla@client.example", "0"), ("sam@supplier.example", "9")):
        page = pages[email]
        page.goto(run_url)
        page.get_by_role("link", name="Answer now").click()
        options = page.locator("#question-renew .scale__option")
        assert options.count() == 11
        width = page.viewport_size["width"]
        boxes = [options.nth(i).bounding_box() for i in range(11)]
        # One row, in order, inside the viewport, each at least 24 px wide (WCAG 2.5.8).
        assert len({round(box["y"]) for box in boxes}) == 1, email
        assert all(a["x"] < b["x"] for a, b in zip(boxes, boxes[1:]))
        assert boxes[-1]["x"] + boxes[-1]["width"] <= width
        assert all(box["width"] >= 24 and box["height"] >= 24 for box in boxes)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        low = page.locator("#question-renew .scale__end--low")
        high = page.locator("#question-renew .scale__end--high")
        assert low.inner_text() == "Not at all likely" and high.inner_text() == "Extremely likely"
        assert low.bounding_box()["y"] > boxes[0]["y"]  # the end labels sit under the row
        if email in ("jim@supplier.example", "peggy@client.example"):
            page.get_by_label("Four").check()
            shot(page, f"16-nps-form-{width}")
        # A click on the label (the number) picks the point, as it does on a phone.
        options.nth(int(renew)).click()
        assert page.locator(f'input[name="q-renew"][value="{renew}"]').is_checked()
        page.get_by_role("button", name="Submit my answers").click()
        page.locator("#notices", has_text="your response is submitted").wait_for()
    jim.goto(run_url)
    assert "Net Promoter Score +0" in jim.get_by_test_id("interpretation").inner_text()
    panel = jim.get_by_test_id("results-panel")
    assert panel.get_by_role("heading", name="Renewal outlook").is_visible()
    assert "NPS +0 against a target of +20 (4 responses" in panel.inner_text()
    assert jim.locator("#result-renew svg rect").count() == 4  # 0, 6, 9 and 10
    shot(jim, "17-nps-results")
    problems = {email: page.problems for email, page in pages.items() if page.problems}
    for page in pages.values():
        page.context.close()
    assert problems == {}

"""The evidence-fed 4 I's audit (issue 13): when an audit opens, the portal gathers what
its data shows for each I, keeps it as it was then, and the auditors confirm or correct
each line; their answer starts from it and the results page shows each line's status."""
import datetime as dt
import re

import pytest
from conftest import login, post
from markupsafe import escape

from portal.instruments import registry, runs as run_ops



def days_ago(days):
    return dt.date.today() - dt.timedelta(days=days)


def people():
    from portal.accounts.models import User

    return {u.email.split("@")[0]: u for u in User.select()}


def seed(partnership):
    """Data with known figures for each I (inside an app context)."""
    from portal.content import library
    from portal.content.cohorts.forming import create_cohort
    from portal.content.models import Completion, ContentItem, ItemView
    from portal.expectations import acknowledgements, changes
    from portal.instruments.models import ActionItem
    from portal.meetings.models import Meeting
    from portal.builtin_plugins.kirkpatrick.models import Benefit, Measurement, Metric, Program

    p = people()
    # Integrity: 5 actions due in the last 12 months: 3 closed on time, 1 late, 1 overdue;
    # one due 400 days ago is outside the period.
    for due, status, closed in [(10, "done", 12), (20, "done", 25), (30, "done", 30),
                                (40, "done", 35), (50, "open", None), (400, "done", 401)]:
        ActionItem.create(partnership=partnership, text=f"Action due {due} days ago",
                          due_on=days_ago(due), status=status,
                          closed_at=None if closed is None else dt.datetime.combine(days_ago(closed), dt.time(9)))
    # 3 expectations: one acknowledged by both sides, one by the client only, one by nobody.
    made = [changes.create(partnership, p["peggy"], "mutual", text, "clarity", p["peggy"].id,
                           dt.date.today() + dt.timedelta(days=90))
            for text in ("We share goals early.", "We answer within two days.", "We celebrate together.")]
    acknowledgements.record(made[0], p["peggy"])
    acknowledgements.record(made[0], p["jim"])
    acknowledgements.record(made[1], p["carla"])
    # Integration: two items read, one of them by both organizations; one completion.
    library.sync()
    first, second = ContentItem.select().where(ContentItem.removed == False).limit(2)  # noqa: E712
    ItemView.create(user=p["carla"], partnership=partnership, item=first)
    ItemView.create(user=p["jim"], partnership=partnership, item=first)
    ItemView.create(user=p["sam"], partnership=partnership, item=second)
    ItemView.create(user=p["sam"], partnership=partnership, item=second,
                    at=dt.datetime.combine(days_ago(500), dt.time(9)))  # outside the period
    Completion.create(user=p["jim"], partnership=partnership, item=first)
    create_cohort(partnership, p["peggy"], "Both sides", "", days_ago(20), dt.date.today() + dt.timedelta(days=20),
                  [p["peggy"].id, p["jim"].id], [])
    create_cohort(partnership, p["peggy"], "Client only", "", days_ago(20), dt.date.today() + dt.timedelta(days=20),
                  [p["carla"].id], [])
    Meeting.create(partnership=partnership, kind="sponsor", title="Spring sponsor review",
                   scheduled_at=dt.datetime.combine(days_ago(60), dt.time(10)), status="closed")
    Meeting.create(partnership=partnership, kind="business", title="Old review",
                   scheduled_at=dt.datetime.combine(days_ago(500), dt.time(10)), status="closed")
    Meeting.create(partnership=partnership, kind="business", title="Next review",
                   scheduled_at=dt.datetime.combine(dt.date.today() + dt.timedelta(days=9), dt.time(10)))
    # Impact: a program with one metric past its target and one short of it.
    program = Program.create(partnership_id=partnership.id, name="Coaching pilot",
                             starts_on=days_ago(90), ends_on=days_ago(10), cost=1000)
    reached = Metric.create(program=program, level=3, name="Coaching talks", unit="per month",
                            baseline=1, target=4)
    short = Metric.create(program=program, level=4, name="Engagement", unit="%", baseline=60, target=80)
    Metric.create(program=program, level=1, name="Satisfaction", unit="of 5", baseline=3, target=4.5)
    Measurement.create(metric=reached, measured_on=days_ago(5), value=5)
    Measurement.create(metric=short, measured_on=days_ago(5), value=70)
    Benefit.create(program=program, description="Less turnover", amount=1500, isolation="Control group")


def open_audit(app, partnership, title="4 I's audit this year"):
    with app.app_context():
        peggy = people()["peggy"]
        run = run_ops.open_run(partnership, registry.get("four_is_audit"), title, dt.date.today(), None,
                               "both", False, 3, creator=peggy.id)
        return run.id


def stored(app, run_id):
    with app.app_context():
        from portal.builtin_plugins.four_is_audit.models import EvidenceLine

        return [(line.i, line.figure, line.text, line.url, line.starts_on, line.ends_on)
                for line in EvidenceLine.select().where(EvidenceLine.run_id == run_id)
                .order_by(EvidenceLine.position)]


@pytest.fixture
def audit(app, demo):
    """The demo partnership with seeded data and a 4 I's audit opened on it: (partnership, run id)."""
    with app.test_request_context():
        seed(demo)
    return demo, open_audit(app, demo)


def page_of(partnership, run_id):
    return f"/partnerships/{partnership.id}/audit/runs/{run_id}/evidence"


def line_ids(app, run_id):
    """{what the line is about: id}: "actions", "expectations", "content", "cohorts",
    "reviews", "trends", "flags", "program"."""
    names = ["actions", "expectations", "content", "cohorts", "reviews", "trends", "flags", "program"]
    with app.app_context():
        from portal.builtin_plugins.four_is_audit.models import EvidenceLine

        rows = list(EvidenceLine.select().where(EvidenceLine.run_id == run_id)
                    .order_by(EvidenceLine.position))
    assert len(rows) == len(names)
    return {name: row.id for name, row in zip(names, rows)}


def test_evidence_is_gathered_from_the_partnerships_data_with_exact_figures(app, audit):
    partnership, run_id = audit
    lines = stored(app, run_id)
    pid = partnership.id
    period = (days_ago(364), dt.date.today())
    assert [line[0] for line in lines] == ["Integrity", "Integrity", "Integration", "Integration",
                                           "Integration", "Insights", "Insights", "Impact"]
    assert lines[0] == ("Integrity", "3 of 5", "3 of 5 joint actions due in the last 12 months were "
                        "closed on time; 1 closed late, 1 still open past the due date.",
                        f"/partnerships/{pid}/actions", *period)
    assert lines[1][1:4] == ("1 of 3", "1 of 3 current expectations is acknowledged by both sides; "
                             "5 members still have wording to acknowledge.",
                             f"/partnerships/{pid}/expectations")
    assert lines[2][1:4] == ("1 of 2", "2 library items were read in the last 12 months, 1 of "
                             "them by people of both organizations; 1 completion recorded.",
                             f"/partnerships/{pid}/enablement")
    assert lines[3][1:4] == ("1 of 2", "1 of 2 cohorts in the last 12 months brought together "
                             "members of both organizations.", f"/partnerships/{pid}/cohorts")
    assert lines[4][1:4] == ("1", "1 review held in the last 12 months (1 sponsor review).",
                             f"/partnerships/{pid}/governance")
    assert lines[5][1] == "0" and "no trend can be read" in lines[5][2]
    assert lines[6][1:3] == ("0", "No instrument has closed results yet, so no item is flagged for discussion.")
    assert lines[7][0:3] == ("Impact", "1 of 2", "Coaching pilot: 1 of 2 measured Kirkpatrick metrics "
                             "reached their target (1 not measured yet); 1 benefit worth 1,500 against a "
                             "cost of 1,000: ROI 50 %.")
    assert re.fullmatch(rf"/partnerships/{pid}/programs/\d+", lines[7][3])
    assert lines[7][4:] == (days_ago(90), days_ago(10))


def test_instrument_trends_come_from_the_last_two_closed_runs(app, demo):
    from portal.demo import load_demo_runs

    with app.test_request_context():
        load_demo_runs(demo)
        from portal.instruments.models import Run
        from portal.instruments.results import run_results

        spring, autumn = (Run.get(Run.title == t) for t in ("Relational survey, spring", "Relational survey, autumn"))
        before = run_results(spring).interpretation.metrics
        after = run_results(autumn).interpretation.metrics
        latest = {}
        for run in Run.select().where(Run.status == "closed").order_by(Run.opens_on, Run.id):
            rr = run_results(run)
            if rr.visible and rr.interpretation:
                latest[run.instrument_id] = len(rr.interpretation.flags)
    run_id = open_audit(app, demo)
    insights = [line for line in stored(app, run_id) if line[0] == "Insights"]
    survey = next(line for line in insights if line[2].startswith("Relational survey"))
    up = sum(after[k] > before[k] for k in after if k in before)
    down = sum(after[k] < before[k] for k in after if k in before)
    same = sum(after[k] == before[k] for k in after if k in before)
    assert survey[1] == f"{up} up, {down} down, {same} unchanged"
    assert "from “Relational survey, spring” to “Relational survey, autumn”" in survey[2]
    name = next(iter(after))
    assert f"{name} {before[name]:.2f}".rstrip("0").rstrip(".") in survey[2]
    assert survey[4:] == (spring.opens_on, autumn.opens_on)
    flagged = insights[-1]
    assert flagged[1] == str(sum(latest.values())) and len(latest) >= 3
    assert flagged[2].startswith(f"{sum(latest.values())} items flagged for discussion in the "
                                 f"latest results of {len(latest)} instruments: ")


def test_the_evidence_stays_as_it_was_when_the_audit_opened(app, audit):
    partnership, run_id = audit
    before = stored(app, run_id)
    with app.app_context():
        from portal.instruments.models import ActionItem

        ActionItem.update(status="done", closed_at=dt.datetime.combine(days_ago(60), dt.time(9))).execute()
    assert stored(app, run_id) == before
    jim = app.test_client()
    login(jim, "jim@supplier.example")
    assert "3 of 5 joint actions" in jim.get(page_of(partnership, run_id)).get_data(as_text=True)
    later = open_audit(app, partnership, "A second audit")
    assert stored(app, later)[0][1] == "5 of 5"


def test_other_instruments_gather_no_evidence(app, demo):
    with app.app_context():
        run = run_ops.open_run(demo, registry.get("relational_survey"), "Survey", dt.date.today(), None,
                               "both", True, 3)
        from portal.builtin_plugins.four_is_audit.models import EvidenceLine

        assert not EvidenceLine.select().where(EvidenceLine.run_id == run.id).exists()


def test_confirm_and_correct_are_kept_with_who_and_when(app, audit):
    partnership, run_id = audit
    ids = line_ids(app, run_id)
    actions, cohorts = ids["actions"], ids["cohorts"]
    page = page_of(partnership, run_id)
    jim, peggy = app.test_client(), app.test_client()
    login(jim, "jim@supplier.example")
    login(peggy, "peggy@client.example")
    assert post(jim, f"{page}/{actions}/confirm", page=page).status_code == 302
    assert post(peggy, f"{page}/{actions}/confirm", page=page).status_code == 302
    response = post(peggy, f"{page}/{cohorts}/correct", {
        f"line{cohorts}-text": "Both cohorts mixed the organizations in practice.",
        f"line{cohorts}-reason": "Carla's cohort invited Jim to every session."}, page=page)
    assert response.status_code == 302
    with app.app_context():
        from portal.builtin_plugins.four_is_audit.models import EvidenceReview

        reviews = [(r.line_id, r.user_name, r.verdict, r.text, r.reason)
                   for r in EvidenceReview.select().order_by(EvidenceReview.id)]
        assert all(r.at is not None for r in EvidenceReview.select())
    assert reviews == [
        (actions, "Jim Halpert", "confirmed", "", ""),
        (actions, "Peggy Olson", "confirmed", "", ""),
        (cohorts, "Peggy Olson", "corrected", "Both cohorts mixed the organizations in practice.",
         "Carla's cohort invited Jim to every session.")]
    html = jim.get(page).get_data(as_text=True)
    assert "Confirmed by 2</span>\n    Jim Halpert, Peggy Olson" in html
    assert "Corrected by Peggy Olson</span>" in html and "Reason: Carla&#39;s cohort invited Jim" in html


def test_the_answer_starts_from_the_evidence_the_auditor_confirmed_or_corrected(app, audit):
    partnership, run_id = audit
    ids = line_ids(app, run_id)
    page = page_of(partnership, run_id)
    jim = app.test_client()
    login(jim, "jim@supplier.example")
    post(jim, f"{page}/{ids['actions']}/confirm", page=page)
    program = ids["program"]
    post(jim, f"{page}/{program}/correct", {
        f"line{program}-text": "Coaching talks doubled; engagement is still short.",
        f"line{program}-reason": "The engagement survey is late."}, page=page)
    form = jim.get(f"/partnerships/{partnership.id}/runs/{run_id}/respond").get_data(as_text=True)
    integrity = re.search(r'name="q-integrity_evidence"[^>]*>([^<]*)</textarea>', form).group(1)
    assert integrity == ("- 3 of 5 joint actions due in the last 12 months were closed on time; "
                         "1 closed late, 1 still open past the due date.")
    impact = re.search(r'name="q-impact_evidence"[^>]*>([^<]*)</textarea>', form).group(1)
    assert impact == "- Coaching talks doubled; engagement is still short."
    assert re.search(r'name="q-insights_evidence"[^>]*></textarea>', form)  # nothing reviewed there
    peggy = app.test_client()  # another auditor's form starts from her own verdicts only
    login(peggy, "peggy@client.example")
    form = peggy.get(f"/partnerships/{partnership.id}/runs/{run_id}/respond").get_data(as_text=True)
    assert re.search(r'name="q-integrity_evidence"[^>]*></textarea>', form)


def test_results_page_shows_each_line_with_its_status(app, audit):
    partnership, run_id = audit
    ids = line_ids(app, run_id)
    page = page_of(partnership, run_id)
    jim = app.test_client()
    login(jim, "jim@supplier.example")
    post(jim, f"{page}/{ids['actions']}/confirm", page=page)
    respond = f"/partnerships/{partnership.id}/runs/{run_id}/respond"
    with app.app_context():
        answers = {f"q-{q.id}": "4" for q in registry.get("four_is_audit").questions if q.type == "scale"}
    assert post(jim, respond, {**answers, "action": "submit"}, page=respond).status_code == 302
    html = jim.get(f"/partnerships/{partnership.id}/runs/{run_id}/").get_data(as_text=True)
    assert "Evidence gathered when the audit opened" in html
    assert 'data-testid="panel-integrity"' in html and 'data-testid="panel-impact"' in html
    assert "Confirmed by 1</span>\n    Jim Halpert" in html
    assert html.count("Not reviewed yet") == 7


def test_a_viewer_reads_the_evidence_but_cannot_confirm_or_correct(app, audit):
    partnership, run_id = audit
    line = line_ids(app, run_id)["actions"]
    page = page_of(partnership, run_id)
    victor = app.test_client()
    login(victor, "victor@client.example")
    html = victor.get(page).get_data(as_text=True)
    assert "3 of 5 joint actions" in html and "Confirm</button>" not in html
    assert post(victor, f"{page}/{line}/confirm", page=page).status_code == 403
    assert post(victor, f"{page}/{line}/correct", {f"line{line}-text": "x", f"line{line}-reason": "y"},
                page=page).status_code == 403
    with app.app_context():
        from portal.builtin_plugins.four_is_audit.models import EvidenceReview

        assert EvidenceReview.select().count() == 0


def test_another_partnerships_audit_is_not_found(app, audit):
    from portal.partnerships.demo import load_demo_second_supplier

    partnership, run_id = audit
    with app.app_context():
        second = load_demo_second_supplier("correct horse battery")
    line = line_ids(app, run_id)["actions"]
    peggy = app.test_client()  # a member of both partnerships
    login(peggy, "peggy@client.example")
    elsewhere = page_of(second, run_id)
    assert peggy.get(elsewhere).status_code == 404
    assert post(peggy, f"{elsewhere}/{line}/confirm", page="/profile").status_code == 404
    maya = app.test_client()  # a member of the second partnership only
    login(maya, "maya@brightpath.example")
    assert maya.get(page_of(partnership, run_id)).status_code == 404
    assert post(maya, f"{page_of(partnership, run_id)}/{line}/confirm").status_code == 404
    with app.app_context():
        from portal.builtin_plugins.four_is_audit.models import EvidenceReview

        assert EvidenceReview.select().count() == 0


def test_a_run_of_another_instrument_has_no_evidence_page(app, demo):
    with app.app_context():
        run = run_ops.open_run(demo, registry.get("relational_survey"), "Survey", dt.date.today(), None,
                               "both", True, 3)
    jim = app.test_client()
    login(jim, "jim@supplier.example")
    assert jim.get(page_of(demo, run.id)).status_code == 404


def test_confirming_without_the_csrf_token_is_refused(app, audit):
    partnership, run_id = audit
    line = line_ids(app, run_id)["actions"]
    jim = app.test_client()
    login(jim, "jim@supplier.example")
    assert jim.post(f"{page_of(partnership, run_id)}/{line}/confirm").status_code == 400
    assert jim.post(f"{page_of(partnership, run_id)}/{line}/correct",
                    data={f"line{line}-text": "x", f"line{line}-reason": "y"}).status_code == 400
    with app.app_context():
        from portal.builtin_plugins.four_is_audit.models import EvidenceReview

        assert EvidenceReview.select().count() == 0


@pytest.mark.parametrize("text, reason, message", [
    ("", "The data is late.", "Write the evidence as it should read."),
    ("   ", "The data is late.", "Write the evidence as it should read."),
    ("Fine.", "", "Say why the gathered evidence is not right."),
    ("x" * 1001, "Too long.", "Keep the evidence within 1000 characters."),
    ("Fine.", "y" * 1001, "Keep the reason within 1000 characters."),
    ("<script>alert(1)</script>", "Because.", "Write plain text, without HTML tags such as &lt;b&gt; or &lt;script&gt;."),
    ("Fine.", "<img src=x onerror=alert(1)>", "Write plain text, without HTML tags"),
])
def test_a_bad_correction_gets_a_clear_message_and_keeps_what_was_typed(app, audit, text, reason, message):
    partnership, run_id = audit
    line = line_ids(app, run_id)["actions"]
    page = page_of(partnership, run_id)
    jim = app.test_client()
    login(jim, "jim@supplier.example")
    response = post(jim, f"{page}/{line}/correct", {f"line{line}-text": text,
                                                     f"line{line}-reason": reason}, page=page)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html and 'class="field__error"' in html
    if reason.strip():
        assert str(escape(reason[:50])) in html
    assert "<script>alert(1)</script>" not in html and "<img src=x" not in html
    with app.app_context():
        from portal.builtin_plugins.four_is_audit.models import EvidenceReview

        assert EvidenceReview.select().count() == 0


def test_a_closed_audit_keeps_its_evidence_as_the_auditors_left_it(app, audit):
    partnership, run_id = audit
    line = line_ids(app, run_id)["actions"]
    with app.app_context():
        from portal.instruments.models import Run

        run_ops.close_run(Run.get_by_id(run_id))
    page = page_of(partnership, run_id)
    jim = app.test_client()
    login(jim, "jim@supplier.example")
    response = post(jim, f"{page}/{line}/confirm", page=page, follow_redirects=True)
    assert "This audit is closed" in response.get_data(as_text=True)
    with app.app_context():
        from portal.builtin_plugins.four_is_audit.models import EvidenceReview

        assert EvidenceReview.select().count() == 0


def test_the_audit_tab_lists_audits_with_how_far_their_evidence_is_reviewed(app, audit):
    partnership, run_id = audit
    ids = line_ids(app, run_id)
    page = page_of(partnership, run_id)
    jim, peggy = app.test_client(), app.test_client()
    login(jim, "jim@supplier.example")
    login(peggy, "peggy@client.example")
    post(jim, f"{page}/{ids['actions']}/confirm", page=page)
    post(peggy, f"{page}/{ids['actions']}/confirm", page=page)
    post(peggy, f"{page}/{ids['reviews']}/correct", {f"line{ids['reviews']}-text": "Two reviews.",
                                                     f"line{ids['reviews']}-reason": "One was by phone."}, page=page)
    overview = jim.get(f"/partnerships/{partnership.id}/").get_data(as_text=True)
    assert f'href="/partnerships/{partnership.id}/audit"' in overview
    html = jim.get(f"/partnerships/{partnership.id}/audit").get_data(as_text=True)
    assert f'<a href="{page}">4 I&#39;s audit this year</a>' in html
    assert "8 lines: 1 confirmed, 1 corrected" in html


def test_the_demo_audit_has_evidence_some_confirmed_one_corrected(app, demo):
    from portal.demo import load_full_demo

    with app.test_request_context():
        load_full_demo("correct horse battery")
        from portal.builtin_plugins.four_is_audit.models import EvidenceLine, EvidenceReview
        from portal.instruments.models import Run

        audit = Run.get(Run.instrument_id == "four_is_audit")
        lines = list(EvidenceLine.select().where(EvidenceLine.run_id == audit.id))
        verdicts = [r.verdict for r in EvidenceReview.select().join(EvidenceLine)
                    .where(EvidenceLine.run_id == audit.id)]
        load_full_demo("correct horse battery")  # a restart adds nothing
        assert EvidenceReview.select().count() == len(verdicts)
    assert {line.i for line in lines} >= {"Integrity", "Integration", "Insights"}
    assert verdicts.count("corrected") == 1 and verdicts.count("confirmed") >= 2


def test_the_example_plugins_run_opened_audit_evidence_and_prefilled_answers(make_app):
    """docs/examples/acme: portal_run_opened records that a pulse opened,
    portal_audit_evidence adds its goals to a 4 I's audit and portal_prefilled_answers
    starts a named pulse in the middle of the scale."""
    import shutil
    from pathlib import Path

    from conftest import DEMO_PASSWORD

    from portal.demo import load_demo

    shutil.copytree(Path(__file__).parent.parent / "docs" / "examples" / "acme",
                    make_app.plugins_dir / "acme")
    app = make_app(PORTAL_PLUGINS_STRICT=True)
    with app.app_context():
        partnership, _ = load_demo(DEMO_PASSWORD)
    carla = app.test_client()
    login(carla, "carla@client.example")
    acme = f"/partnerships/{partnership.id}/acme"
    post(carla, f"{acme}/goals", {"text": "Pilot by March"}, page=acme)
    with app.app_context():
        from portal.audit import AuditEntry

        pulse = run_ops.open_run(partnership, registry.get("acme_pulse"), "Pulse", dt.date.today(), None,
                                 "both", False, 3)
        assert AuditEntry.get(AuditEntry.action == "acme_pulse_opened").details == {"title": "Pulse"}
        pulse_id = pulse.id
    audit_id = open_audit(app, partnership)
    goals = [line for line in stored(app, audit_id) if "Acme" in line[2]]
    assert goals == [("Integration", "1", "1 Acme goal agreed by both sides.", acme,
                      days_ago(364), dt.date.today())]
    form = carla.get(f"/partnerships/{partnership.id}/runs/{pulse_id}/respond").get_data(as_text=True)
    assert re.search(r'value="3" checked', form) and form.count(" checked") == 1


def test_the_evidence_page_runs_as_many_statements_with_ten_times_the_reviews(app, audit):
    """Lines and reviews are read in one statement each (tests/test_statement_counts.py)."""
    from test_statement_counts import MOST, statements_of

    partnership, run_id = audit
    page = page_of(partnership, run_id)
    peggy = app.test_client()
    login(peggy, "peggy@client.example")

    def review(times):
        with app.app_context():
            from portal.builtin_plugins.four_is_audit.models import EvidenceLine, EvidenceReview

            for line in EvidenceLine.select().where(EvidenceLine.run_id == run_id):
                for n in range(times):
                    EvidenceReview.create(line=line.id, user_id=1000 + n, user_name=f"Auditor {n}",
                                          verdict="corrected" if n % 2 else "confirmed",
                                          text=f"Text {n}" if n % 2 else "", reason=f"Reason {n}" if n % 2 else "")

    review(2)
    before = statements_of(peggy, page)
    assert before <= MOST
    review(20)
    assert statements_of(peggy, page) == before
    assert "Auditor 19" in peggy.get(page).get_data(as_text=True)


def test_benefits_with_a_target_are_impact_evidence(app, demo):
    """Seed 003 #3: the measures of mutual benefit, latest value against target."""
    from portal.scorecard.models import Benefit, BenefitValue

    with app.app_context():
        p = people()
        made = {}
        for name, side, target, direction, values in [
                ("Promotion rate", "client", 10, "higher", [8, 12]),       # reached
                ("Time to competence", "client", 30, "lower", [40, 35]),   # not yet
                ("Reference case", "supplier", 1, "higher", [1]),          # reached
                ("New scope", "supplier", 2, "higher", []),                # not measured
                ("Goodwill", "supplier", None, "higher", [5])]:            # no target: left out
            made[name] = Benefit.create(partnership=demo, side=side, kind="economic", name=name,
                                        target=target, direction=direction, owner=p["peggy"])
            for day, value in enumerate(values):
                BenefitValue.create(benefit=made[name], measured_on=days_ago(30 - day), value=value)
    run_id = open_audit(app, demo)
    benefits = [line for line in stored(app, run_id) if "benefit" in line[2] and line[0] == "Impact"]
    assert benefits == [("Impact", "2 of 3", "2 of 3 measured benefits have reached their target in "
                         "the latest value (the client's 1 of 2, the supplier's 1 of 1); 1 benefit "
                         "not measured yet.", f"/partnerships/{demo.id}/health", days_ago(364), dt.date.today())]

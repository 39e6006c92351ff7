"""Kirkpatrick tracking, issue 11: what editors and sponsors can create they can correct
or remove; members and viewers cannot; other partnerships' records are not found; every
number is a finite number written in ASCII; and a non-finite number already stored
never breaks a page."""
import re
from decimal import Decimal

import pytest
from conftest import post

from portal.accounts.models import User
from portal.audit import AuditEntry
from portal.db import is_sqlite
from portal.partnerships.models import Partnership, PartnershipMember

HOSTILE = ["Infinity", "-inf", "NaN", "1E+400", "sNaN", "²", "١٢", "1_000", "0x10", " "]
NUMBER_MESSAGE = "as a number written with the digits 0 to 9"
MONEY_MESSAGE = "as an amount written with the digits 0 to 9"


@pytest.fixture
def app(make_app):
    return make_app(PORTAL_PLUGINS_STRICT=True)


@pytest.fixture
def kp(app):
    return app.extensions["portal_plugins"].plugins["kirkpatrick"].module


@pytest.fixture
def jim(as_user):
    """An editor on the supplier side."""
    return as_user("jim@supplier.example")


@pytest.fixture
def program(app, jim, demo, kp):
    """A program with a metric, two measurements, a benefit and a follow-up done; returns
    the ids: {"program", "metric", "measurement", "other_measurement", "benefit"}."""
    return make_program(app, jim, demo.id, kp)


def make_program(app, client, pid, kp, name="Negotiation academy"):
    base = f"/partnerships/{pid}/programs"
    assert post(client, base, {"name": name, "audience": "Account managers",
                               "starts_on": "2026-01-05", "ends_on": "2026-01-30",
                               "cost": "10000"}).status_code == 302
    with app.app_context():
        prog = kp.models.Program.select().order_by(kp.models.Program.id.desc()).first().id
    page = f"{base}/{prog}"
    assert post(client, f"{page}/metrics", {
        "metric-level": "2", "metric-name": "Quiz score", "metric-unit": "%",
        "metric-baseline": "40", "metric-target": "80"}).status_code == 302
    with app.app_context():
        metric = kp.models.Metric.get(kp.models.Metric.program == prog).id
    for day, value in (("2026-01-30", "60"), ("2026-02-28", "70")):
        assert post(client, f"{page}/measurements", {
            "measurement-metric": str(metric), "measurement-measured_on": day,
            "measurement-value": value, "measurement-source": "LMS"}).status_code == 302
    assert post(client, f"{page}/benefits", {
        "benefit-description": "Shorter sales cycle", "benefit-amount": "25000",
        "benefit-isolation": "Control group"}).status_code == 302
    assert post(client, f"{page}/follow-ups/30").status_code == 302
    with app.app_context():
        M = kp.models.Measurement
        measurements = [m.id for m in M.select().where(M.metric == metric).order_by(M.id)]
        benefit = kp.models.Benefit.get(kp.models.Benefit.program == prog).id
    return {"pid": pid, "program": prog, "metric": metric, "measurement": measurements[0],
            "other_measurement": measurements[1], "benefit": benefit}


def url(ids, tail=""):
    return f"/partnerships/{ids['pid']}/programs/{ids['program']}{tail}"


def snapshot(app, kp):
    """Every row of the plugin's tables, to show that nothing changed."""
    with app.app_context():
        return {model.__name__: sorted(tuple(sorted((k, str(v)) for k, v in row.items()))
                                       for row in model.select().dicts())
                for model in kp.models.MODELS}


def audit_actions(app):
    """The plugin's entries in the audit log, oldest first."""
    with app.app_context():
        return [e.action for e in AuditEntry.select().where(AuditEntry.action.startswith("kirkpatrick_"))
                .order_by(AuditEntry.id)]


def correction_routes(ids):
    """(method, path, form) of every state-changing correction route."""
    return [
        ("POST", url(ids, "/edit"), {"name": "Renamed", "starts_on": "2026-01-05",
                                     "ends_on": "2026-01-30", "cost": "1"}),
        ("POST", url(ids, "/delete"), {}),
        ("POST", url(ids, f"/metrics/{ids['metric']}/edit"),
         {"metric-level": "3", "metric-name": "Renamed", "metric-unit": "%",
          "metric-baseline": "1", "metric-target": "2"}),
        ("POST", url(ids, f"/metrics/{ids['metric']}/delete"), {}),
        ("POST", url(ids, f"/measurements/{ids['measurement']}/edit"),
         {"measurement-metric": str(ids["metric"]), "measurement-measured_on": "2026-01-30",
          "measurement-value": "1"}),
        ("POST", url(ids, f"/measurements/{ids['measurement']}/delete"), {}),
        ("POST", url(ids, f"/benefits/{ids['benefit']}/edit"),
         {"benefit-description": "x", "benefit-amount": "1", "benefit-isolation": "y"}),
        ("POST", url(ids, f"/benefits/{ids['benefit']}/delete"), {}),
        ("POST", url(ids, "/follow-ups/30/undo"), {}),
    ]


def edit_pages(ids):
    return [url(ids, "/edit"), url(ids, "/delete"), url(ids, f"/metrics/{ids['metric']}/edit"),
            url(ids, f"/metrics/{ids['metric']}/delete"),
            url(ids, f"/measurements/{ids['measurement']}/edit"),
            url(ids, f"/benefits/{ids['benefit']}/edit")]


# Editors and sponsors correct and remove ------------------------------------------------

def test_editor_corrects_a_program_and_the_audit_log_records_it(app, jim, program, kp):
    page = jim.get(url(program, "/edit"))
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'value="Negotiation academy"' in html
    assert 'value="10000.00"' in html
    response = post(jim, url(program, "/edit"), {
        "name": "Negotiation academy II", "audience": "Key account managers",
        "starts_on": "2026-01-12", "ends_on": "2026-02-06", "cost": "12500.50"})
    assert response.status_code == 302
    with app.app_context():
        row = kp.models.Program.get_by_id(program["program"])
        assert (row.name, row.audience, row.cost, row.ends_on.isoformat()) == (
            "Negotiation academy II", "Key account managers", Decimal("12500.50"), "2026-02-06")
        entry = AuditEntry.select().order_by(AuditEntry.id.desc()).first()
    assert entry.action == "kirkpatrick_program_edited"
    assert Decimal(entry.details["changed"]["cost"][0]) == 10000
    assert entry.details["changed"]["cost"][1] == "12500.50"
    html = jim.get(url(program)).get_data(as_text=True)
    assert "Negotiation academy II" in html and "12,500.50" in html


def test_sponsor_deletes_a_program_with_everything_recorded_for_it_after_confirming(
        app, as_user, program, kp):
    sofia = as_user("sofia@supplier.example")
    confirm = sofia.get(url(program, "/delete"))
    html = confirm.get_data(as_text=True)
    assert confirm.status_code == 200 and 'data-testid="kirkpatrick-confirm-delete"' in html
    assert "1 metric" in html and "2 measurements" in html and "1 benefit" in html
    assert "1 follow-up marked done" in html
    assert snapshot(app, kp)["Program"]  # asking deleted nothing
    response = post(sofia, url(program, "/delete"))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/partnerships/{program['pid']}/programs")
    assert all(rows == [] for rows in snapshot(app, kp).values())
    assert audit_actions(app)[-1] == "kirkpatrick_program_deleted"
    assert sofia.get(url(program)).status_code == 404


def test_editor_edits_and_deletes_a_metric(app, jim, program, kp):
    edit = url(program, f"/metrics/{program['metric']}/edit")
    assert 'value="Quiz score"' in jim.get(edit).get_data(as_text=True)
    assert post(jim, edit, {"metric-level": "3", "metric-name": "Deals using the method",
                            "metric-unit": "%", "metric-baseline": "50",
                            "metric-target": "1e2"}).status_code == 302
    with app.app_context():
        metric = kp.models.Metric.get_by_id(program["metric"])
        assert (metric.level, metric.name, metric.baseline, metric.target) == (
            3, "Deals using the method", 50.0, 100.0)
    assert "40 % of the way to target" in jim.get(url(program)).get_data(as_text=True)
    confirm = jim.get(url(program, f"/metrics/{program['metric']}/delete")).get_data(as_text=True)
    assert "Delete the metric “Deals using the method”?" in confirm and "2 measurements" in confirm
    assert post(jim, url(program, f"/metrics/{program['metric']}/delete")).status_code == 302
    rows = snapshot(app, kp)
    assert rows["Metric"] == [] and rows["Measurement"] == [] and len(rows["Program"]) == 1
    assert audit_actions(app)[-2:] == ["kirkpatrick_metric_edited", "kirkpatrick_metric_deleted"]


def test_a_metric_cannot_be_renamed_to_another_metrics_name(app, jim, program, kp):
    post(jim, url(program, "/metrics"), {"metric-level": "4", "metric-name": "Win rate",
                                         "metric-unit": "%", "metric-baseline": "20",
                                         "metric-target": "30"})
    before = snapshot(app, kp)
    response = post(jim, url(program, f"/metrics/{program['metric']}/edit"), {
        "metric-level": "2", "metric-name": "win RATE", "metric-unit": "%",
        "metric-baseline": "40", "metric-target": "80"})
    assert response.status_code == 400
    assert "already has a metric with that name" in response.get_data(as_text=True)
    assert snapshot(app, kp) == before


def test_editor_corrects_and_deletes_a_measurement(app, jim, program, kp):
    edit = url(program, f"/measurements/{program['measurement']}/edit")
    assert 'value="60.0"' in jim.get(edit).get_data(as_text=True)
    assert post(jim, edit, {"measurement-metric": str(program["metric"]),
                            "measurement-measured_on": "2026-01-31", "measurement-value": "64",
                            "measurement-source": "LMS", "measurement-note": "re-marked"}
                ).status_code == 302
    with app.app_context():
        row = kp.models.Measurement.get_by_id(program["measurement"])
        assert (row.value, row.measured_on.isoformat(), row.note) == (64.0, "2026-01-31", "re-marked")
    response = post(jim, url(program, f"/measurements/{program['other_measurement']}/delete"))
    assert response.status_code == 302
    with app.app_context():
        assert [m.id for m in kp.models.Measurement.select()] == [program["measurement"]]
    html = jim.get(url(program)).get_data(as_text=True)
    assert "60 % of the way to target" in html  # (64 - 40) / (80 - 40), the latest left
    assert audit_actions(app)[-2:] == ["kirkpatrick_measurement_edited",
                                       "kirkpatrick_measurement_deleted"]


def test_editor_edits_and_deletes_a_benefit(app, jim, program, kp):
    edit = url(program, f"/benefits/{program['benefit']}/edit")
    assert "Control group" in jim.get(edit).get_data(as_text=True)
    assert post(jim, edit, {"benefit-description": "Shorter sales cycle",
                            "benefit-amount": "15000", "benefit-isolation": "Trend line"}
                ).status_code == 302
    assert "Benefit-cost ratio 1.50 · ROI 50 %" in jim.get(url(program)).get_data(as_text=True)
    assert post(jim, url(program, f"/benefits/{program['benefit']}/delete")).status_code == 302
    assert snapshot(app, kp)["Benefit"] == []
    assert "Benefit-cost ratio 0.00 · ROI -100 %" in jim.get(url(program)).get_data(as_text=True)
    assert audit_actions(app)[-2:] == ["kirkpatrick_benefit_edited", "kirkpatrick_benefit_deleted"]


def test_a_follow_up_marked_done_by_mistake_can_be_undone(app, jim, program, kp):
    html = jim.get(url(program)).get_data(as_text=True)
    assert "Undo: day 30 not done yet" in html
    assert post(jim, url(program, "/follow-ups/30/undo")).status_code == 302
    assert snapshot(app, kp)["FollowUp"] == []
    assert audit_actions(app)[-1] == "kirkpatrick_follow_up_undone"
    assert "Mark day 30 done" in jim.get(url(program)).get_data(as_text=True)
    assert jim.post(url(program, "/follow-ups/45/undo"),
                    data={"csrf_token": "x"}).status_code in (400, 404)


# Members and viewers cannot ------------------------------------------------------------

@pytest.mark.parametrize("email", ["sam@supplier.example", "victor@client.example"])
def test_members_and_viewers_get_403_and_nothing_changes(app, as_user, program, kp, email):
    before, audited = snapshot(app, kp), audit_actions(app)
    client = as_user(email)
    for method, path, form in correction_routes(program):
        assert post(client, path, form).status_code == 403, path
    for path in edit_pages(program):
        assert client.get(path).status_code == 403, path
    assert snapshot(app, kp) == before and audit_actions(app) == audited
    html = client.get(url(program)).get_data(as_text=True)
    for control in ("Edit the program", "Delete the program", "Edit the metric", "Correct",
                    "/delete", "/undo", "/edit"):
        assert control not in html


# Other partnerships' records are not found -----------------------------------------------

def test_another_partnerships_records_give_404(app, jim, demo, program, kp):
    with app.app_context():
        other = Partnership.create(name="Other academy", client=demo.client, supplier=demo.supplier)
        PartnershipMember.create(partnership=other, role="editor",
                                 user=User.get(User.email == "jim@supplier.example"))
    theirs = make_program(app, jim, other.id, kp, name="Their academy")
    before = snapshot(app, kp)
    their_program_here = dict(theirs, pid=program["pid"])
    for method, path, form in correction_routes(their_program_here):
        assert post(jim, path, form).status_code == 404, path
    for path in edit_pages(their_program_here):
        assert jim.get(path).status_code == 404, path
    their_records_in_our_program = dict(theirs, pid=program["pid"], program=program["program"])
    for method, path, form in correction_routes(their_records_in_our_program):
        if "/metrics/" in path or "/measurements/" in path or "/benefits/" in path:
            assert post(jim, path, form).status_code == 404, path
    for path in edit_pages(their_records_in_our_program)[2:]:
        assert jim.get(path).status_code == 404, path
    assert snapshot(app, kp) == before


# Numbers ---------------------------------------------------------------------------------

@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_numbers_are_refused_beside_the_field_and_nothing_is_saved(
        app, jim, program, kp, hostile):
    before, audited = snapshot(app, kp), audit_actions(app)
    metric, measurement = str(program["metric"]), program["measurement"]
    attempts = [
        (url(program, "/metrics"), {"metric-level": "1", "metric-name": "New", "metric-unit": "%",
                                    "metric-baseline": hostile, "metric-target": "5"}, NUMBER_MESSAGE),
        (url(program, "/metrics"), {"metric-level": "1", "metric-name": "New", "metric-unit": "%",
                                    "metric-baseline": "1", "metric-target": hostile}, NUMBER_MESSAGE),
        (url(program, f"/metrics/{metric}/edit"), {
            "metric-level": "2", "metric-name": "Quiz score", "metric-unit": "%",
            "metric-baseline": hostile, "metric-target": "80"}, NUMBER_MESSAGE),
        (url(program, "/measurements"), {"measurement-metric": metric,
                                         "measurement-measured_on": "2026-03-01",
                                         "measurement-value": hostile}, NUMBER_MESSAGE),
        (url(program, f"/measurements/{measurement}/edit"), {
            "measurement-metric": metric, "measurement-measured_on": "2026-01-30",
            "measurement-value": hostile}, NUMBER_MESSAGE),
        (f"/partnerships/{program['pid']}/programs", {
            "name": "New", "starts_on": "2026-01-05", "ends_on": "2026-01-30",
            "cost": hostile}, MONEY_MESSAGE),
        (url(program, "/edit"), {"name": "Negotiation academy", "starts_on": "2026-01-05",
                                 "ends_on": "2026-01-30", "cost": hostile}, MONEY_MESSAGE),
        (url(program, "/benefits"), {"benefit-description": "New", "benefit-amount": hostile,
                                     "benefit-isolation": "Estimate"}, MONEY_MESSAGE),
        (url(program, f"/benefits/{program['benefit']}/edit"), {
            "benefit-description": "New", "benefit-amount": hostile,
            "benefit-isolation": "Estimate"}, MONEY_MESSAGE),
    ]
    for path, form, message in attempts:
        response = post(jim, path, form)
        html = response.get_data(as_text=True)
        assert response.status_code == 400, (path, hostile)
        assert 'class="field__error"' in html and message in html, (path, hostile)
    assert snapshot(app, kp) == before and audit_actions(app) == audited


@pytest.mark.parametrize("value", ["1e15", "-2e15", "123456789012345678"])
def test_numbers_too_large_for_the_arithmetic_are_refused(app, jim, program, kp, value):
    before = snapshot(app, kp)
    response = post(jim, url(program, f"/metrics/{program['metric']}/edit"), {
        "metric-level": "2", "metric-name": "Quiz score", "metric-unit": "%",
        "metric-baseline": value, "metric-target": "80"})
    assert response.status_code == 400 and NUMBER_MESSAGE in response.get_data(as_text=True)
    response = post(jim, url(program, "/edit"), {
        "name": "Negotiation academy", "starts_on": "2026-01-05", "ends_on": "2026-01-30",
        "cost": "999999999999.999"})
    assert response.status_code == 400 and MONEY_MESSAGE in response.get_data(as_text=True)
    assert snapshot(app, kp) == before


def test_csv_import_refuses_numbers_the_forms_refuse(app, jim, program, kp):
    import io

    before = snapshot(app, kp)
    text = "metric,date,value,source,note\n" + "".join(
        f"Quiz score,2026-03-01,{value},LMS,\n" for value in ("Infinity", "NaN", "1E+400", "١٢", "1_0"))
    response = post(jim, url(program, "/import"), {"file": (io.BytesIO(text.encode()), "m.csv")},
                    content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and html.count("is not a number.") == 5
    assert snapshot(app, kp) == before


# Values stored before the forms refused them -----------------------------------------------

def test_a_program_holding_non_finite_numbers_renders_and_can_be_corrected(
        app, jim, as_user, program, kp):
    with app.app_context():
        m = kp.models
        m.Metric.update(baseline=float("inf"), target=float("-inf")).where(
            m.Metric.id == program["metric"]).execute()
        m.Measurement.update(value=float("inf")).where(
            m.Measurement.id == program["other_measurement"]).execute()
        # PostgreSQL's numeric(14, 2) holds NaN but no infinity; SQLite holds infinity.
        money = (float("inf"), float("-inf")) if is_sqlite() else (Decimal("NaN"),) * 2
        m.Program.update(cost=money[0]).where(m.Program.id == program["program"]).execute()
        m.Benefit.update(amount=money[1]).where(m.Benefit.id == program["benefit"]).execute()
        if not is_sqlite():  # SQLite stores a NaN as NULL, which these columns refuse
            m.Measurement.update(value=float("nan")).where(
                m.Measurement.id == program["measurement"]).execute()
    for client in (jim, as_user("sam@supplier.example"), as_user("victor@client.example")):
        page = client.get(url(program))
        html = page.get_data(as_text=True)
        assert page.status_code == 200
        assert "not a number" in html and "ROI cannot be computed" in html
        assert client.get(f"/partnerships/{program['pid']}/programs").status_code == 200
        assert client.get(f"/partnerships/{program['pid']}/").status_code == 200
    # The edit pages show the broken number as missing; correcting it mends the page.
    edit = jim.get(url(program, f"/metrics/{program['metric']}/edit")).get_data(as_text=True)
    assert re.search(r'<input[^>]*name="metric-baseline"[^>]*value=""', edit)
    assert post(jim, url(program, f"/metrics/{program['metric']}/edit"), {
        "metric-level": "2", "metric-name": "Quiz score", "metric-unit": "%",
        "metric-baseline": "40", "metric-target": "80"}).status_code == 302
    assert post(jim, url(program, "/edit"), {"name": "Negotiation academy",
                                             "starts_on": "2026-01-05", "ends_on": "2026-01-30",
                                             "cost": "10000"}).status_code == 302
    assert post(jim, url(program, f"/measurements/{program['other_measurement']}/delete")
                ).status_code == 302
    html = jim.get(url(program)).get_data(as_text=True)
    assert "Benefit-cost ratio 0.00" in html  # the benefit still counts for nothing


def test_dates_past_the_calendar_are_refused_and_a_stored_one_still_renders(app, jim, program, kp):
    before = snapshot(app, kp)
    response = post(jim, url(program, "/edit"), {"name": "Negotiation academy",
                                                 "starts_on": "2026-01-05",
                                                 "ends_on": "9999-12-31", "cost": "1"})
    assert response.status_code == 400
    assert "Enter a date between 1900 and 2999." in response.get_data(as_text=True)
    assert snapshot(app, kp) == before
    with app.app_context():
        kp.models.Program.update(ends_on="9999-12-31").where(
            kp.models.Program.id == program["program"]).execute()
    assert jim.get(url(program)).status_code == 200
    assert jim.get(f"/partnerships/{program['pid']}/").status_code == 200

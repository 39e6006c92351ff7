"""Kirkpatrick tracking: programs, four-level metrics, measurements by hand and CSV, ROI."""
import datetime
import io

import pytest
from conftest import login, post



@pytest.fixture
def app(make_app):
    return make_app(PORTAL_PLUGINS_STRICT=True)


@pytest.fixture
def kp(app):
    """The plugin package the portal registered: `kp.models`, `kp.tracking` and so on."""
    return app.extensions["portal_plugins"].plugins["kirkpatrick"].module


@pytest.fixture
def pid(demo):
    return demo.id


@pytest.fixture
def editor(client, demo):
    login(client, "jim@supplier.example")
    return client


def make_program(client, pid, **over):
    data = {"name": "Negotiation academy", "audience": "Account managers",
            "starts_on": "2026-01-05", "ends_on": "2026-01-30", "cost": "10000"}
    data.update(over)
    return post(client, f"/partnerships/{pid}/programs", data)


def new_program(app, client, pid, kp, **over):
    response = make_program(client, pid, **over)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    with app.app_context():
        return kp.models.Program.select().order_by(kp.models.Program.id.desc()).first().id


def add_metric(client, pid, prog, level, name, unit, baseline, target):
    return post(client, f"/partnerships/{pid}/programs/{prog}/metrics",
                {"metric-level": str(level), "metric-name": name, "metric-unit": unit,
                 "metric-baseline": str(baseline), "metric-target": str(target)})


def four_metrics(client, pid, prog):
    for args in ((1, "Satisfaction", "score of 5", 0, 4.5), (2, "Quiz score", "%", 40, 80),
                 (3, "Deals using the method", "%", 10, 60), (4, "Win rate", "%", 20, 30)):
        assert add_metric(client, pid, prog, *args).status_code == 302


def upload(client, pid, prog, text, name="measurements.csv"):
    return post(client, f"/partnerships/{pid}/programs/{prog}/import",
                {"file": (io.BytesIO(text.encode()), name)},
                content_type="multipart/form-data")


def test_programs_tab_and_create(app, editor, pid, kp):
    page = editor.get(f"/partnerships/{pid}/programs").get_data(as_text=True)
    assert ">Programs</a>" in page and "New program" in page
    prog = new_program(app, editor, pid, kp)
    html = editor.get(f"/partnerships/{pid}/programs/{prog}").get_data(as_text=True)
    assert "Negotiation academy" in html and "Account managers" in html
    assert "10,000.00" in html
    assert f"/partnerships/{pid}/instruments/kirkpatrick_reaction/runs/new" in html


def test_negative_cost_refused_nothing_saved(app, editor, pid, kp):
    response = make_program(editor, pid, cost="-5")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "The cost cannot be negative." in html
    assert 'value="Negotiation academy"' in html  # what was typed is kept
    bad_dates = make_program(editor, pid, starts_on="2026-02-01", ends_on="2026-01-01")
    assert "cannot end before it starts" in bad_dates.get_data(as_text=True)
    with app.app_context():
        assert kp.models.Program.select().count() == 0


def test_metrics_at_four_levels_and_manual_measurement(app, editor, pid, kp):
    prog = new_program(app, editor, pid, kp)
    four_metrics(editor, pid, prog)
    dup = add_metric(editor, pid, prog, 2, "quiz score", "%", 0, 1)
    assert dup.status_code == 400 and "already has a metric" in dup.get_data(as_text=True)
    with app.app_context():
        assert sorted(m.level for m in kp.models.Metric.select()) == [1, 2, 3, 4]
        quiz = kp.models.Metric.get(kp.models.Metric.name == "Quiz score").id
    response = post(editor, f"/partnerships/{pid}/programs/{prog}/measurements",
                    {"measurement-metric": str(quiz), "measurement-measured_on": "2026-02-01",
                     "measurement-value": "60", "measurement-source": "LMS",
                     "measurement-note": "post-test"})
    assert response.status_code == 302
    bad = post(editor, f"/partnerships/{pid}/programs/{prog}/measurements",
               {"measurement-metric": str(quiz), "measurement-measured_on": "2026-02-01",
                "measurement-value": "lots"})
    assert bad.status_code == 400
    html = editor.get(f"/partnerships/{pid}/programs/{prog}").get_data(as_text=True)
    for level in ("Reaction", "Learning", "Behavior", "Results"):
        assert level in html
    assert "50 % of the way to target" in html  # (60 - 40) / (80 - 40)
    assert "<svg" in html
    with app.app_context():
        assert kp.models.Measurement.select().count() == 1


def test_csv_import_good(app, editor, pid, kp):
    prog = new_program(app, editor, pid, kp)
    four_metrics(editor, pid, prog)
    text = ("metric,date,value,source,note,unit\n"
            "Satisfaction,2026-01-30,4.2,Reaction form,,score of 5\n"
            "Quiz score,2026-01-30,72,LMS,final test,%\n"
            "Deals using the method,2026-03-01,35,CRM,,\n"
            "Win rate,2026-04-30,26,CRM,Q1,%\n")
    response = upload(editor, pid, prog, text)
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    with app.app_context():
        rows = {(m.metric.name, m.value, m.source) for m in kp.models.Measurement.select()}
    assert rows == {("Satisfaction", 4.2, "Reaction form"), ("Quiz score", 72.0, "LMS"),
                    ("Deals using the method", 35.0, "CRM"), ("Win rate", 26.0, "CRM")}
    assert "Imported 4 measurements" in editor.get(
        f"/partnerships/{pid}/programs/{prog}").get_data(as_text=True)


def test_csv_wrong_header_imports_nothing(app, editor, pid, kp):
    prog = new_program(app, editor, pid, kp)
    four_metrics(editor, pid, prog)
    response = upload(editor, pid, prog, "metric,when,value\nQuiz score,2026-01-30,72\n")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Nothing was imported" in html and "Wrong columns" in html
    assert "missing date, source, note" in html and "unexpected when" in html
    with app.app_context():
        assert kp.models.Measurement.select().count() == 0


def test_csv_one_bad_row_imports_nothing(app, editor, pid, kp):
    prog = new_program(app, editor, pid, kp)
    four_metrics(editor, pid, prog)
    text = ("metric,date,value,source,note,unit\n"
            "Quiz score,2026-01-30,72,LMS,,%\n"
            "Quiz score,30/01/2026,seventy,LMS,,%\n"
            "Win rate,2026-04-30,26,CRM,,EUR\n"
            "Charm,2026-04-30,1,CRM,,\n"
            "Satisfaction,2026-01-30,4.4,form,,\n")
    response = upload(editor, pid, prog, text)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "<td>3</td>" in html and "is not a date" in html and "is not a number" in html
    assert "<td>4</td>" in html and "does not match the metric" in html
    assert "<td>5</td>" in html and "No metric called" in html
    assert "<td>2</td>" not in html
    with app.app_context():
        assert kp.models.Measurement.select().count() == 0


def test_roi_numbers_exact(app, editor, pid, kp):
    prog = new_program(app, editor, pid, kp, cost="10000")
    for description, amount in (("Shorter sales cycle", "15000"), ("Fewer discounts", "10000")):
        response = post(editor, f"/partnerships/{pid}/programs/{prog}/benefits",
                        {"benefit-description": description, "benefit-amount": amount,
                         "benefit-isolation": "Control group of untrained managers"})
        assert response.status_code == 302
    missing = post(editor, f"/partnerships/{pid}/programs/{prog}/benefits",
                   {"benefit-description": "Guess", "benefit-amount": "5"})
    assert missing.status_code == 400 and "isolated" in missing.get_data(as_text=True)
    html = editor.get(f"/partnerships/{pid}/programs/{prog}").get_data(as_text=True)
    assert "Benefit-cost ratio 2.50 · ROI 150 %" in html
    assert "ROI % = (program benefits − program costs) ÷ program costs × 100" in html
    assert "Control group of untrained managers" in html
    with app.app_context():
        result = kp.tracking.roi(kp.models.Program.get_by_id(prog))
    assert result["bcr_text"] == "2.50" and result["percent_text"] == "150 %"


def test_roi_not_computable_without_cost(app, editor, pid, kp):
    prog = new_program(app, editor, pid, kp, cost="0")
    html = editor.get(f"/partnerships/{pid}/programs/{prog}").get_data(as_text=True)
    assert "ROI cannot be computed" in html


def test_follow_ups_due_after_end(app, editor, pid, kp, monkeypatch):
    prog = new_program(app, editor, pid, kp, starts_on="2026-01-05", ends_on="2026-01-30")
    end = datetime.date(2026, 1, 30)
    with app.app_context():
        program = kp.models.Program.get_by_id(prog)
        for offset, due in ((29, []), (30, [30]), (60, [30, 60]), (90, [30, 60, 90])):
            monkeypatch.setattr(kp.tracking, "today",
                                lambda o=offset: end + datetime.timedelta(days=o))
            assert [f["day"] for f in kp.tracking.follow_ups(program) if f["state"] == "due"] == due
        assert kp.tracking.status(program, datetime.date(2026, 1, 1)) == "upcoming"
        assert kp.tracking.status(program, datetime.date(2026, 1, 10)) == "running"
    monkeypatch.setattr(kp.tracking, "today", lambda: end + datetime.timedelta(days=61))
    html = editor.get(f"/partnerships/{pid}/").get_data(as_text=True)
    assert "Training programs" in html and "2 follow-ups due" in html
    assert post(editor, f"/partnerships/{pid}/programs/{prog}/follow-ups/30").status_code == 302
    html = editor.get(f"/partnerships/{pid}/").get_data(as_text=True)
    assert "1 follow-up due" in html


def test_member_cannot_create_viewer_reads(app, client, pid, kp):
    login(client, "sam@supplier.example")
    assert make_program(client, pid).status_code == 403
    with app.app_context():
        assert kp.models.Program.select().count() == 0
    page = client.get(f"/partnerships/{pid}/programs").get_data(as_text=True)
    assert "New program" not in page


def test_card_on_overview(app, editor, pid, kp, monkeypatch):
    new_program(app, editor, pid, kp, cost="10000")
    monkeypatch.setattr(kp.tracking, "today", lambda: datetime.date(2026, 1, 10))
    html = editor.get(f"/partnerships/{pid}/").get_data(as_text=True)
    assert 'data-testid="kirkpatrick-card"' in html
    assert "Negotiation academy" in html and "running" in html


def test_program_of_other_partnership_is_404(app, editor, pid, kp):
    prog = new_program(app, editor, pid, kp)
    assert editor.get(f"/partnerships/{pid}/programs/{prog + 100}").status_code == 404


def test_reaction_instrument_registered(app, editor, pid):
    response = editor.get(f"/partnerships/{pid}/instruments/kirkpatrick_reaction/runs/new")
    assert response.status_code == 200
    assert "Training reaction" in response.get_data(as_text=True)


def test_programs_write_dates_as_every_other_page_does(app, editor, pid, kp):
    prog = new_program(app, editor, pid, kp)
    for page in (f"/partnerships/{pid}/programs", f"/partnerships/{pid}/programs/{prog}"):
        html = editor.get(page).get_data(as_text=True)
        assert "05 Jan 2026 – 30 Jan 2026" in html, page
        assert "2026-01-05 –" not in html

"""The Health tab (issue 13): benefits both parties expect, trust from stored results,
two-way ratings with the gap between them, and a health score that says "No data"
rather than inventing one, marks stale measures, and keeps a person's override."""
import datetime as dt
import re
from html import unescape

import pytest
from conftest import post

from portal.accounts.models import Organization, User
from portal.audit import AuditEntry
from portal.instruments import registry
from portal.instruments import runs as run_ops
from portal.instruments.models import Answer, Run
from portal.partnerships.models import Partnership, PartnershipMember
from portal.scorecard import charts, store
from portal.scorecard.bands import from_scale
from portal.scorecard.models import Benefit, BenefitValue, HealthScore, Rating

PEGGY, CARLA, VICTOR = "peggy@client.example", "carla@client.example", "victor@client.example"
JIM, SOFIA, SAM = "jim@supplier.example", "sofia@supplier.example", "sam@supplier.example"


def health(demo):
    return f"/partnerships/{demo.id}/health"


def page_of(client, demo):
    response = client.get(health(demo))
    assert response.status_code == 200
    return response.get_data(as_text=True)


def user_id(app, email):
    with app.app_context():
        return User.get(User.email == email).id


def add_benefit(client, demo, owner_id, **fields):
    data = {"name": "Time to competence", "kind": "economic", "unit": "days", "target": "90",
            "direction": "lower", "owner": str(owner_id), "cadence_days": "30"}
    data.update(fields)
    return post(client, f"{health(demo)}/benefits", data)


def benefit_named(name):
    return Benefit.get(Benefit.name == name)


def add_value(client, demo, benefit_id, value, on=None, note=""):
    prefix = f"value-{benefit_id}-"
    return post(client, f"{health(demo)}/benefits/{benefit_id}/values",
                {prefix + "measured_on": (on or dt.date.today()).isoformat(),
                 prefix + "value": value, prefix + "note": note})


def measure_row(html, key):
    row = html[html.index(f'data-measure="{key}"'):]
    return row[:row.index("</tr>")]


def text_of(html):
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def test_a_partnership_without_data_shows_no_data_never_a_zero(app, demo, as_user):
    peggy = as_user(PEGGY)
    html = page_of(peggy, demo)
    score = html[html.index('data-testid="health-score"'):]
    score = score[:score.index("</p>")]
    assert "No data" in score and ">0<" not in score
    assert "pill--closed" in score  # the "No data" band, not "At risk"
    with app.app_context():
        row = HealthScore.get(HealthScore.partnership == demo.id)
    assert row.score is None and row.band == "no_data"
    overview = peggy.get(f"/partnerships/{demo.id}/").get_data(as_text=True)
    card = overview[overview.index('data-testid="health-card-score"'):]
    assert card[:card.index("</p>")].count("No data") == 1
    assert "At risk" not in card[:card.index("</p>")]


def test_benefits_of_both_sides_side_by_side_with_progress_and_values(app, demo, as_user):
    carla, jim = as_user(CARLA), as_user(JIM)
    assert add_benefit(carla, demo, user_id(app, CARLA)).status_code == 302
    assert add_benefit(jim, demo, user_id(app, JIM), name="Feedback shared in a week", kind="relational",
                       unit="%", target="80", direction="higher").status_code == 302
    with app.app_context():
        ours, theirs = benefit_named("Time to competence"), benefit_named("Feedback shared in a week")
    assert (ours.side, theirs.side) == ("client", "supplier")
    assert add_value(carla, demo, ours.id, "120", on=dt.date.today() - dt.timedelta(days=3)).status_code == 302
    assert add_value(carla, demo, ours.id, "100").status_code == 302
    assert add_value(jim, demo, theirs.id, "40").status_code == 302
    html = page_of(carla, demo)
    client_column = html[html.index('data-testid="benefits-client"'):html.index('data-testid="benefits-supplier"')]
    supplier_column = html[html.index('data-testid="benefits-supplier"'):html.index('id="add-benefit"')]
    assert "Time to competence" in client_column and "Feedback shared in a week" in supplier_column
    assert "90 % of the way to the target" in text_of(client_column)  # 90 / 100 days
    assert "50 % of the way to the target" in text_of(supplier_column)  # 40 of 80
    assert client_column.count('class="sparkline"') == 1
    # Benefits against target: the average of 90 and 50, the only measure with data.
    row = measure_row(html, "benefits")
    assert "<td>70</td>" in row and "100 %" in row
    # Carla keeps her side's benefits, never the other side's.
    assert f"/benefits/{ours.id}/edit" in client_column
    assert f"/benefits/{theirs.id}/edit" not in html
    assert jim.get(f"{health(demo)}/benefits/{ours.id}/edit").status_code == 403
    assert post(jim, f"{health(demo)}/benefits/{ours.id}/delete").status_code == 403
    assert add_value(jim, demo, ours.id, "80").status_code == 403
    with app.app_context():
        assert BenefitValue.select().where(BenefitValue.benefit == ours.id).count() == 2


def test_editing_and_removing_a_benefit(app, demo, as_user):
    carla = as_user(CARLA)
    add_benefit(carla, demo, user_id(app, CARLA))
    with app.app_context():
        benefit = benefit_named("Time to competence")
    add_value(carla, demo, benefit.id, "100")
    edit = f"{health(demo)}/benefits/{benefit.id}/edit"
    assert 'value="Time to competence"' in carla.get(edit).get_data(as_text=True)
    response = post(carla, edit, {"name": "Days to competence", "kind": "economic", "unit": "days",
                                  "target": "", "direction": "lower", "owner": str(user_id(app, PEGGY)),
                                  "cadence_days": "60"})
    assert response.status_code == 302
    with app.app_context():
        changed = Benefit.get_by_id(benefit.id)
    assert (changed.name, changed.target, changed.cadence_days) == ("Days to competence", None, 60)
    assert changed.owner_id == user_id(app, PEGGY)
    # A stranger as owner is refused beside the field, and nothing changes.
    with app.app_context():
        stranger = User.create(email="x@elsewhere.example", name="X", organization=demo.client_id,
                               password_hash="x")
    response = post(carla, edit, {"name": "Renamed", "kind": "economic", "unit": "", "target": "1",
                                  "direction": "lower", "owner": str(stranger.id), "cadence_days": "60"})
    assert response.status_code == 422
    assert "Choose a member of the partnership." in response.get_data(as_text=True)
    assert post(carla, f"{health(demo)}/benefits/{benefit.id}/delete").status_code == 302
    with app.app_context():
        assert not Benefit.select().where(Benefit.id == benefit.id).exists()
        assert not BenefitValue.select().where(BenefitValue.benefit == benefit.id).exists()
        assert AuditEntry.select().where(AuditEntry.action == "benefit_removed").count() == 1


@pytest.mark.parametrize("typed", ["nan", "inf", "-Infinity", "1e999", "twelve", "", "12 days", "٣"])
def test_a_value_that_is_not_a_finite_number_is_refused_and_nothing_is_lost(app, demo, as_user, typed):
    carla = as_user(CARLA)
    add_benefit(carla, demo, user_id(app, CARLA))
    with app.app_context():
        benefit = benefit_named("Time to competence")
    add_value(carla, demo, benefit.id, "100", note="first")
    response = add_value(carla, demo, benefit.id, typed, note="second")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Enter a number such as 12, -3.5 or 0.25" in html
    assert 'value="second"' in html  # what was typed is kept in the form
    with app.app_context():
        assert [v.value for v in BenefitValue.select().where(BenefitValue.benefit == benefit.id)] == [100.0]


def test_a_value_dated_in_the_future_is_refused(app, demo, as_user):
    carla = as_user(CARLA)
    add_benefit(carla, demo, user_id(app, CARLA))
    with app.app_context():
        benefit = benefit_named("Time to competence")
    response = add_value(carla, demo, benefit.id, "100", on=dt.date.today() + dt.timedelta(days=1))
    assert response.status_code == 422
    assert "choose today or an earlier date" in response.get_data(as_text=True)
    with app.app_context():
        assert BenefitValue.select().count() == 0


def test_a_measure_not_updated_within_its_cadence_is_marked_stale(app, demo, as_user):
    carla = as_user(CARLA)
    add_benefit(carla, demo, user_id(app, CARLA), cadence_days="30")
    with app.app_context():
        benefit = benefit_named("Time to competence")
    add_value(carla, demo, benefit.id, "100", on=dt.date.today() - dt.timedelta(days=29))
    html = page_of(carla, demo)
    assert 'data-testid="stale"' not in measure_row(html, "benefits")
    add_value(carla, demo, benefit.id, "95", on=dt.date.today() - dt.timedelta(days=31))
    html = page_of(carla, demo)  # the newest value is still 29 days old: not stale
    assert 'data-testid="stale"' not in measure_row(html, "benefits")
    with app.app_context():
        BenefitValue.update(measured_on=dt.date.today() - dt.timedelta(days=40)).execute()
        store.mark_dirty(demo.id)
    html = page_of(carla, demo)
    assert 'data-testid="stale"' in measure_row(html, "benefits")
    assert "1 stale measure<" in html
    benefit_card = html[html.index(f'id="benefit-{benefit.id}"'):]
    assert ">stale<" in benefit_card[:benefit_card.index("</h4>")]


def test_an_override_needs_a_reason_shows_who_survives_recompute_and_clears(app, demo, as_user):
    peggy, carla = as_user(PEGGY), as_user(CARLA)
    add_benefit(carla, demo, user_id(app, CARLA))
    with app.app_context():
        benefit = benefit_named("Time to competence")
    add_value(carla, demo, benefit.id, "100")  # 90 % of the way: computed 90
    response = post(peggy, f"{health(demo)}/override", {"score": "40", "reason": "  "})
    assert response.status_code == 422
    assert "Say why the computed score is set aside" in response.get_data(as_text=True)
    assert post(peggy, f"{health(demo)}/override", {"score": "140", "reason": "x"}).status_code == 422
    assert post(carla, f"{health(demo)}/override", {"score": "40", "reason": "x"}).status_code == 403
    with app.app_context():
        # Refused, the forms leave the table as it was: no row, no override.
        assert not HealthScore.select().where(HealthScore.override_score.is_null(False)).exists()
    response = post(peggy, f"{health(demo)}/override",
                    {"score": "40", "reason": "The supplier's lead trainer left last week."})
    assert response.status_code == 302
    html = page_of(carla, demo)
    override = text_of(html[html.index('data-testid="health-override"'):])
    assert "Peggy Olson set this month's score to 40" in override
    assert "The supplier's lead trainer left last week." in override
    assert "Computed from the measures: 90 (Healthy)" in override
    assert '<strong class="kpi__value">40</strong>' in html
    # A new value makes the score be worked out again: the override stays.
    add_value(carla, demo, benefit.id, "90")  # the target reached: computed 100
    html = page_of(carla, demo)
    assert '<strong class="kpi__value">40</strong>' in html
    assert "Computed from the measures: 100 (Healthy) ; it was 90 when the score was set" in text_of(html)
    with app.app_context():
        row = HealthScore.get(HealthScore.partnership == demo.id)
        assert (row.override_score, row.score, row.override_computed) == (40.0, 100.0, 90.0)
        assert AuditEntry.select().where(AuditEntry.action == "health_override_set").count() == 1
    assert post(peggy, f"{health(demo)}/override/clear").status_code == 302
    html = page_of(carla, demo)
    assert '<strong class="kpi__value">100</strong>' in html and "health-override" not in html
    with app.app_context():
        assert AuditEntry.select().where(AuditEntry.action == "health_override_cleared").count() == 1


def test_ratings_show_a_side_only_as_an_average_of_two_or_more(app, demo, as_user):
    peggy, carla, jim, sofia = as_user(PEGGY), as_user(CARLA), as_user(JIM), as_user(SOFIA)
    rate = f"{health(demo)}/ratings"
    assert post(peggy, rate, {"partnership": "5", "partner": "4", "comment": "Going well"}).status_code == 302
    html = page_of(jim, demo)
    table = text_of(html[html.index('data-testid="perceptions"'):html.index("</table>", html.index('data-testid="perceptions"'))])
    assert "Not enough ratings to show (1 of 2)" in table and "5.0" not in table
    assert "Going well" not in html  # a lone comment would be one person's view
    post(carla, rate, {"partnership": "4", "partner": "4", "comment": ""})
    post(jim, rate, {"partnership": "3", "partner": "2", "comment": ""})
    post(sofia, rate, {"partnership": "2", "partner": "3", "comment": ""})
    html = page_of(jim, demo)
    row = text_of(html[html.index('data-subject="partnership"'):])
    row = row[:row.index("points")]
    assert "4.5 of 5 (2 raters)" in row and "2.5 of 5 (2 raters)" in row
    assert "Perception gap: 2.0 points" in text_of(html)
    assert "Going well" in html
    # A person's latest rating counts: Peggy changes her mind.
    post(peggy, rate, {"partnership": "4", "partner": "4", "comment": ""})
    assert "Perception gap: 1.5 points" in text_of(page_of(jim, demo))
    refused = post(peggy, rate, {"partnership": "6", "partner": "", "comment": ""})
    assert refused.status_code == 422 and "Choose a rating from 1 to 5." in refused.get_data(as_text=True)


def test_viewers_read_but_cannot_rate_add_or_override(app, demo, as_user):
    victor = as_user(VICTOR)
    html = page_of(victor, demo)
    assert f"{health(demo)}/ratings" not in html and f"{health(demo)}/benefits" not in html
    assert f"{health(demo)}/override" not in html
    assert post(victor, f"{health(demo)}/ratings", {"partnership": "1", "partner": "1"}).status_code == 403
    assert add_benefit(victor, demo, user_id(app, VICTOR)).status_code == 403
    assert post(victor, f"{health(demo)}/override", {"score": "1", "reason": "x"}).status_code == 403
    # A member (not an editor) rates but keeps no benefits.
    sam = as_user(SAM)
    assert add_benefit(sam, demo, user_id(app, SAM)).status_code == 403
    assert post(sam, f"{health(demo)}/ratings", {"partnership": "3", "partner": "3"}).status_code == 302
    with app.app_context():
        assert Rating.select().count() == 2 and Benefit.select().count() == 0


def test_posts_without_the_csrf_token_are_refused(app, demo, as_user):
    carla = as_user(CARLA)
    response = carla.post(f"{health(demo)}/benefits", data={
        "name": "X", "kind": "economic", "direction": "higher", "owner": str(user_id(app, CARLA)),
        "cadence_days": "30"})
    assert response.status_code == 400
    assert carla.post(f"{health(demo)}/ratings", data={"partnership": "3", "partner": "3"}).status_code == 400
    with app.app_context():
        assert Benefit.select().count() == 0 and Rating.select().count() == 0


def test_another_partnerships_benefits_are_not_found(app, demo, as_user):
    with app.app_context():
        other_org = Organization.create(name="Other Supplier", kind="supplier")
        other = Partnership.create(name="Elsewhere", client=demo.client_id, supplier=other_org)
        sponsor = User.create(email="o@other.example", name="O", organization=other_org,
                              password_hash="x")
        PartnershipMember.create(partnership=other, user=sponsor, role="sponsor")
        hidden = Benefit.create(partnership=other, side="supplier", kind="economic", name="Hidden")
    jim = as_user(JIM)  # not a member of the other partnership
    assert jim.get(f"/partnerships/{other.id}/health").status_code == 404
    assert add_value(jim, other, hidden.id, "1").status_code == 404
    # Through the demo partnership's address, the other's benefit does not exist either.
    assert add_value(jim, demo, hidden.id, "1").status_code == 404
    assert jim.get(f"{health(demo)}/benefits/{hidden.id}/edit").status_code == 404
    assert post(jim, f"{health(demo)}/benefits/{hidden.id}/delete").status_code == 404
    with app.app_context():
        assert Benefit.get_by_id(hidden.id).name == "Hidden" and BenefitValue.select().count() == 0


def _answered_run(app, demo, as_user, instrument_id, values):
    """A named run of `instrument_id` answered by four people, closed: {person: {item: n}}."""
    peggy = as_user(PEGGY)
    new_run = f"/partnerships/{demo.id}/instruments/{instrument_id}/runs/new"
    assert post(peggy, new_run, {"title": "Spring check", "opens_on": dt.date.today().isoformat(),
                                 "audience": "both", "min_responses": "3"}).status_code == 302
    with app.app_context():
        run = Run.get(Run.instrument_id == instrument_id)
        questions = [q for q in registry.get(instrument_id).questions if q.type == "scale"]
    respond = f"/partnerships/{demo.id}/runs/{run.id}/respond"
    for email, answers in values.items():
        data = {f"q-{q.id}": str(answers.get(q.id, 3)) for q in questions}
        data["action"] = "submit"
        assert post(as_user(email), respond, data).status_code == 302
    with app.test_request_context():
        run_ops.close_run(Run.get_by_id(run.id))
    return run


def test_trust_comes_from_the_stored_results_of_closed_runs(app, demo, as_user):
    carla = as_user(CARLA)
    html = page_of(carla, demo)
    assert "No data" in html[html.index('data-testid="trust-now"'):][:400]
    run = _answered_run(app, demo, as_user, "six_principles", {
        PEGGY: {"credibility_expertise": 5, "credibility_recommendations": 4},
        CARLA: {"credibility_expertise": 4, "credibility_recommendations": 4},
        JIM: {"credibility_expertise": 3, "credibility_recommendations": 2},
        SOFIA: {"credibility_expertise": 4, "credibility_recommendations": 2}})
    with app.app_context():
        # The answers are gone; the run's stored tally is what trust is read from.
        Answer.delete().where(Answer.run == run.id).execute()
    expected = (from_scale(4.0) + from_scale(3.0)) / 2  # 75 and 50
    html = page_of(carla, demo)
    trust = text_of(html[html.index('data-testid="trust-now"'):])
    assert f"> {expected:.0f} of 100 Trust is reported" in trust
    runs = html[html.index('data-testid="trust-runs"'):]
    assert "Spring check" in runs[:runs.index("</ul>")]
    assert f"<td>{expected:.0f}</td>" in measure_row(html, "trust")


def test_a_plugins_measure_counts_with_its_weight(app, demo, as_user):
    """portal_health_measures, as the Kirkpatrick plugin implements it."""
    from portal.builtin_plugins.kirkpatrick.models import Measurement, Metric, Program

    with app.app_context():
        program = Program.create(partnership_id=demo.id, name="Managers", starts_on=dt.date(2026, 1, 1),
                                 ends_on=dt.date(2026, 3, 1))
        behaviour = Metric.create(program=program, level=3, name="Coaching talks", unit="per month",
                                  baseline=2, target=6)
        Metric.create(program=program, level=1, name="Reaction", unit="points", baseline=3, target=4.5)
        Measurement.create(metric=behaviour, measured_on=dt.date.today() - dt.timedelta(days=5), value=5)
    html = page_of(as_user(CARLA), demo)
    row = measure_row(html, "kirkpatrick")
    assert "Kirkpatrick results (levels 3 and 4)" in row and "Added by the kirkpatrick plugin" in row
    assert "<td>10</td>" in row and "<td>75</td>" in row and "100 %" in row  # 3 of the 4 steps
    assert '<strong class="kpi__value">75</strong>' in html


def test_the_score_is_reworked_after_a_change_in_the_partnership(app, demo, as_user):
    carla = as_user(CARLA)
    page_of(carla, demo)
    with app.app_context():
        assert HealthScore.get(HealthScore.partnership == demo.id).computed_at is not None
    post(carla, f"/partnerships/{demo.id}/actions", {"text": "Share the plan", "due_on": "2020-01-01",
                                                         "client_owner": "0", "supplier_owner": "0"})
    with app.app_context():
        assert HealthScore.get(HealthScore.partnership == demo.id).computed_at is None
    row = measure_row(page_of(carla, demo), "actions")
    assert "<td>0</td>" in row  # the one open action is overdue


def test_the_trend_axis_runs_from_0_to_100_and_a_month_without_data_is_a_gap():
    periods = store.months_back(dt.date(2026, 6, 1), 6)
    svg = str(charts.month_trend(periods, [40, 50, None, 60, 70, 80], "Health"))
    assert re.findall(r'data-tick="(\d+)"', svg) == ["0", "25", "50", "75", "100"]
    ys = {tick: float(y) for y, tick in re.findall(r'<text x="[\d.]+" y="([\d.]+)"[^>]*data-tick="(\d+)"', svg)}
    assert ys["0"] > ys["100"]  # 0 at the bottom
    assert svg.count("<polyline") == 2  # two stretches: the gap is not drawn as a zero
    assert svg.count("<circle") == 5
    assert "Jan" in svg and "Jun" in svg and "2026" in svg


def test_the_page_draws_the_trend_and_its_table(app, demo, as_user):
    with app.app_context():
        for months_ago, score in ((3, 55.0), (1, 62.0)):
            period = store.months_back(dt.date.today().replace(day=1), months_ago + 1)[0]
            HealthScore.create(partnership=demo.id, period=period, score=score, band="watch",
                               computed_at=dt.datetime(2026, 1, 1))
    html = page_of(as_user(CARLA), demo)
    trend = html[html.index('id="trend"'):html.index('id="benefits"')]
    assert re.findall(r'data-tick="(\d+)"', trend) == ["0", "25", "50", "75", "100"]
    hidden = text_of(trend[trend.index('class="visually-hidden"'):])
    assert "55" in hidden and "62" in hidden and "no data" in hidden


def test_the_portfolio_shows_the_health_worked_out_here(app, demo, as_user):
    """The portfolio's Health column reads the stored month (summary.health_for)."""
    peggy = as_user(PEGGY)
    assert "No data" in peggy.get("/portfolio").get_data(as_text=True)
    carla = as_user(CARLA)
    add_benefit(carla, demo, user_id(app, CARLA))
    with app.app_context():
        benefit = benefit_named("Time to competence")
    add_value(carla, demo, benefit.id, "100")
    page_of(carla, demo)  # worked out and stored: 90
    html = peggy.get("/portfolio").get_data(as_text=True)
    assert "Health</a>" in html and "<strong>90</strong>" in html and "Healthy" in html

"""The instrument engine: runs, answers, anonymity, results, exports, action items."""
import datetime as dt

import pytest
from conftest import DEMO_PASSWORD, login, post
from instrument_helpers import write_pulse

from portal.accounts.models import User
from portal.db import database, is_sqlite
from portal.demo import load_demo
from portal.instruments.models import ActionItem, Draft, Participation, Response, Run
from portal.partnerships.models import PartnershipMember

GOOD = {"q-trust": "4", "q-pace": "2", "q-meets": "1", "q-hours": "12", "q-mood": "up",
        "q-comment": "Keep going"}


@pytest.fixture
def setup(make_app):
    def build(anonymous=False, **config):
        write_pulse(make_app.plugins_dir, anonymous=anonymous)
        app = make_app(**config)
        with app.app_context():
            partnership, _ = load_demo(DEMO_PASSWORD)
        return app, partnership
    return build


def open_pulse(client, partnership, **fields):
    data = {"title": "Pulse spring", "opens_on": dt.date.today().isoformat(), "closes_on": "",
            "audience": "both", "min_responses": "3"}
    data.update(fields)
    page = f"/partnerships/{partnership.id}/instruments/pulse/runs/new"
    return post(client, page, data, page=page)


def started(setup, anonymous=False, **fields):
    """An app with the pulse instrument, and Jim (an editor) who has opened a run."""
    app, partnership = setup(anonymous=anonymous)
    jim = app.test_client()
    login(jim, "jim@supplier.example")
    if anonymous:
        fields.setdefault("anonymous", "y")
    open_pulse(jim, partnership, **fields)
    return app, partnership, jim


def run_id(app):
    with app.app_context():
        return Run.select().order_by(Run.id.desc()).first().id


def answer(app, partnership, email, data=GOOD, action="submit"):
    client = app.test_client()
    login(client, email)
    rid = run_id(app)
    page = f"/partnerships/{partnership.id}/runs/{rid}/respond"
    return client, post(client, page, dict(data, action=action), page=page)


def people(app, partnership, side, count, prefix="extra"):
    """More members on one side, so thresholds can be reached."""
    org = partnership.client if side == "client" else partnership.supplier
    emails = []
    with app.app_context():
        for i in range(count):
            user = User(email=f"{prefix}{i}@{side}.example", name=f"{side.title()} {prefix} {i}",
                        organization=org, password_hash=User.get(User.email == "peggy@client.example").password_hash)
            user.save()
            PartnershipMember.create(partnership=partnership, user=user, role="member")
            emails.append(user.email)
    return emails


def test_editor_opens_a_run_and_members_see_it_waiting(setup):
    app, partnership = setup()
    jim = app.test_client()
    login(jim, "jim@supplier.example")
    response = open_pulse(jim, partnership)
    assert response.status_code == 302
    rid = run_id(app)
    with app.app_context():
        run = Run.get_by_id(rid)
        assert (run.instrument_id, run.instrument_version, run.min_responses) == ("pulse", "1.0", 3)
    peggy = app.test_client()
    login(peggy, "peggy@client.example")
    assert "1 waiting for your answer" in peggy.get("/partnerships").get_data(as_text=True)
    overview = peggy.get(f"/partnerships/{partnership.id}/").get_data(as_text=True)
    assert "Waiting for your answer" in overview and "Pulse spring" in overview
    page = peggy.get(f"/partnerships/{partnership.id}/instruments").get_data(as_text=True)
    assert "Pulse check" in page and "Next due" in page
    next_due = (dt.date.today() + dt.timedelta(days=90)).strftime("%d %b %Y")
    assert next_due in page


def test_only_editors_open_runs(setup):
    app, partnership = setup()
    sam = app.test_client()
    login(sam, "sam@supplier.example")  # member
    assert sam.get(f"/partnerships/{partnership.id}/instruments/pulse/runs/new").status_code == 403
    assert open_pulse(sam, partnership).status_code == 403


def test_threshold_below_three_is_refused(setup):
    app, partnership = setup()
    jim = app.test_client()
    login(jim, "jim@supplier.example")
    response = open_pulse(jim, partnership, min_responses="2", anonymous="y")
    assert response.status_code == 422
    assert "Use at least 3" in response.get_data(as_text=True)
    with app.app_context():
        assert Run.select().count() == 0


def test_unknown_instrument_is_404(setup):
    app, partnership = setup()
    jim = app.test_client()
    login(jim, "jim@supplier.example")
    assert jim.get(f"/partnerships/{partnership.id}/instruments/nope/runs/new").status_code == 404


def test_invalid_answers_get_messages_next_to_fields_and_are_kept(setup):
    app, partnership, jim = started(setup)
    client, response = answer(app, partnership, "peggy@client.example",
                              {"q-trust": "7", "q-pace": "", "q-meets": "maybe",
                               "q-hours": "500", "q-mood": "sideways", "q-comment": "kept text"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    for message in ("Choose a value from 1 to 5.", "Answer this question.", "Answer yes or no.",
                    "Enter a number from 0 to 200.", "Choose one of the options."):
        assert message in html
    assert "kept text" in html
    with app.app_context():
        assert Response.select().count() == 0
        assert Draft.select().count() == 1  # what was typed is kept as a draft


def test_partial_answers_are_saved_and_restored(setup):
    app, partnership, jim = started(setup)
    client, response = answer(app, partnership, "peggy@client.example",
                              {"q-trust": "5", "q-comment": "half way"}, action="save")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'value="5" checked' in page and "half way" in page
    assert "Your answers are saved" in page


def test_htmx_autosave_answers_with_a_saved_status(setup):
    app, partnership, jim = started(setup)
    rid = run_id(app)
    page = f"/partnerships/{partnership.id}/runs/{rid}/respond"
    response = post(jim, page, {"q-trust": "3", "action": "save"}, page=page,
                    headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "Draft saved at" in response.get_data(as_text=True)


def test_a_response_cannot_be_submitted_twice(setup):
    app, partnership, jim = started(setup)
    client, first = answer(app, partnership, "peggy@client.example")
    assert first.status_code == 302
    rid = run_id(app)
    page = f"/partnerships/{partnership.id}/runs/{rid}/respond"
    again = post(client, page, dict(GOOD, action="submit"), page=f"/partnerships/{partnership.id}/")
    assert again.status_code == 302
    assert "already answered" in client.get(again.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        assert Response.select().count() == 1 and Participation.select().count() == 1


def test_closed_run_refuses_answers(setup):
    app, partnership, jim = started(setup)
    rid = run_id(app)
    post(jim, f"/partnerships/{partnership.id}/runs/{rid}/close", page=f"/partnerships/{partnership.id}/")
    client, response = answer(app, partnership, "peggy@client.example")
    assert response.status_code == 409
    assert "closed and no longer accepts answers" in response.get_data(as_text=True)
    with app.app_context():
        assert Response.select().count() == 0


def test_anonymous_answers_carry_no_link_to_their_author(setup):
    app, partnership, jim = started(setup, anonymous=True)
    for email in ("peggy@client.example", "carla@client.example", "jim@supplier.example"):
        answer(app, partnership, email)
    with app.app_context():
        rid = run_id(app)
        rows = list(Response.select().where(Response.run == rid).dicts())
        assert len(rows) == 3
        for row in rows:
            assert row["user"] is None and row["submitted_at"] is None
            assert len(row["id"]) == 32  # random, not a counter
        assert {row["batch"] for row in rows} == {1}  # released together, k = 3
        answer_columns = {c.name for c in database.get_columns("answer")}
        assert answer_columns == {"response_id", "run_id", "side", "batch", "question_id",
                                  "value_num", "value_text", "value_date"}
        participation_columns = {c.name for c in database.get_columns("participation")}
        assert participation_columns == {"run_id", "user_id"}
        response_columns = {c.name for c in database.get_columns("response")}
        assert response_columns == {"id", "run_id", "user_id", "side", "submitted_at", "batch"}
        assert Participation.select().where(Participation.run == rid).count() == 3
        assert Draft.select().count() == 0
        if is_sqlite():
            for table in ("response", "answer", "participation", "sealed_response"):
                sql = database.execute_sql(
                    "SELECT sql FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
                assert "WITHOUT ROWID" in sql, table


def test_anonymous_results_stay_hidden_below_the_threshold(setup):
    app, partnership, jim = started(setup, anonymous=True)
    rid = run_id(app)
    page = f"/partnerships/{partnership.id}/runs/{rid}/"
    assert "No responses yet" in jim.get(page).get_data(as_text=True)
    answer(app, partnership, "peggy@client.example")
    answer(app, partnership, "carla@client.example")
    html = jim.get(page).get_data(as_text=True)
    assert "Results hidden to protect anonymity" in html and "No responses yet" not in html
    assert "2 responses have come in" in html and "at least <strong>3</strong> people" in html
    assert "Keep going" not in html and "Trust averages" not in html
    assert jim.get(f"{page}results.csv").status_code == 404
    answer(app, partnership, "jim@supplier.example")
    html = jim.get(page).get_data(as_text=True)
    # The first batch of 3 is released, but while the run is open results stay one
    # step behind: the last step before closing could otherwise be one person.
    assert "Trust averages" not in html and "3 responses have come in" in html
    assert "3 more responses until the next update" in html
    post(jim, f"{page}close", page=page)
    html = jim.get(page).get_data(as_text=True)
    assert "Trust averages 4.00" in html and "Keep going" in html
    # 2 client answers and 1 supplier answer: one side would be revealed by subtraction.
    assert "each side has at least 3 responses" in html
    assert 'data-testid="side-comparison"' not in html


def test_anonymous_side_comparison_appears_at_close_when_both_sides_reach_the_threshold(setup):
    app, partnership, jim = started(setup, anonymous=True)
    clients = ["peggy@client.example", "carla@client.example"] + people(app, partnership, "client", 1)
    suppliers = ["jim@supplier.example", "sam@supplier.example", "sofia@supplier.example"]
    for email in clients:
        answer(app, partnership, email, dict(GOOD, **{"q-trust": "2"}))
    for email in suppliers:
        answer(app, partnership, email, dict(GOOD, **{"q-trust": "5"}))
    page = f"/partnerships/{partnership.id}/runs/{run_id(app)}/"
    html = jim.get(page).get_data(as_text=True)
    assert "These results count 3 of the 6 responses so far" in html
    assert 'data-testid="side-comparison"' not in html and "appears when the run closes" in html
    post(jim, f"{page}close", page=page)
    html = jim.get(page).get_data(as_text=True)
    assert 'data-testid="side-comparison"' in html
    assert "3 client and 3 supplier responses" in html


def test_results_show_averages_flags_interpretation_and_sides(setup):
    app, partnership, jim = started(setup)
    answer(app, partnership, "peggy@client.example", dict(GOOD, **{"q-trust": "3", "q-pace": "2"}))
    answer(app, partnership, "jim@supplier.example", dict(GOOD, **{"q-trust": "5", "q-pace": "4"}))
    html = jim.get(f"/partnerships/{partnership.id}/runs/{run_id(app)}/").get_data(as_text=True)
    assert "Trust averages 4.00" in html          # (3 + 5) / 2
    assert "Low: The pace suits us." in html      # (2 + 4) / 2 = 3 is flagged
    assert "Low: We trust each other." not in html
    assert 'data-testid="side-comparison"' in html  # not anonymous: sides compared at once
    assert "<svg" in html and "<script" not in html.split("<main", 1)[1]
    assert "<strong>2</strong> of 5 invited people have responded" in html


def test_csv_exports(setup):
    app, partnership, jim = started(setup)
    answer(app, partnership, "peggy@client.example")
    rid = run_id(app)
    results = jim.get(f"/partnerships/{partnership.id}/runs/{rid}/results.csv")
    assert results.mimetype == "text/csv"
    lines = results.get_data(as_text=True).splitlines()
    assert lines[0].startswith("question_id,section,question,type,answers,mean")
    assert any(line.startswith("trust,,We trust each other.,scale,1,4.000") for line in lines)
    raw = jim.get(f"/partnerships/{partnership.id}/runs/{rid}/answers.csv").get_data(as_text=True)
    assert "Peggy Olson,peggy@client.example,client" in raw and "Keep going" in raw


def test_exports_never_hand_a_spreadsheet_a_formula_and_are_not_cached(setup):
    app, partnership, jim = started(setup)
    with app.app_context():
        User.update(name='=HYPERLINK("http://evil.example","click")').where(
            User.email == "peggy@client.example").execute()
    answer(app, partnership, "peggy@client.example", dict(GOOD, **{"q-comment": "+SUM(1,2)"}))
    rid = run_id(app)
    raw = jim.get(f"/partnerships/{partnership.id}/runs/{rid}/answers.csv")
    text = raw.get_data(as_text=True)
    assert "'=HYPERLINK(" in text and "\n=HYPERLINK" not in text and ",=HYPERLINK" not in text
    assert "'+SUM(1,2)" in text
    assert raw.headers["Cache-Control"] == "no-store"
    results = jim.get(f"/partnerships/{partnership.id}/runs/{rid}/results.csv")
    assert results.headers["Cache-Control"] == "no-store"
    weekly = jim.get(f"/partnerships/{partnership.id}/enablement.csv")
    assert weekly.status_code == 200 and weekly.headers["Cache-Control"] == "no-store"


def test_a_csv_cell_is_neutralized_only_when_it_is_text():
    from portal.exports import cell

    assert [cell(v) for v in ("=1+1", "-2", "@x", "\tx", "plain", -2, 3.5, None)] == [
        "'=1+1", "'-2", "'@x", "'\tx", "plain", -2, 3.5, ""]


def test_raw_answers_of_an_anonymous_run_cannot_be_exported(setup):
    app, partnership, jim = started(setup, anonymous=True)
    assert jim.get(f"/partnerships/{partnership.id}/runs/{run_id(app)}/answers.csv").status_code == 404


def test_flag_becomes_an_action_and_the_next_run_shows_how_it_moved(setup):
    app, partnership = setup()
    jim = app.test_client()
    login(jim, "jim@supplier.example")
    open_pulse(jim, partnership, title="Pulse 1", opens_on=(dt.date.today() - dt.timedelta(days=30)).isoformat())
    answer(app, partnership, "peggy@client.example", dict(GOOD, **{"q-pace": "2"}))
    first = run_id(app)
    with app.app_context():
        peggy = User.get(User.email == "peggy@client.example")
        jim_user = User.get(User.email == "jim@supplier.example")
    response = post(jim, f"/partnerships/{partnership.id}/actions", {
        "text": "Agree a steadier pace", "client_owner": peggy.id, "supplier_owner": jim_user.id,
        "due_on": (dt.date.today() + dt.timedelta(days=14)).isoformat(),
        "run_id": first, "question_id": "pace", "baseline": "2.0"},
        page=f"/partnerships/{partnership.id}/actions")
    assert response.status_code == 302
    overview = jim.get(f"/partnerships/{partnership.id}/").get_data(as_text=True)
    assert "Agree a steadier pace" in overview
    post(jim, f"/partnerships/{partnership.id}/runs/{first}/close", page=f"/partnerships/{partnership.id}/")
    open_pulse(jim, partnership, title="Pulse 2")
    answer(app, partnership, "peggy@client.example", dict(GOOD, **{"q-pace": "4"}))
    html = jim.get(f"/partnerships/{partnership.id}/runs/{run_id(app)}/").get_data(as_text=True)
    assert 'data-testid="movements"' in html and "+2.00" in html
    assert 'data-testid="trend"' in html
    with app.app_context():
        action = ActionItem.get()
        assert (action.question_id, action.baseline, action.client_owner_id) == ("pace", 2.0, peggy.id)
    # closing the loop: the owner marks it done
    peggy_client = app.test_client()
    login(peggy_client, "peggy@client.example")
    post(peggy_client, f"/partnerships/{partnership.id}/actions/{action.id}/status",
         {"status": "done"}, page=f"/partnerships/{partnership.id}/actions")
    with app.app_context():
        assert ActionItem.get_by_id(action.id).status == "done"


def test_action_without_text_is_refused(setup):
    app, partnership = setup()
    jim = app.test_client()
    login(jim, "jim@supplier.example")
    response = post(jim, f"/partnerships/{partnership.id}/actions",
                    {"text": "", "client_owner": "0", "supplier_owner": "0"},
                    page=f"/partnerships/{partnership.id}/actions")
    assert response.status_code == 422
    assert "Describe the action." in response.get_data(as_text=True)


def test_results_stay_readable_after_the_plugin_is_removed_or_upgraded(setup, make_app):
    app, partnership, jim = started(setup)
    answer(app, partnership, "peggy@client.example")
    rid = run_id(app)
    (make_app.plugins_dir / "pulse.py").unlink()
    bare = make_app()
    client = bare.test_client()
    login(client, "jim@supplier.example")
    html = client.get(f"/partnerships/{partnership.id}/runs/{rid}/").get_data(as_text=True)
    assert "is not installed any more" in html and "We trust each other." in html
    assert "runs of instruments that are no longer installed" in client.get(
        f"/partnerships/{partnership.id}/instruments").get_data(as_text=True).lower()
    refused = client.get(f"/partnerships/{partnership.id}/runs/{rid}/respond")
    assert refused.status_code == 409 and "not installed any more" in refused.get_data(as_text=True)
    write_pulse(make_app.plugins_dir, version="2.0", name="pulse")
    upgraded = make_app()
    client = upgraded.test_client()
    login(client, "jim@supplier.example")
    html = client.get(f"/partnerships/{partnership.id}/runs/{rid}/").get_data(as_text=True)
    assert "collected with version 1.0" in html and "Trust averages" in html


def test_scoring_error_shows_a_calm_card_records_the_error_and_the_page_renders(setup, make_app):
    write_pulse(make_app.plugins_dir, score="lambda results: 1 / 0")
    app = make_app()
    with app.app_context():
        partnership, _ = load_demo(DEMO_PASSWORD)
    jim = app.test_client()
    login(jim, "jim@supplier.example")
    open_pulse(jim, partnership)
    answer(app, partnership, "peggy@client.example")
    overview = jim.get(f"/partnerships/{partnership.id}/")
    assert overview.status_code == 200
    html = overview.get_data(as_text=True)
    assert "Pulse check: this result could not be computed" in html
    assert "ZeroDivisionError" not in html  # members never see a traceback text
    assert "Jim Halpert" in html  # the rest of the page is there
    run_page = jim.get(f"/partnerships/{partnership.id}/runs/{run_id(app)}/").get_data(as_text=True)
    assert "This result could not be computed" in run_page and "We trust each other." in run_page
    assert "ZeroDivisionError" not in run_page
    admin = app.test_client()
    login(admin, "admin@portal.example")
    plugins_page = admin.get("/admin/plugins").get_data(as_text=True)
    assert "score of pulse" in plugins_page and "ZeroDivisionError: division by zero" in plugins_page


def test_raising_dashboard_card_plugin_gets_an_error_card(setup, make_app):
    (make_app.plugins_dir / "cardbomb.py").write_text(
        "from portal import hookimpl\n\n@hookimpl\ndef portal_dashboard_cards(partnership):\n"
        "    raise RuntimeError('card exploded')\n")
    app, partnership = setup()
    jim = app.test_client()
    login(jim, "jim@supplier.example")
    html = jim.get(f"/partnerships/{partnership.id}/").get_data(as_text=True)
    assert "cardbomb: this card could not be shown" in html and "card exploded" not in html
    assert "Action plan" in html
    admin = app.test_client()
    login(admin, "admin@portal.example")
    assert "RuntimeError: card exploded" in admin.get("/admin/plugins").get_data(as_text=True)


def test_malformed_instrument_fails_its_plugin_only(make_app):
    (make_app.plugins_dir / "badinst.py").write_text(
        "from portal import hookimpl\n\n@hookimpl\ndef portal_instruments():\n"
        "    return {'id': 'x', 'questions': 'nope'}\n")
    (make_app.plugins_dir / "badquestions.py").write_text(
        "from portal import Instrument, Question, hookimpl\n\n@hookimpl\ndef portal_instruments():\n"
        "    return Instrument(id='bq', version='1', title='t', summary='s', source='s',\n"
        "                      questions=(Question('a', 'A', type='slider'),), score=len)\n")
    app = make_app()
    plugins = app.extensions["portal_plugins"].plugins
    assert plugins["badinst"].status == "failed" and "expected an Instrument" in plugins["badinst"].error
    assert plugins["badquestions"].status == "failed" and "slider" in plugins["badquestions"].error
    assert not {"x", "bq"} & set(app.extensions["portal_instruments"])
    assert "relational_survey" in app.extensions["portal_instruments"]


def test_response_submitted_hook_never_learns_who_answered_anonymously(setup, make_app):
    (make_app.plugins_dir / "listener.py").write_text(
        "from portal import hookimpl\nSEEN = []\n\n@hookimpl\n"
        "def portal_response_submitted(run, response, respondent):\n"
        "    SEEN.append((run.id, respondent, response.answered, response.answers))\n")
    app, partnership, jim = started(setup, anonymous=True)
    answer(app, partnership, "peggy@client.example")
    listener = app.extensions["portal_plugins"].pm.get_plugin("listener")
    (seen,) = listener.SEEN
    # Not who, not what, not even which questions: in the respondent's own request any of
    # it could be tied to the person.
    assert seen == (run_id(app), None, (), {})


def test_response_submitted_hook_gets_records_of_a_named_response(setup, make_app):
    (make_app.plugins_dir / "listener.py").write_text(
        "from portal import hookimpl\nSEEN = []\n\n@hookimpl\n"
        "def portal_response_submitted(run, response, partnership, respondent):\n"
        "    SEEN.append((run, response, partnership, respondent))\n")
    app, partnership, jim = started(setup, anonymous=False)
    answer(app, partnership, "peggy@client.example")
    listener = app.extensions["portal_plugins"].pm.get_plugin("listener")
    ((run, response, where, respondent),) = listener.SEEN
    assert (run.instrument_id, run.anonymous, where.id) == ("pulse", False, partnership.id)
    assert (respondent.name, respondent.organization.name) == ("Peggy Olson", "Northwind Learning")
    assert response.run == run and response.answers["trust"] == 4.0
    assert set(response.answered) == set(response.answers)


def test_named_audience_invites_only_the_named(setup):
    app, partnership = setup()
    jim = app.test_client()
    login(jim, "jim@supplier.example")
    with app.app_context():
        carla = User.get(User.email == "carla@client.example")
    open_pulse(jim, partnership, audience="named", named=str(carla.id))
    _, refused = answer(app, partnership, "peggy@client.example")
    assert refused.status_code == 403
    _, accepted = answer(app, partnership, "carla@client.example")
    assert accepted.status_code == 302

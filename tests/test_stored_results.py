"""Stored results (issue 12): a run's tally is kept as answers arrive, so no page counts
answers, and what is kept is exactly what counting the answers gives."""
import datetime as dt
import json
import random

import pytest
from instrument_helpers import write_pulse
from test_statement_counts import counted

from portal.instruments import aggregate, answers as answer_store, registry, tallies
from portal.instruments.models import Run, RunTally
from portal.instruments.runs import close_run, open_run
from portal.partnerships.models import Partnership
from portal.testing import _respondent, log_in, results_of

K = 3


@pytest.fixture
def portal_plugins(tmp_path):
    (tmp_path / "plugins").mkdir()
    write_pulse(tmp_path / "plugins")
    return ["pulse"]


def _raw(n, rng):
    """What the nth respondent types into the pulse form: every kind of question."""
    return {"trust": str(rng.randint(1, 5)), "pace": str(rng.randint(1, 5)),
            "meets": rng.choice(["1", "0"]), "hours": rng.choice(["", "7", "12.5", "40"]),
            "mood": rng.choice(["", "up", "down"]),
            "comment": rng.choice(["", f"Comment {n:02d}", "Same again", "Ärger"])}


def _submit_many(app, partnership, run_id, count, seed=7):
    """`count` people of both sides answer; returns what they gave, as the form takes it."""
    rng, given, sides = random.Random(seed), [], []
    with app.app_context():
        run = Run.get_by_id(run_id)
        questions = registry.questions_of(run)
    for n in range(count):
        side = ("client", "supplier")[n % 2]
        email = _respondent(app, partnership, side, n // 2)
        raw = _raw(n, rng)
        with app.test_request_context():
            from portal.accounts.models import User

            user = User.get(User.email == email)
            valid, errors = answer_store.validate(questions, raw)
            assert not errors
            answer_store.submit(Run.get_by_id(run_id), user, side, valid)
        given.append(raw)
        sides.append(side)
    return given, sides


def _open(app, partnership, anonymous):
    with app.app_context():
        return open_run(Partnership.get_by_id(partnership.id), registry.get("pulse"),
                        title="Pulse", opens_on=dt.date.today(), closes_on=None,
                        audience="both", anonymous=anonymous, min_responses=K).id


def _same(stored_json, tally):
    """Equal as tallies: the order rows come in from JSON or from a query is no matter."""
    def canon(data):
        return {key: sorted(map(json.dumps, rows)) for key, rows in data.items()}
    return canon(json.loads(stored_json)) == canon(json.loads(json.dumps(tally.to_json())))


def test_a_named_runs_stored_tally_is_what_counting_its_answers_gives(
        portal_app, portal_partnership):
    run_id = _open(portal_app, portal_partnership, anonymous=False)
    given, sides = _submit_many(portal_app, portal_partnership, run_id, 14)
    with portal_app.test_request_context():
        run = Run.get_by_id(run_id)
        row = RunTally.get_by_id(run_id)
        assert _same(row.latest, tallies.count_answers(run, registry.questions_of(run)))
        from portal.instruments.results import run_results

        shown = run_results(run).results  # as the page shows them, from the stored row
        by_hand = results_of(registry.get("pulse"), [
            {k: v for k, v in raw.items() if v != ""} for raw in given], sides=sides)
    assert shown.responses == 14
    for qid, item in by_hand.items.items():
        assert shown.items[qid].distribution == item.distribution, qid
        assert shown.items[qid].mean == pytest.approx(item.mean) if item.mean else True
        assert shown.items[qid].texts == item.texts and shown.items[qid].count == item.count
    assert shown.by_side["client"].responses == 7
    assert (shown.by_side["supplier"].items["trust"].distribution
            == by_hand.by_side["supplier"].items["trust"].distribution)


def test_an_anonymous_runs_tally_keeps_the_newest_batch_and_the_one_before(
        portal_app, portal_partnership):
    run_id = _open(portal_app, portal_partnership, anonymous=True)
    _submit_many(portal_app, portal_partnership, run_id, 8)  # two batches of 3, 2 sealed
    with portal_app.test_request_context():
        run = Run.get_by_id(run_id)
        questions = registry.questions_of(run)
        row = RunTally.get_by_id(run_id)
        assert row.batch == 2
        assert _same(row.latest, tallies.count_answers(run, questions))
        assert _same(row.previous, tallies.count_answers(run, questions, upto=1))
        assert tallies.Tally.from_json(json.loads(row.previous)).responses == 3
        close_run(run)
        row = RunTally.get_by_id(run_id)
        assert row.batch == 3 and tallies.Tally.from_json(json.loads(row.latest)).responses == 8
        assert _same(row.latest, tallies.count_answers(run, questions))


def test_the_results_page_and_the_overview_read_no_answer(portal_app, portal_partnership):
    run_id = _open(portal_app, portal_partnership, anonymous=False)
    _submit_many(portal_app, portal_partnership, run_id, 6)
    client = log_in(portal_app.test_client(), portal_partnership.emails["editor", "client"])
    pages = [f"/partnerships/{portal_partnership.id}/runs/{run_id}/",
             f"/partnerships/{portal_partnership.id}/"]
    for url in pages:
        with counted() as statements:
            html = client.get(url).get_data(as_text=True)
        assert "Trust averages" in html, url
        assert not [s for s in statements if 'FROM "answer"' in s], url


def test_a_run_without_a_stored_tally_gets_one_when_its_results_are_read(
        portal_app, portal_partnership):
    """Runs from before stored results, or answers written around the portal."""
    run_id = _open(portal_app, portal_partnership, anonymous=False)
    _submit_many(portal_app, portal_partnership, run_id, 4)
    client = log_in(portal_app.test_client(), portal_partnership.emails["editor", "client"])
    url = f"/partnerships/{portal_partnership.id}/runs/{run_id}/"
    before = client.get(url).get_data(as_text=True)
    with portal_app.app_context():
        RunTally.delete().execute()
    after = client.get(url).get_data(as_text=True)
    headline = before[before.index("Trust averages"):][:40]
    assert headline in after
    with portal_app.app_context():
        assert RunTally.get_or_none(RunTally.run == run_id) is not None


def test_a_tally_stays_small_and_keeps_every_count_and_typed_key():
    """More texts than a page lists: the count is of all of them, the list the first in
    text order; keys keep their type (7, 2.5, "7") and a missing side survives JSON."""
    from portal.instruments.api import Question

    questions = (Question("note", "Note", type="text", required=False),
                 Question("hours", "Hours", type="number", minimum=0, maximum=99, required=False),
                 Question("pick", "Pick", type="choice", choices=[["7", "Seven"], ["x", "Ex"]],
                          required=False))
    by_id = {q.id: q for q in questions}
    tally = aggregate.Tally()
    texts = [f"text {n:03d}" for n in range(260)]
    random.Random(3).shuffle(texts)
    for n, text in enumerate(texts):
        tally.add(by_id, (None, "client")[n % 2],
                  {"note": (None, text, None), "hours": (7.0 if n % 2 else 2.5, None, None),
                   "pick": (None, "7", None)})
    again = aggregate.Tally.from_json(json.loads(json.dumps(tally.to_json())))
    assert sum(len(entries) for entries in again.written.values()) <= 2 * aggregate.MAX_TEXTS
    items = aggregate.item_results(questions, again, None)
    assert items["note"].count == 260
    assert items["note"].texts == tuple(f"text {n:03d}" for n in range(aggregate.MAX_TEXTS))
    assert items["hours"].distribution == {2.5: 130, 7: 130}
    assert items["pick"].distribution == {"7": 260, "x": 0}
    assert again.sides == {None: 130, "client": 130}
    assert aggregate.item_results(questions, again, "client")["note"].count == 130

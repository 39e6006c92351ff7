"""Results kept as they change (issue 12): pages read a run's tally, never count answers.

A run's tally (aggregate.Tally) is stored in `run_tally` and folded forward in the
transaction that changes the answers: a named response when it is submitted, an
anonymous batch when it is released (sealing.py), the jointly kept record of a
checklist when it is saved. The results page and the dashboard cards read one row, so
they cost the same at 100,000 responses as at 1,000. The tally is counted from the
answers by the database (`count_answers`) only when a run has none yet: runs from
before stored results, or answers written around the portal (benchmarks, a restore).

While an anonymous run is open its results stop one batch short of the newest
(results._stepped), so the row also keeps the tally as it was before the newest batch.
"""
import functools
import json

from peewee import fn

from portal.db import is_sqlite, write_transaction
from portal.instruments import registry
from portal.instruments.aggregate import Tally, number_key
from portal.prepared import Prepared
from portal.instruments.models import Answer, Response, Run, RunTally, SealedResponse


def count_answers(run, questions, upto=None):
    """The tally of a run's stored answers, through batch `upto` (None: all of them).

    One GROUP BY over the covering index (run, question, side, value) gives every
    numeric distribution for the whole run and for each side at once. Choices and texts
    are read only for the questions that have them; responses are counted per side.
    """
    by_id = {q.id: q for q in questions}
    tally = Tally()
    scope, responses = Answer.run == run.id, Response.run == run.id
    if upto is not None:
        scope &= Answer.batch <= upto
        responses &= Response.batch <= upto
    for side, count in (Response.select(Response.side, fn.COUNT(Response.id))
                        .where(responses).group_by(Response.side).tuples()):
        tally.responded(side, count)
    for qid, side, num, count in (
            Answer.select(Answer.question_id, Answer.side, Answer.value_num,
                          fn.COUNT(Answer.question_id))
            .where(scope, Answer.value_num.is_null(False))
            .group_by(Answer.question_id, Answer.side, Answer.value_num).tuples()):
        tally.count(qid, side, number_key(num), count)
    choice_ids = [q.id for q in questions if q.type == "choice"]
    if choice_ids:
        for qid, side, text, count in (
                Answer.select(Answer.question_id, Answer.side, Answer.value_text,
                              fn.COUNT(Answer.question_id))
                .where(scope, Answer.question_id.in_(choice_ids))
                .group_by(Answer.question_id, Answer.side, Answer.value_text).tuples()):
            tally.count(qid, side, by_id[qid].answer_key(text), count)
    wordy = [q.id for q in questions if q.type in ("text", "step")]
    if wordy:
        for qid, side, text, date in (
                Answer.select(Answer.question_id, Answer.side, Answer.value_text, Answer.value_date)
                .where(scope, Answer.question_id.in_(wordy)).tuples()):
            tally.write(qid, side, text, date)
    return tally


def _dump(tally):
    return json.dumps(tally.to_json(), separators=(",", ":"))


def _load(text):
    return Tally.from_json(json.loads(text))


def _lock(run):
    """PostgreSQL: one writer of a run's tally at a time (SQLite's IMMEDIATE
    transaction already is the only writer)."""
    if not is_sqlite():
        Run.select(Run.id).where(Run.id == run.id).for_update().execute()


def _rebuild(run):
    questions = registry.questions_of(run)
    latest = Response.select(fn.MAX(Response.batch)).where(Response.run == run.id).scalar() or 0
    row = {"run": run.id, "batch": latest, "latest": _dump(count_answers(run, questions)),
           "previous": _dump(count_answers(run, questions, latest - 1)) if latest else None}
    RunTally.delete().where(RunTally.run == run.id).execute()
    RunTally.insert(row).execute()
    return RunTally(**row)


def start(run):
    """A new run's tally: nothing counted yet, so reading it never has to write."""
    RunTally.insert(run=run.id, batch=0, latest=_dump(Tally())).execute()


def rebuild(run):
    """Count the run's answers again and store the tally; returns the stored row."""
    with write_transaction():
        _lock(run)
        return _rebuild(run)


def _rows():
    """Tally rows, each with `waiting`: the run's sealed responses not yet released,
    which the results of an open anonymous run mention."""
    waiting = (SealedResponse.select(fn.COUNT(SealedResponse.id))
               .where(SealedResponse.run == RunTally.run))
    return RunTally.select(RunTally, waiting.alias("waiting"))


def stored(run):
    """The run's stored tally row, counted now if it has none."""
    row = _ONE.first(run.id)
    return row if row is not None else rebuild(run)


_ONE = Prepared(lambda run_id: _rows().where(RunTally.run == run_id).limit(1))


def stored_for(runs):
    """{run id: stored row} for several runs, in one statement."""
    ids = [run.id for run in runs]
    return {row.run_id: row for row in _SEVERAL.rows(ids)} if ids else {}


_SEVERAL = Prepared(lambda ids: _rows().where(RunTally.run.in_(ids)))


def tally(run, row, upto=None):
    """The tally the results show: through batch `upto` (None: every response)."""
    return shown(run, row, upto)[0]


def shown(run, row, upto=None):
    """(tally, its stored text or None): the tally the results show, through batch
    `upto` (None: every response). A stored tally is parsed once per text and shared:
    read it, never change it."""
    if upto is None or upto >= row.batch:
        return parsed(row.latest), row.latest
    if upto == row.batch - 1 and row.previous is not None:
        return parsed(row.previous), row.previous
    return count_answers(run, registry.questions_of(run), upto), None


@functools.lru_cache(maxsize=256)
def parsed(text):
    """A stored tally, parsed once per text and shared: read it, never change it."""
    return _load(text)


def _update(run, fold, batch=None):
    """Fold something into the stored tally, in the caller's transaction."""
    _lock(run)
    row = RunTally.get_or_none(RunTally.run == run.id)
    if row is None or (batch is not None and row.batch != batch - 1):
        _rebuild(run)  # counts what the caller has just written, too
        return
    latest = _load(row.latest)
    fold(latest, {q.id: q for q in registry.questions_of(run)})
    changes = {RunTally.latest: _dump(latest)}
    if batch is not None:
        changes.update({RunTally.batch: batch, RunTally.previous: row.latest})
    RunTally.update(changes).where(RunTally.run == run.id).execute()


def add_response(run, side, answers):
    """A named response was stored: {question id: (number, text, date)}."""
    _update(run, lambda latest, by_id: latest.add(by_id, side, answers))


def add_batch(run, batch, responses):
    """An anonymous batch was released: [(side, answers), ...]."""
    def fold(latest, by_id):
        for side, answers in responses:
            latest.add(by_id, side, answers)
    _update(run, fold, batch=batch)


def record_replaced(run):
    """The jointly kept record of a checklist was replaced: one response, counted again."""
    _lock(run)
    _rebuild(run)

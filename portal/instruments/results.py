"""Results of a run: aggregated in the database, hidden where anonymity needs it.

Nothing here loops over answer rows in Python: counts, averages and distributions are
GROUP BY queries, so a run with 10,000 responses costs a handful of queries.
"""
import datetime as dt
import logging
from dataclasses import dataclass, field

from flask import current_app, g, has_request_context
from peewee import fn

from portal.instruments import aggregate, registry, sealing
from portal.instruments.api import Interpretation, Results
from portal.instruments.models import Answer, Response, Run
from portal.plugins import faults

log = logging.getLogger(__name__)
SIDES = aggregate.SIDES


@dataclass
class RunResults:
    """What the results page shows for one run."""

    run: Run
    questions: tuple
    responses: int
    visibility: str  # "empty", "below-threshold" or "visible"
    results: Results | None = None
    side_counts: dict = field(default_factory=dict)
    sides_hidden_reason: str = ""
    interpretation: Interpretation | None = None
    score_error: str = ""
    plugin_state: str = "installed"  # installed, upgraded, missing
    received: int = 0  # anonymous: every submitted response, in a result or still sealed
    next_update_in: int = 0  # anonymous and open: responses until the results move again

    @property
    def visible(self):
        return self.visibility == "visible"


def _aggregate(run, questions, upto=None):
    """({question id: ItemResult}, {side: {question id: ItemResult}}) for one run.

    One GROUP BY over the covering index (run, question, side, value) gives every
    numeric distribution for the whole run and for each side at once; counts and means
    follow from the distributions (aggregate.item_results). Choices and texts are read
    only for the questions that have them.
    """
    by_id = {q.id: q for q in questions}
    tally = aggregate.Tally()
    scope = Answer.run == run.id
    if upto is not None:  # an anonymous run's results stop at a released batch
        scope &= Answer.batch <= upto
    for qid, side, num, count in (
            Answer.select(Answer.question_id, Answer.side, Answer.value_num,
                          fn.COUNT(Answer.question_id))
            .where(scope, Answer.value_num.is_null(False))
            .group_by(Answer.question_id, Answer.side, Answer.value_num).tuples()):
        tally.count(qid, side, aggregate.number_key(num), count)
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
        # Sorted by the text itself, never by when it was written.
        for qid, side, text, date in (
                Answer.select(Answer.question_id, Answer.side, Answer.value_text, Answer.value_date)
                .where(scope, Answer.question_id.in_(wordy))
                .order_by(Answer.question_id, Answer.value_text).tuples()):
            tally.write(qid, side, text, date)
    return (aggregate.item_results(questions, tally, None),
            {side: aggregate.item_results(questions, tally, side) for side in SIDES})


def _context(run, today=None):
    partnership = run.partnership
    return {"today": today or dt.date.today(), "stage": partnership.stage,
            "contract_end": partnership.contract_end}


def side_counts(run, upto=None):
    scope = Response.run == run.id
    if upto is not None:
        scope &= Response.batch <= upto
    rows = (Response.select(Response.side, fn.COUNT(Response.id))
            .where(scope, Response.side.is_null(False))
            .group_by(Response.side).tuples())
    return {side: count for side, count in rows}


def _stepped(run, out, today):
    """The last released batch an anonymous run's results may show, or None for a named
    run or a checklist (whose results show every response).

    Anonymous answers reach the results in batches of at least k (sealing.py). While the
    run is open the results stop one batch short of the newest, so the last step before
    closing, which may hold fewer than k, is never the only difference between two
    views: every change a member can observe adds at least k responses. A run closed
    (by hand or by its date) releases what was sealed and shows everything.
    """
    if not run.anonymous or run.meta.get("shared"):
        return None
    closed = run.state(today) == "closed"
    if closed and sealing.waiting(run):
        sealing.release(run, force=True)
    latest = (Response.select(fn.MAX(Response.batch)).where(Response.run == run.id).scalar()
              or 0)
    waiting = sealing.waiting(run)
    out.received = waiting + Response.select().where(Response.run == run.id).count()
    if not closed:
        out.next_update_in = max(1, run.min_responses - waiting)
    # Responses from before batches existed (batch 0) count as released long ago.
    return latest if closed else max(0, latest - 1)


def run_results(run, today=None, score=True):
    """Aggregate, apply the anonymity rules, and (with `score`) interpret one run."""
    questions = registry.questions_of(run)
    shared = run.meta.get("shared")
    out = RunResults(run=run, questions=questions, responses=0, visibility="visible")
    upto = _stepped(run, out, today)
    counted = Response.select().where(Response.run == run.id)
    if upto is not None:
        counted = counted.where(Response.batch <= upto)
    responses = out.responses = counted.count()
    instrument = registry.live_instrument(run)
    if instrument is None:
        out.plugin_state = "missing"
    elif instrument.version != run.instrument_version:
        out.plugin_state = "upgraded"
    if responses == 0 and not shared and not out.received:  # an untouched checklist is still one
        out.visibility = "empty"
        return out
    if run.anonymous and not shared and responses < run.min_responses:
        out.visibility = "below-threshold"
        return out
    overall, sides = _aggregate(run, questions, upto)
    context = _context(run, today)
    by_side = {}
    if not shared and run.record_side:
        out.side_counts = side_counts(run, upto)
        counts = [out.side_counts.get(side, 0) for side in SIDES]
        if run.anonymous and run.state(today) != "closed":
            # A side's share of each step could be one person: compared once, at the end.
            out.sides_hidden_reason = ("The comparison of sides appears when the run "
                                       "closes, so no update reveals one side's newest "
                                       "answers.")
        elif run.anonymous and min(counts) < run.min_responses:
            # Showing one side would reveal the other by subtraction from the total.
            out.sides_hidden_reason = (
                f"The comparison of sides appears once each side has at least "
                f"{run.min_responses} responses.")
        elif min(counts) == 0:
            out.sides_hidden_reason = "Only one side has answered so far."
        else:
            by_side = {side: Results(instrument_id=run.instrument_id,
                                     responses=out.side_counts[side], items=sides[side],
                                     context=context, side=side)
                       for side in SIDES}
    elif not shared:
        out.sides_hidden_reason = "This run does not record which side answered."
    out.results = Results(instrument_id=run.instrument_id, responses=responses,
                          items=overall, by_side=by_side, context=context)
    if instrument is not None and score:
        out.interpretation, out.score_error = interpret(instrument, out.results)
    return out


def interpret(instrument, results):
    """Call the plugin's scoring function; a failure becomes a message, not a 500.

    The failure is recorded for the site admin's plugins page under the plugin that
    registered the instrument; pages tell members only that the interpretation is
    missing (the figures are computed by the portal and stay correct).
    """
    try:
        interpretation = instrument.score(results)
        if not isinstance(interpretation, Interpretation):
            raise TypeError(f"score returned {type(interpretation).__name__}, "
                            "not an Interpretation")
        return interpretation, ""
    except Exception as exc:  # noqa: BLE001 - plugin code
        log.exception("instrument %s failed to score", instrument.id)
        message = f"{type(exc).__name__}: {exc}"
        owner = current_app.extensions.get("portal_instruments", {}).get(instrument.id)
        faults.record(owner[0] if owner else instrument.id, f"score of {instrument.id}", message)
        if current_app.extensions["portal_plugins"].strict:
            raise
        return None, message


def trend(current):
    """Earlier visible runs of the same instrument, then `current`: [(run, RunResults)].

    `current` is the RunResults the page already has, so it is not aggregated twice.
    """
    run = current.run
    earlier = (Run.select().where(Run.partnership == run.partnership_id,
                                  Run.instrument_id == run.instrument_id,
                                  Run.opens_on <= run.opens_on, Run.id != run.id)
               .order_by(Run.opens_on, Run.id))
    series = [(other, rr) for other in earlier for rr in [run_results(other)] if rr.visible]
    if current.visible:
        series.append((run, current))
    return series


def results_for_run(run_id):
    """The Results of a run of the current partnership, for plugin code serving a page.

    None unless the current user is a member of the partnership the page is about, the
    run belongs to it and its results are visible (it has responses and, when it is
    anonymous, at least its threshold of them): the same rule as the results page, so
    no plugin sees answers below the threshold. The plugin's scoring is not called.
    """
    if not has_request_context():
        return None
    partnership, membership = g.get("partnership"), g.get("membership")
    if partnership is None or membership is None:
        return None
    if isinstance(run_id, str) and run_id.isascii() and run_id.isdigit():
        run_id = int(run_id)
    if isinstance(run_id, bool) or not isinstance(run_id, int) or not 0 < run_id < 2**31:
        return None  # the range of ids in URLs (portal.urls): no overflow in the driver
    run = Run.get_or_none(Run.id == run_id, Run.partnership == partnership.id)
    if run is None:
        return None
    rr = run_results(run, score=False)
    return rr.results if rr.visible else None


def instrument_runs(instrument_id):
    """The runs of an instrument in the current partnership, newest first, as RunInfo.

    Empty unless the current user is a member of the partnership the page is about, as
    for `results_for_run`, which reads a run's results.
    """
    from portal.records import RunInfo

    if not has_request_context() or g.get("partnership") is None or g.get("membership") is None:
        return []
    runs = (Run.select().where(Run.partnership == g.partnership.id,
                               Run.instrument_id == instrument_id)
            .order_by(Run.opens_on.desc(), Run.id.desc()))
    return [RunInfo.from_row(run) for run in runs]

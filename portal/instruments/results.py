"""Results of a run: aggregated in the database, hidden where anonymity needs it.

Nothing here loops over answer rows in Python: counts, averages and distributions are
GROUP BY queries, so a run with 10,000 responses costs a handful of queries.
"""
import datetime as dt
import logging
from dataclasses import dataclass, field

from peewee import fn

from portal.instruments import registry
from portal.instruments.api import Interpretation, ItemResult, Results
from portal.instruments.models import Answer, Response, Run

log = logging.getLogger(__name__)
SIDES = ("client", "supplier")
MAX_TEXTS = 200


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

    @property
    def visible(self):
        return self.visibility == "visible"


def _as_date(value):
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _aggregate(run, questions, side=None):
    """{question id: ItemResult} for the run, or for one side of it."""
    base = Answer.select().join(Response).where(Response.run == run.id)
    if side:
        base = base.where(Response.side == side)
    stats = {qid: (count, mean) for qid, count, mean in (
        base.select(Answer.question_id, fn.COUNT(Answer.question_id), fn.AVG(Answer.value_num))
        .group_by(Answer.question_id).tuples())}
    distribution = {}
    for qid, num, count in (base.select(Answer.question_id, Answer.value_num,
                                        fn.COUNT(Answer.question_id))
                            .where(Answer.value_num.is_null(False))
                            .group_by(Answer.question_id, Answer.value_num).tuples()):
        key = int(num) if float(num).is_integer() else num
        distribution.setdefault(qid, {})[key] = count
    choice_ids = [q.id for q in questions if q.type == "choice"]
    if choice_ids:
        for qid, text, count in (base.select(Answer.question_id, Answer.value_text,
                                             fn.COUNT(Answer.question_id))
                                 .where(Answer.question_id.in_(choice_ids))
                                 .group_by(Answer.question_id, Answer.value_text).tuples()):
            distribution.setdefault(qid, {})[text] = count
    wordy = {q.id for q in questions if q.type in ("text", "step")}
    texts, dates = {}, {}
    if wordy:
        # Sorted by the text itself, never by when it was written.
        for qid, text, date in (base.select(Answer.question_id, Answer.value_text, Answer.value_date)
                                .where(Answer.question_id.in_(list(wordy)))
                                .order_by(Answer.question_id, Answer.value_text).tuples()):
            if text and len(texts.setdefault(qid, [])) < MAX_TEXTS:
                texts[qid].append(text)
            if date:
                dates.setdefault(qid, []).append(_as_date(date))
    items = {}
    for q in questions:
        count, mean = stats.get(q.id, (0, None))
        dist = distribution.get(q.id, {})
        items[q.id] = ItemResult(question=q, count=count, mean=mean if q.numeric else None,
                                 distribution=dist, texts=tuple(texts.get(q.id, ())),
                                 dates=tuple(dates.get(q.id, ())))
    return items


def _context(run, today=None):
    partnership = run.partnership
    return {"today": today or dt.date.today(), "stage": partnership.stage,
            "contract_end": partnership.contract_end}


def side_counts(run):
    rows = (Response.select(Response.side, fn.COUNT(Response.id))
            .where(Response.run == run.id, Response.side.is_null(False))
            .group_by(Response.side).tuples())
    return {side: count for side, count in rows}


def run_results(run, today=None):
    """Aggregate, apply the anonymity rules, and interpret one run."""
    questions = registry.questions_of(run)
    shared = run.meta.get("shared")
    responses = Response.select().where(Response.run == run.id).count()
    out = RunResults(run=run, questions=questions, responses=responses, visibility="visible")
    instrument = registry.live_instrument(run)
    if instrument is None:
        out.plugin_state = "missing"
    elif instrument.version != run.instrument_version:
        out.plugin_state = "upgraded"
    if responses == 0 and not shared:  # an untouched checklist is still a checklist
        out.visibility = "empty"
        return out
    if run.anonymous and not shared and responses < run.min_responses:
        out.visibility = "below-threshold"
        return out
    by_side = {}
    if not shared and run.record_side:
        out.side_counts = side_counts(run)
        counts = [out.side_counts.get(side, 0) for side in SIDES]
        if run.anonymous and min(counts) < run.min_responses:
            # Showing one side would reveal the other by subtraction from the total.
            out.sides_hidden_reason = (
                f"The comparison of sides appears once each side has at least "
                f"{run.min_responses} responses.")
        elif min(counts) == 0:
            out.sides_hidden_reason = "Only one side has answered so far."
        else:
            by_side = {side: _aggregate(run, questions, side) for side in SIDES}
    elif not shared:
        out.sides_hidden_reason = "This run does not record which side answered."
    out.results = Results(instrument_id=run.instrument_id, responses=responses,
                          items=_aggregate(run, questions), by_side=by_side,
                          context=_context(run, today))
    if instrument is not None:
        out.interpretation, out.score_error = interpret(instrument, out.results)
    return out


def interpret(instrument, results):
    """Call the plugin's scoring function; a failure becomes a message, not a 500."""
    try:
        interpretation = instrument.score(results)
        if not isinstance(interpretation, Interpretation):
            raise TypeError(f"score returned {type(interpretation).__name__}, "
                            "not an Interpretation")
        return interpretation, ""
    except Exception as exc:  # noqa: BLE001 - plugin code
        log.exception("instrument %s failed to score", instrument.id)
        return None, f"{type(exc).__name__}: {exc}"


def trend(run):
    """Earlier and current visible runs of the same instrument: [(run, RunResults)]."""
    runs = (Run.select().where(Run.partnership == run.partnership_id,
                               Run.instrument_id == run.instrument_id,
                               Run.opens_on <= run.opens_on)
            .order_by(Run.opens_on, Run.id))
    series = []
    for other in runs:
        result = run if other.id == run.id else other
        rr = run_results(result)
        if rr.visible:
            series.append((other, rr))
    return series

"""Results of a run: read from its stored tally, hidden where anonymity needs it.

Nothing here reads answer rows: the tally is kept as answers arrive (tallies.py), so a
run with 100,000 responses costs what one with 1,000 does.
"""
import datetime as dt
import functools
import logging
from dataclasses import dataclass, field

from flask import current_app, g, has_request_context
from flask_babel import lazy_gettext as _l

from portal.instruments import aggregate, registry, sealing, tallies
from portal.instruments.api import Interpretation, Results
from portal.instruments.models import Run
from portal.plugins import faults
from portal.prepared import Prepared

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


def _context(run, today=None):
    partnership = run.partnership
    return {"today": today or dt.date.today(), "stage": partnership.stage,
            "contract_end": partnership.contract_end}


def _stepped(run, out, today, stored):
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
    waiting = getattr(stored, "waiting", None)
    if waiting is None:  # a row just counted (tallies.rebuild)
        waiting = sealing.waiting(run)
    if closed and waiting:
        sealing.release(run, force=True)
        stored, waiting = tallies.stored(run), 0
    out.received = waiting + tallies.tally(run, stored).responses
    if not closed:
        out.next_update_in = max(1, run.min_responses - waiting)
    # Responses from before batches existed (batch 0) count as released long ago.
    return stored.batch if closed else max(0, stored.batch - 1)


def run_results(run, today=None, score=True, stored=None):
    """Apply the anonymity rules to the run's stored tally and (with `score`) interpret
    it. `stored`: the run's tally row, when the caller read it with others."""
    questions = registry.questions_of(run)
    shared = run.meta.get("shared")
    out = RunResults(run=run, questions=questions, responses=0, visibility="visible")
    if stored is None:
        stored = tallies.stored(run)
    upto = _stepped(run, out, today, stored)
    counted, text = tallies.shown(run, stored, upto)

    def items(scope):
        if text is None:
            return aggregate.item_results(questions, counted, scope)
        return _items(run.snapshot, text, scope)

    responses = out.responses = counted.responses
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
    overall = items(None)
    context = _context(run, today)
    by_side = {}
    if not shared and run.record_side:
        out.side_counts = counted.side_counts()
        counts = [out.side_counts.get(side, 0) for side in SIDES]
        if run.anonymous and run.state(today) != "closed":
            # A side's share of each step could be one person: compared once, at the end.
            out.sides_hidden_reason = _l("The comparison of sides appears when the run "
                                        "closes, so no update reveals one side's newest "
                                        "answers.")
        elif run.anonymous and min(counts) < run.min_responses:
            # Showing one side would reveal the other by subtraction from the total.
            out.sides_hidden_reason = _l(
                "The comparison of sides appears once each side has at least "
                "%(minimum)s responses.", minimum=run.min_responses)
        elif min(counts) == 0:
            out.sides_hidden_reason = _l("Only one side has answered so far.")
        else:
            by_side = {side: Results(instrument_id=run.instrument_id,
                                     responses=out.side_counts[side],
                                     items=items(side),
                                     context=context, side=side)
                       for side in SIDES}
    elif not shared:
        out.sides_hidden_reason = _l("This run does not record which side answered.")
    out.results = Results(instrument_id=run.instrument_id, responses=responses,
                          items=overall, by_side=by_side, context=context)
    if instrument is not None and score:
        out.interpretation, out.score_error = interpret(instrument, out.results)
    return out


@functools.lru_cache(maxsize=512)
def _items(snapshot, text, scope):
    """Item results of a stored tally, worked out once per tally: the overview shows
    every instrument's latest run on every visit. Shared between pages: read-only."""
    return aggregate.item_results(registry.questions_of(Run(snapshot=snapshot)),
                                  tallies.parsed(text), scope)


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
    earlier = _EARLIER.list(run.partnership_id, run.instrument_id, run.opens_on, run.id)
    rows = tallies.stored_for(earlier)
    series = [(other, rr) for other in earlier
              for rr in [run_results(other, stored=rows.get(other.id))] if rr.visible]
    if current.visible:
        series.append((run, current))
    return series


_EARLIER = Prepared(lambda partnership_id, instrument_id, opens_on, run_id: (
    Run.select().where(Run.partnership == partnership_id, Run.instrument_id == instrument_id,
                       Run.opens_on <= opens_on, Run.id != run_id)
    .order_by(Run.opens_on, Run.id)))


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

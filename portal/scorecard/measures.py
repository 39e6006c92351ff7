"""The portal's own measures of a partnership's health, each 0-100 or None (no data).

Every figure is read from what is already stored: survey and six-principles results
from the runs' stored tallies (never their answers, issue 12), benefits and ratings
from their rows, the joint action plan, and the enablement dashboard's count of active
members. A measure with nothing to measure is None: it is left out of the score rather
than counted as 0.
"""
import datetime as dt
import math
from dataclasses import dataclass, field

from peewee import JOIN, Case, fn

from portal.accounts.models import User
from portal.content import enablement
from portal.instruments import tallies
from portal.instruments.models import ActionItem, Run
from portal.instruments.results import run_results
from portal.partnerships.models import PartnershipMember
from portal.scorecard.bands import from_scale
from portal.scorecard.models import Benefit, BenefitValue, Rating

#: Seed 003 #8, trust as a formal indicator: the relational survey's trust item (counted
#: twice: it asks about trust itself), its items on sharing information and relying on
#: each other, and the six-principles check's two credibility items.
TRUST_ITEMS = {"relational_survey": (("trust", 2), ("information", 1), ("reliance", 1)),
               "six_principles": (("credibility_expertise", 1), ("credibility_recommendations", 1))}
SURVEY = "relational_survey"
SURVEY_CADENCE = 182  # both instruments are run twice a year
RATING_CADENCE = 90  # people are asked to rate again every quarter
#: An individual's rating is shown only inside an average of at least this many people
#: of the same side, so nobody's own view can be read off the page.
MIN_RATERS = 2


@dataclass
class RunFeed:
    """A closed run whose stored results feed trust (and the survey measure)."""

    run: Run
    closed_on: dt.date
    items: dict  # question id -> 0-100
    survey: float | None = None  # all the relational survey's scale items, 0-100
    trust_parts: list = field(default_factory=list)  # [(0-100, weight)]


def closed_on(run):
    """The day a run closed: closed by hand, or its closing date passed."""
    if run.closed_at is not None:
        return run.closed_at.date()
    return run.closes_on


def _scaled(item):
    question = item.question
    if item.mean is None or question.type != "scale":
        return None
    low = 1.0 if question.minimum is None else question.minimum
    high = 5.0 if question.maximum is None else question.maximum
    return from_scale(item.mean, low, high)


def feeds(partnership, today=None, release=True):
    """The closed relational survey and six-principles runs whose results anyone may see,
    oldest first, with each item as 0-100: two statements (the runs, their tallies).

    Reading a closed anonymous run releases the answers still sealed (as its results
    page does); without `release` (a page drawn again after a refused form, which must
    change nothing) such a run is left out until it is read again."""
    today = today or dt.date.today()
    runs = [run for run in Run.select().where(
        Run.partnership == partnership.id, Run.instrument_id.in_(list(TRUST_ITEMS)))
        if run.state(today) == "closed"]
    stored = tallies.stored_for(runs)
    if not release:
        runs = [run for run in runs if run.id in stored and not (
            run.anonymous and getattr(stored[run.id], "waiting", 0))]
    out = []
    for run in runs:
        run.partnership = partnership  # its context is this partnership: no statement
        shown = run_results(run, today=today, score=False, stored=stored.get(run.id))
        if not shown.visible or shown.results is None:
            continue
        items = {qid: _scaled(item) for qid, item in shown.results.items.items()}
        items = {qid: value for qid, value in items.items() if value is not None}
        feed = RunFeed(run=run, closed_on=closed_on(run), items=items)
        feed.trust_parts = [(items[qid], weight) for qid, weight in TRUST_ITEMS[run.instrument_id]
                            if qid in items]
        if run.instrument_id == SURVEY and items:
            feed.survey = sum(items.values()) / len(items)
        out.append(feed)
    return sorted(out, key=lambda f: (f.closed_on, f.run.id))


def latest_feeds(all_feeds, on):
    """The newest run of each instrument closed on or before `on`."""
    latest = {}
    for feed in all_feeds:
        if feed.closed_on <= on:
            latest[feed.run.instrument_id] = feed
    return list(latest.values())


def trust_on(all_feeds, on):
    """(trust 0-100 or None, the runs it came from) as it stood on the day `on`."""
    used = [f for f in latest_feeds(all_feeds, on) if f.trust_parts]
    parts = [part for f in used for part in f.trust_parts]
    if not parts:
        return None, []
    return sum(v * w for v, w in parts) / sum(w for _, w in parts), used


def survey_on(all_feeds, on):
    """(the latest relational survey's average as 0-100 or None, its run feed or None)."""
    survey = [f for f in latest_feeds(all_feeds, on) if f.run.instrument_id == SURVEY
              and f.survey is not None]
    return (survey[0].survey, survey[0]) if survey else (None, None)


# -- benefits -----------------------------------------------------------------------------

def benefits_of(partnership_id):
    """Both parties' benefits with their owners and values (oldest first): two statements."""
    benefits = list(Benefit.select(Benefit, User).join(User, JOIN.LEFT_OUTER, on=(Benefit.owner == User.id))
                    .where(Benefit.partnership == partnership_id).order_by(Benefit.side, Benefit.id))
    by_id = {b.id: b for b in benefits}
    for benefit in benefits:
        benefit.points = []
    if benefits:
        for value in (BenefitValue.select().where(BenefitValue.benefit.in_(list(by_id)))
                      .order_by(BenefitValue.measured_on, BenefitValue.id)):
            by_id[value.benefit_id].points.append(value)
    return benefits


def latest_value(benefit):
    return benefit.points[-1] if benefit.points else None


def progress(benefit, value):
    """How far a value has got towards the benefit's target, 0-100, or None without a
    target. Higher is better: value / target; lower is better: target / value; reaching
    or passing the target is 100, and a value of the wrong sign is 0."""
    if value is None or benefit.target is None:
        return None
    target = benefit.target
    if benefit.direction == "lower":
        if value <= target:
            return 100.0
        share = target / value * 100 if value > 0 and target >= 0 else 0.0
    else:
        if value >= target:
            return 100.0
        share = value / target * 100 if target > 0 and value >= 0 else 0.0
    return max(0.0, min(100.0, share)) if math.isfinite(share) else None


def is_stale(updated_on, cadence_days, on):
    """A figure not updated within its cadence (None: never stale)."""
    return (cadence_days is not None and updated_on is not None
            and (on - updated_on).days > cadence_days)


def benefits_measure(benefits, on):
    """(0-100 or None, updated on, cadence, stale): the average progress of the benefits
    with a target and a value; stale when any of them is."""
    counted = [(b, latest_value(b)) for b in benefits if b.target is not None and latest_value(b)]
    counted = [(b, v) for b, v in counted if v.measured_on <= on]
    if not counted:
        return None, None, None, False
    shares = [progress(b, v.value) for b, v in counted]
    shares = [s for s in shares if s is not None]
    if not shares:
        return None, None, None, False
    stalest = max(counted, key=lambda bv: (on - bv[1].measured_on).days - bv[0].cadence_days)
    stale = any(is_stale(v.measured_on, b.cadence_days, on) for b, v in counted)
    return (sum(shares) / len(shares), stalest[1].measured_on, stalest[0].cadence_days, stale)


# -- ratings ------------------------------------------------------------------------------

def latest_ratings(partnership_id):
    """Each person's latest rating of each subject: one statement."""
    latest = {}
    for rating in (Rating.select().where(Rating.partnership == partnership_id)
                   .order_by(Rating.rated_at, Rating.id)):
        latest[(rating.user_id, rating.subject)] = rating
    return list(latest.values())


@dataclass
class SideView:
    raters: int
    average: float | None  # None: fewer than MIN_RATERS rated

    @property
    def shown(self):
        return self.average is not None


def perceptions(ratings, subjects=("partnership", "partner")):
    """{subject: {"client": SideView, "supplier": SideView, "gap": float or None}}."""
    out = {}
    for subject in subjects:
        row = {}
        for side in ("client", "supplier"):
            scores = [r.score for r in ratings if r.subject == subject and r.side == side]
            average = sum(scores) / len(scores) if len(scores) >= MIN_RATERS else None
            row[side] = SideView(raters=len(scores), average=average)
        both = row["client"].shown and row["supplier"].shown
        row["gap"] = abs(row["client"].average - row["supplier"].average) if both else None
        out[subject] = row
    return out


def ratings_measure(ratings):
    """(0-100 or None, updated on): the ratings of the sides with enough raters to show."""
    views = perceptions(ratings)
    shown = [(r.score, r.rated_at) for r in ratings
             if views[r.subject][r.side].shown] if ratings else []
    if not shown:
        return None, None
    mean = sum(score for score, _ in shown) / len(shown)
    return from_scale(mean), max(at for _, at in shown).date()


# -- actions and enablement -----------------------------------------------------------------

def actions_measure(partnership_id, on):
    """The share of open joint actions that are not overdue (None: none open)."""
    late = Case(None, [((ActionItem.due_on.is_null(False)) & (ActionItem.due_on < on), 1)], 0)
    open_, overdue = (ActionItem.select(fn.COUNT(ActionItem.id), fn.SUM(late))
                      .where(ActionItem.partnership == partnership_id, ActionItem.status != "done")
                      .tuples().get())
    if not open_:
        return None
    return 100.0 * (open_ - int(overdue or 0)) / open_


def enablement_measure(partnership_id, on):
    """The share of members who did anything with the library or a cohort in the last
    30 days, as the enablement dashboard counts them; None when nobody did (the library
    is optional: a partnership that does not use it has nothing to measure here)."""
    members = PartnershipMember.select().where(PartnershipMember.partnership == partnership_id).count()
    if not members:
        return None
    at = dt.datetime.combine(on, dt.time()) + dt.timedelta(days=1)
    active = enablement.active_members(partnership_id, at - dt.timedelta(days=enablement.WINDOW_DAYS), at)
    return min(100.0, 100.0 * active / members) if active else None

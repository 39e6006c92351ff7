"""The enablement dashboard of a partnership: seed 004's KPIs, over time, and as CSV.

Engagement (active members), content interaction (views, completions, reviews done),
cohort participation (posts, active cohort members) and feedback (helpful / not
helpful, comments). Everything a member does with content is read as one stream of
(kind, user, time) events, a UNION ALL the database groups by kind and by week, so a
page costs a handful of aggregate queries however many rows there are.
"""
import datetime as dt
import operator
from dataclasses import dataclass, field
from functools import reduce

from flask import g
from flask_babel import gettext as _
from peewee import SQL, Case, Select, Value, fn

from portal.exports import csv_response
from portal.partnerships.access import partnership_blueprint
from portal.accounts.models import utcnow
from portal.content import library
from portal.content.models import Completion, ContentItem, Feedback, ItemView
from portal.content import reviews
from portal.content.reviews import ReviewLog
from portal.db import database, is_sqlite
from portal import charts
from portal.partnerships.models import Partnership, PartnershipMember
from portal.prepared import Prepared
from portal.rendering import render

WINDOW_DAYS = 30  # "active" and the KPI tiles look back this far
WEEKS = 12  # weeks in the charts and the weekly CSV
COMMENTS = 30  # latest feedback comments shown
#: Event kinds, in the order of the weekly CSV columns.
KINDS = ("views", "completions", "reviews", "remembered", "posts", "helpful", "not_helpful")


def now():
    """The current UTC time; tests may monkeypatch it."""
    return utcnow()


def week_start(day):
    """Monday of the week of `day` (weeks as both databases count them)."""
    return day - dt.timedelta(days=day.weekday())


def _week(column):
    """SQL for the Monday of the week of a timestamp column, as a date."""
    if is_sqlite():
        return fn.date(column, SQL("'weekday 0'"), SQL("'-6 days'"))
    return fn.date_trunc(SQL("'week'"), column).cast("date")


def _as_date(value):
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


# Cohort posts live in the cohorts module, which ships separately: count them when it is
# there, and count no posts when it is not.

def _cohorts():
    try:
        from portal.content import cohorts
    except ImportError:
        return None
    return cohorts


def has_cohorts():
    return _cohorts() is not None


def _post_events(partnership_id, start, end):
    """(kind, uid, at) of the partnership's cohort posts, or None without cohorts.

    A post moderators hid is not participation; a reply is.
    """
    cohorts = _cohorts()
    if cohorts is None:
        return None
    post, cohort = cohorts.Post, cohorts.Cohort
    return (post.select(Value("posts").alias("kind"), post.author.alias("uid"),
                        post.created_at.alias("at"))
            .join(cohort, on=(post.cohort == cohort.id))
            .where(cohort.partnership == partnership_id, post.hidden_at.is_null(),
                   post.created_at >= start, post.created_at < end))


def events(partnership_id, start, end):
    """One UNION ALL of everything members did with content here in [start, end)."""

    def of(kind, model, *where):
        return (model.select(Value(kind).alias("kind"), model.user.alias("uid"),
                             model.at.alias("at"))
                .where(model.partnership == partnership_id, model.at >= start,
                       model.at < end, *where))

    parts = [of("views", ItemView), of("completions", Completion), of("reviews", ReviewLog),
             of("remembered", ReviewLog, ReviewLog.remembered == True),  # noqa: E712
             of("helpful", Feedback, Feedback.helpful == True),  # noqa: E712
             of("not_helpful", Feedback, Feedback.helpful == False)]  # noqa: E712
    posts = _post_events(partnership_id, start, end)
    if posts is not None:
        parts.append(posts)
    return reduce(operator.add, parts).alias("event")


def _members(partnership_id):
    return PartnershipMember.select(PartnershipMember.user).where(
        PartnershipMember.partnership == partnership_id)


def _active_query(partnership_id, start, end):
    e = events(partnership_id, start, end)
    return Select([e], [fn.COUNT(e.c.uid.distinct())]).where(e.c.uid.in_(_members(partnership_id)))


def active_members(partnership_id, start, end):
    """Current members who did anything with content (or posted) in [start, end)."""
    return _ACTIVE.scalar(partnership_id, start, end) or 0


_ACTIVE = Prepared(lambda *args: _active_query(*args).bind(database))


def card_figures(partnership_id, user_id, may_review, at):
    """(active members, completions in the window, reviews due for the user or None) for
    the overview's card, in one statement. The same statement counts the user's
    completions without a review schedule; only when there are some are they scheduled
    (`reviews.ensure_schedules`) and the figures read again."""
    start = at - dt.timedelta(days=WINDOW_DAYS)
    if may_review:
        values = _CARD.tuple(partnership_id, start, at, user_id, reviews.today())
        if values[3]:
            reviews.ensure_schedules(user_id)
            values = _CARD.tuple(partnership_id, start, at, user_id, reviews.today())
    else:
        values = _CARD.tuple(partnership_id, start, at) + (None,)
    return int(values[0] or 0), int(values[1] or 0), None if values[2] is None else int(values[2])


def _card_query(partnership_id, start, at, user_id=None, on=None):
    figures = [_active_query(partnership_id, start, at),
               Completion.select(fn.COUNT(Completion.id))
               .where(Completion.partnership == partnership_id, Completion.at >= start,
                      Completion.at < at)]
    if user_id is not None:
        figures.append(reviews.due_query(user_id, partnership_id, on))
        figures.append(reviews.missing_query(user_id))
    return Select(columns=[query.alias(f"figure{n}") for n, query in enumerate(figures)]
                  ).bind(database)


_CARD = Prepared(_card_query)  # with or without the reviews due: compiled once for each


@dataclass
class Week:
    start: dt.date
    active: int = 0
    counts: dict = field(default_factory=dict)  # kind -> events
    people: dict = field(default_factory=dict)  # kind -> distinct users

    @property
    def label(self):
        return f"{self.start.day} {self.start:%b}"


def weekly(partnership_id, today):
    """The last WEEKS weeks (oldest first), each with its counts per kind of event."""
    first = week_start(today) - dt.timedelta(weeks=WEEKS - 1)
    start = dt.datetime.combine(first, dt.time())
    end = start + dt.timedelta(weeks=WEEKS)
    weeks = {first + dt.timedelta(weeks=i): Week(first + dt.timedelta(weeks=i)) for i in range(WEEKS)}
    for kind, week, count, people in _WEEKLY.rows(partnership_id, start, end):
        bucket = weeks.get(_as_date(week))
        if bucket is not None:
            bucket.counts[kind], bucket.people[kind] = count, people
    for week, people in _WEEKLY_ACTIVE.rows(partnership_id, start, end):
        bucket = weeks.get(_as_date(week))
        if bucket is not None:
            bucket.active = people
    return list(weeks.values())


def _weekly(partnership_id, start, end):
    e = events(partnership_id, start, end)
    return (Select([e], [e.c.kind, _week(e.c.at), fn.COUNT(SQL("*")), fn.COUNT(e.c.uid.distinct())])
            .group_by(SQL("1"), SQL("2")).bind(database).tuples())


def _weekly_active(partnership_id, start, end):
    e = events(partnership_id, start, end)
    return (Select([e], [_week(e.c.at), fn.COUNT(e.c.uid.distinct())])
            .where(e.c.uid.in_(_members(partnership_id))).group_by(SQL("1")).bind(database)
            .tuples())


_WEEKLY, _WEEKLY_ACTIVE = Prepared(_weekly), Prepared(_weekly_active)


@dataclass
class Kpis:
    """The tiles: the last WINDOW_DAYS days, except completion rate and feedback (all time)."""

    members: int
    active: int
    counts: dict  # kind -> events in the window
    people: dict  # kind -> distinct users in the window
    started: int  # (member, item) pairs opened or finished, all time
    completed: int  # of which finished
    helpful: int  # all time
    not_helpful: int

    @property
    def completion_rate(self):
        return None if not self.started else round(100 * self.completed / self.started)


def kpis(partnership_id, at):
    start = at - dt.timedelta(days=WINDOW_DAYS)
    counts, people = {}, {}
    for kind, count, distinct in _TOTALS.rows(partnership_id, start, at):
        counts[kind], people[kind] = count, distinct
    values = _ALL_TIME.tuple(partnership_id)
    alltime = {name: int(value or 0) for name, value in zip(ALL_TIME, values)}
    return Kpis(active=active_members(partnership_id, start, at), counts=counts, people=people,
                **alltime)


def _totals(partnership_id, start, at):
    e = events(partnership_id, start, at)
    return (Select([e], [e.c.kind, fn.COUNT(SQL("*")), fn.COUNT(e.c.uid.distinct())])
            .group_by(SQL("1")).bind(database).tuples())


ALL_TIME = ("members", "started", "completed", "helpful", "not_helpful")


def _all_time(partnership_id):
    started = (ItemView.select(ItemView.user, ItemView.item).where(ItemView.partnership == partnership_id)
               | Completion.select(Completion.user, Completion.item)
               .where(Completion.partnership == partnership_id))
    # The all-time figures in one statement: a subquery each.
    figures = {
        "members": _members(partnership_id).select(fn.COUNT(SQL("*"))),
        "started": Select([started.alias("pairs")], [fn.COUNT(SQL("*"))]),
        "completed": Completion.select(fn.COUNT(SQL("*")))
        .where(Completion.partnership == partnership_id),
        "helpful": Feedback.select(fn.COUNT(SQL("*")))
        .where(Feedback.partnership == partnership_id, Feedback.helpful == True),  # noqa: E712
        "not_helpful": Feedback.select(fn.COUNT(SQL("*")))
        .where(Feedback.partnership == partnership_id, Feedback.helpful == False),  # noqa: E712
    }
    return Select(columns=[figures[name].alias(name) for name in ALL_TIME]).bind(database)


_TOTALS, _ALL_TIME = Prepared(_totals), Prepared(_all_time)


@dataclass
class ItemRow:
    item: ContentItem
    views: int = 0
    readers: int = 0
    completions: int = 0
    reviews: int = 0
    helpful: int = 0
    not_helpful: int = 0

    @property
    def active(self):
        return any((self.views, self.completions, self.reviews, self.helpful, self.not_helpful))


def item_rows(partnership):
    """Per item of the partnership's library: views, readers, completions, reviews, feedback
    (all time), most viewed first."""
    rows = {item.id: ItemRow(item)
            for item in _ITEMS.rows(partnership.client_id, partnership.supplier_id)}
    for first, item_id, *values in _PER_ITEM.rows(partnership.id):
        row = rows.get(item_id)
        if row is not None:
            for name, value in zip(PER_ITEM[first], values):
                setattr(row, name, int(value or 0))
    return sorted(rows.values(), key=lambda r: (-r.views, -r.completions, r.item.title.lower()))


_ITEMS = Prepared(lambda client_id, supplier_id: library.visible_items(
    Partnership(client=client_id, supplier=supplier_id),
    ContentItem.id, ContentItem.slug, ContentItem.title))
PER_ITEM = {"views": ("views", "readers"), "completions": ("completions",),
            "reviews": ("reviews",), "helpful": ("helpful", "not_helpful")}


def _per_item(pid):
    """Four GROUP BYs in one statement: (what, item, first figure, second figure)."""
    grouped = {
        ("views", "readers"): ItemView.select(
            Value("views"), ItemView.item, fn.COUNT(ItemView.id), fn.COUNT(ItemView.user.distinct()))
        .where(ItemView.partnership == pid).group_by(ItemView.item),
        ("completions",): Completion.select(
            Value("completions"), Completion.item, fn.COUNT(Completion.id), Value(0))
        .where(Completion.partnership == pid).group_by(Completion.item),
        ("reviews",): ReviewLog.select(
            Value("reviews"), ReviewLog.item, fn.COUNT(ReviewLog.id), Value(0))
        .where(ReviewLog.partnership == pid).group_by(ReviewLog.item),
        ("helpful", "not_helpful"): Feedback.select(
            Value("helpful"), Feedback.item,
            fn.SUM(Case(None, [(Feedback.helpful == True, 1)], 0)),  # noqa: E712
            fn.SUM(Case(None, [(Feedback.helpful == False, 1)], 0)))  # noqa: E712
        .where(Feedback.partnership == pid).group_by(Feedback.item),
    }
    return reduce(operator.add, grouped.values()).tuples()


_PER_ITEM = Prepared(_per_item)


def latest_comments(partnership_id, limit=COMMENTS):
    """[(item, [feedback, ...])] of the newest comments, newest item first, no names:
    people write more freely when their comment is read as the item's, not theirs."""
    by_item = {}
    for fb in _COMMENTS.rows(partnership_id, limit):
        by_item.setdefault(fb.item_id, (fb.item, []))[1].append(fb)
    return list(by_item.values())


_COMMENTS = Prepared(lambda partnership_id, limit: (
    Feedback.select(Feedback, ContentItem).join(ContentItem)
    .where(Feedback.partnership == partnership_id, Feedback.comment != "")
    .order_by(Feedback.at.desc()).limit(limit)))


# Pages ---------------------------------------------------------------------------------

bp = partnership_blueprint("enablement", __name__, template_folder="templates")


def _series(weeks, with_posts):
    interaction = {_("Views"): [w.counts.get("views", 0) for w in weeks],
                   _("Completions"): [w.counts.get("completions", 0) for w in weeks],
                   _("Reviews"): [w.counts.get("reviews", 0) for w in weeks]}
    if with_posts:
        interaction[_("Cohort posts")] = [w.counts.get("posts", 0) for w in weeks]
    engagement = {_("Active members"): [w.active for w in weeks],
                  _("Helpful"): [w.counts.get("helpful", 0) for w in weeks],
                  _("Not helpful"): [w.counts.get("not_helpful", 0) for w in weeks]}
    return interaction, engagement


@bp.route("/enablement")
def index(partnership_id):
    at = now()
    weeks = weekly(partnership_id, at.date())
    with_posts = has_cohorts()
    interaction, engagement = _series(weeks, with_posts)
    # Every other week is labelled (the newest always): twelve dates do not fit the axis.
    labels = [w.label if (WEEKS - 1 - i) % 2 == 0 else "" for i, w in enumerate(weeks)]
    return render(
        "enablement/index.html", partnership=g.partnership, kpis=kpis(partnership_id, at),
        weeks=weeks, with_posts=with_posts, window=WINDOW_DAYS,
        interaction_chart=charts.trend_lines(
            labels, interaction, _("Views, completions and reviews per week, last %(num)s weeks", num=WEEKS), low=0),
        engagement_chart=charts.trend_lines(
            labels, engagement, _("Active members and feedback per week, last %(num)s weeks", num=WEEKS), low=0),
        items=[row for row in item_rows(g.partnership) if row.active][:20],
        comments=latest_comments(partnership_id))


@bp.route("/enablement.csv")
def weekly_csv(partnership_id):
    weeks = weekly(partnership_id, now().date())
    header = ["week_start", "active_members", *KINDS, "cohort_members_active"]
    rows = [[w.start.isoformat(), w.active, *[w.counts.get(k, 0) for k in KINDS],
             w.people.get("posts", 0)] for w in weeks]
    return csv_response(f"partnership-{partnership_id}-enablement-weekly.csv", header, rows)


@bp.route("/enablement-items.csv")
def items_csv(partnership_id):
    rows = [[r.item.slug, r.item.title, r.views, r.readers, r.completions, r.reviews,
             r.helpful, r.not_helpful] for r in item_rows(g.partnership)]
    return csv_response(f"partnership-{partnership_id}-enablement-items.csv",
                        ["slug", "title", "views", "readers", "completions", "reviews",
                         "helpful", "not_helpful"], rows)

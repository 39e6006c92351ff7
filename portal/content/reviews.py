"""Reinforcement against the forgetting curve (seed 004): after someone finishes an item
it comes back for short reviews at expanding intervals.

The schedule is a fixed ladder of intervals (1, 3, 7, 16, 35, 90 days): remembering
climbs one rung, forgetting starts again at one day. A published adaptive algorithm
(FSRS) was considered: its Python package is well kept and pure Python, but it grades
on four levels and fits a per-item memory model, while a review here is a two-button
self-check, and a fixed ladder lets a member see in advance when an item comes back.

Dates are UTC dates from `today()`, one function tests replace to move time. A review
counts only when it is due, so a double click or a stale tab cannot climb two rungs.
"""
import datetime as dt

import peewee
from flask import abort, flash, g, redirect, url_for
from flask_babel import gettext as _, ngettext
from flask_login import current_user
from werkzeug.routing import BuildError

from portal.prepared import Prepared
from portal.partnerships.access import partnership_blueprint
from portal.accounts.models import User, utcnow
from portal.content.forms import ReviewForm
from portal.content.models import Completion, ContentItem
from portal.db import BaseModel, is_sqlite, write_transaction
from portal.forms import first_error
from portal.partnerships.models import Partnership, PartnershipMember
from portal.rendering import render
from portal.layout import dated

INTERVALS = (1, 3, 7, 16, 35, 90)  # days until the next review, by step
OUTCOMES = {"remembered": True, "forgot": False}


def today():
    """The current UTC date; tests monkeypatch this to move time forward."""
    return utcnow().date()


class ReviewSchedule(BaseModel):
    """When one person reviews one item next, in one partnership."""

    user = peewee.ForeignKeyField(User, on_delete="CASCADE")
    partnership = peewee.ForeignKeyField(Partnership, on_delete="CASCADE")
    item = peewee.ForeignKeyField(ContentItem, on_delete="CASCADE")
    step = peewee.IntegerField(default=0)  # index into INTERVALS of the current wait
    due_on = peewee.DateField()
    last_reviewed_at = peewee.DateTimeField(null=True)
    created_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("user", "partnership", "item"), True), (("user", "due_on"), False))

    @property
    def interval(self):
        return INTERVALS[self.step]


class ReviewLog(BaseModel):
    """One review someone did (the "reviews done" KPI), with its outcome."""

    user = peewee.ForeignKeyField(User, on_delete="CASCADE")
    partnership = peewee.ForeignKeyField(Partnership, on_delete="CASCADE")
    item = peewee.ForeignKeyField(ContentItem, on_delete="CASCADE")
    at = peewee.DateTimeField(default=utcnow, index=True)
    remembered = peewee.BooleanField()
    step = peewee.IntegerField()  # the step the item was at when reviewed


TABLES = [ReviewSchedule, ReviewLog]


def next_step(step, remembered):
    """The rung after a review: one up when remembered (the top rung repeats), else 0."""
    return min(step + 1, len(INTERVALS) - 1) if remembered else 0


def schedule_after_completion(user, partnership, item, on=None):
    """Start the item's review schedule: first review one interval after finishing it.

    Idempotent (a second completion or a concurrent request changes nothing), so the
    library's "done" view may call it outside its own transaction.
    """
    on = on or today()
    (ReviewSchedule
     .insert(user=_id(user), partnership=_id(partnership), item=_id(item), step=0,
             due_on=on + dt.timedelta(days=INTERVALS[0]))
     .on_conflict_ignore()
     .execute())


def _id(obj):
    return getattr(obj, "id", obj)


def ensure_schedules(user):
    """Give every completion of `user` without a schedule one, dated from the completion.

    Completions recorded by a path that did not call `schedule_after_completion` (an
    import, an older version) still come back for review. Reads first and writes only
    when something is missing, so looking at a page rarely takes a write lock.
    """
    missing = _MISSING.list(_id(user))
    if missing:
        rows = [{"user": _id(user), "partnership": partnership_id, "item": item_id, "step": 0,
                 "due_on": at.date() + dt.timedelta(days=INTERVALS[0])}
                for partnership_id, item_id, at in missing]
        ReviewSchedule.insert_many(rows).on_conflict_ignore().execute()


def _missing(user_id):
    schedule = ReviewSchedule.alias()
    return (Completion.select(Completion.partnership, Completion.item, Completion.at)
            .join(schedule, peewee.JOIN.LEFT_OUTER,
                  on=((schedule.user == Completion.user)
                      & (schedule.partnership == Completion.partnership)
                      & (schedule.item == Completion.item)))
            .where(Completion.user == user_id, schedule.id.is_null()).tuples())


_MISSING = Prepared(_missing)


def missing_query(user_id):
    """The statement counting the user's completions without a schedule (for a page that
    calls `ensure_schedules` only when it finds some)."""
    return _missing(user_id).select(peewee.fn.COUNT(peewee.SQL("*")))


def _schedules(user, partnership=None):
    """The user's schedules for items still in the library, in partnerships where they
    are still a member with a role that may review (viewers only read)."""
    query = (ReviewSchedule.select(ReviewSchedule, ContentItem, Partnership)
             .join(ContentItem).switch(ReviewSchedule).join(Partnership)
             .join(PartnershipMember, on=((PartnershipMember.partnership == Partnership.id)
                                          & (PartnershipMember.user == ReviewSchedule.user)))
             .where(ReviewSchedule.user == _id(user), ContentItem.removed == False,  # noqa: E712
                    PartnershipMember.role != "viewer"))
    if partnership is not None:
        query = query.where(ReviewSchedule.partnership == _id(partnership))
    return query


def due_for(user, partnership=None, on=None):
    """Reviews due on or before `on` (default today), oldest first."""
    ensure_schedules(user)
    on = on or today()
    return list(_schedules(user, partnership).where(ReviewSchedule.due_on <= on)
                .order_by(ReviewSchedule.due_on, ContentItem.title))


def upcoming_for(user, partnership, on=None, limit=20):
    """The next reviews after `on`, soonest first."""
    on = on or today()
    return list(_schedules(user, partnership).where(ReviewSchedule.due_on > on)
                .order_by(ReviewSchedule.due_on, ContentItem.title).limit(limit))


def due_count(user, partnership, on=None):
    ensure_schedules(user)
    return due_query(user, partnership, on).scalar()


def due_query(user, partnership, on=None):
    """The statement counting the user's reviews due in a partnership, to send alone or
    inside another (after `ensure_schedules`)."""
    return (_schedules(user, partnership).where(ReviewSchedule.due_on <= (on or today()))
            .select(peewee.fn.COUNT(ReviewSchedule.id)))


def record_review(user, partnership, item, remembered, on=None):
    """Log a review and move the schedule; None when the item is not due (nothing done)."""
    on = on or today()
    with write_transaction():
        query = ReviewSchedule.select().where(
            ReviewSchedule.user == _id(user), ReviewSchedule.partnership == _id(partnership),
            ReviewSchedule.item == _id(item))
        if not is_sqlite():
            query = query.for_update()
        schedule = query.first()
        if schedule is None or schedule.due_on > on:
            return None
        ReviewLog.create(user=_id(user), partnership=_id(partnership), item=_id(item),
                         remembered=remembered, step=schedule.step)
        schedule.step = next_step(schedule.step, remembered)
        schedule.due_on = on + dt.timedelta(days=INTERVALS[schedule.step])
        schedule.last_reviewed_at = utcnow()
        schedule.save()
    return schedule


# Pages ---------------------------------------------------------------------------------

bp = partnership_blueprint("reviews", __name__, "/reviews", template_folder="templates")


def item_url(partnership, item):
    """The library page of the item, or None while the library is not installed."""
    try:
        return url_for("content.item", partnership_id=_id(partnership), slug=item.slug)
    except BuildError:
        return None


def _schedule_or_404(item_id):
    ensure_schedules(current_user)
    schedule = _schedules(current_user, g.partnership).where(
        ReviewSchedule.item == item_id).first()
    if schedule is None:
        abort(404)
    return schedule


@bp.route("")
def index(partnership_id):
    since = utcnow() - dt.timedelta(days=30)
    done = (ReviewLog.select().where(ReviewLog.user == current_user.id,
                                     ReviewLog.partnership == g.partnership,
                                     ReviewLog.at >= since).count())
    return render("reviews/index.html", partnership=g.partnership,
                  due=due_for(current_user, g.partnership),
                  upcoming=upcoming_for(current_user, g.partnership),
                  done_recently=done, today=today(), intervals=INTERVALS)


@bp.route("/<int:item_id>")
def review(partnership_id, item_id):
    schedule = _schedule_or_404(item_id)
    return render("reviews/review.html", partnership=g.partnership, schedule=schedule,
                  item=schedule.item, is_due=schedule.due_on <= today(),
                  reread_url=item_url(g.partnership, schedule.item), today=today(),
                  next_if_remembered=INTERVALS[next_step(schedule.step, True)])


@bp.route("/<int:item_id>", methods=["POST"])
def answer(partnership_id, item_id):
    schedule = _schedule_or_404(item_id)
    form = ReviewForm()
    if not form.validate_on_submit():
        flash(first_error(form), "error")
        return redirect(url_for("reviews.review", partnership_id=partnership_id, item_id=item_id))
    outcome = form.outcome.data
    item = schedule.item
    moved = record_review(current_user, g.partnership, item, OUTCOMES[outcome])
    if moved is None:
        flash(_("“%(title)s” is not due for review until %(date)s; nothing was recorded.",
                title=item.title, date=dated(schedule.due_on)), "error")
        return redirect(url_for("reviews.index", partnership_id=partnership_id))
    when = dated(moved.due_on)
    if OUTCOMES[outcome]:
        flash(ngettext("Well done. “%(title)s” comes back in %(num)d day (%(date)s).",
                       "Well done. “%(title)s” comes back in %(num)d days (%(date)s).",
                       moved.interval, title=item.title, date=when), "success")
        return redirect(url_for("reviews.index", partnership_id=partnership_id))
    flash(_("“%(title)s” comes back tomorrow (%(date)s). Re-reading it now helps it stay.",
            title=item.title, date=when), "success")
    return redirect(item_url(g.partnership, item)
                    or url_for("reviews.index", partnership_id=partnership_id))

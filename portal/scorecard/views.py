"""The Health tab: the month's score and how it is made, its trend, both parties'
benefits, trust, and both sides' ratings with the gap between them; the override.
Benefits and their values are changed in `benefit_views.py`."""
import datetime as dt

from flask import abort, flash, g, redirect, request, url_for
from flask_babel import gettext as _, ngettext
from flask_login import current_user
from flask_wtf import FlaskForm

from portal import audit
from portal.accounts.models import User
from portal.db import write_transaction
from portal.partnerships.access import members_of, partnership_blueprint, requires_role
from portal.rendering import render
from portal.scorecard import charts, measures, store
from portal.scorecard.bands import WEIGHTS, band_of, band_ranges
from portal.scorecard.forms import BenefitForm, OverrideForm, RatingForm, ValueForm
from portal.scorecard.models import SIDES, SUBJECTS, Rating
from portal.vocabulary import role_at_least

bp = partnership_blueprint("scorecard", __name__, "/health", template_folder="templates")


@bp.after_app_request
def mark_dirty_after_change(response):
    """Any change made in a partnership (an action, a run closed, a benefit) may move its
    health: this month's score is worked out again when next shown. One UPDATE per
    successful POST, instead of a call in every feature that writes."""
    partnership = g.get("partnership")
    if (request.method == "POST" and partnership is not None and response.status_code < 400):
        store.mark_dirty(partnership.id)
    return response


def my_side():
    return g.partnership.side_of(current_user.organization_id)


def may_override():
    """Seed 003 #6: the sponsors own the partnership's health; an organization admin of
    either side may also set the score aside, with a reason everyone sees."""
    member = g.membership is not None and g.membership.role != "viewer"
    return member and (g.membership.role == "sponsor" or current_user.is_org_admin)


def may_manage(side):
    """Editors, sponsors and the organization's admins keep their own party's benefits;
    never the other party's, and viewers only read."""
    membership = g.membership
    return (membership is not None and my_side() == side and membership.role != "viewer"
            and (role_at_least(membership.role, "editor") or current_user.is_org_admin))


def may_record(benefit):
    """Those who keep the benefits, and the benefit's owner, record its values."""
    return may_manage(benefit.side) or (
        benefit.owner_id == current_user.id and g.membership is not None
        and g.membership.role != "viewer")


def may_rate():
    return g.membership is not None and g.membership.role != "viewer" and my_side() is not None


def people():
    """Members who may own a benefit: everyone but viewers, both sides."""
    return [m for m in members_of(g.partnership) if m.role != "viewer"]


def benefit_form(**data):
    form = BenefitForm(people=people(), **data)
    return form


def _month_end(period, today):
    following = (period.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return min(today, following - dt.timedelta(days=1))


def _benefit_rows(benefits, today, value_forms):
    rows = {side: [] for side, _label in SIDES}
    for benefit in benefits:
        latest = measures.latest_value(benefit)
        points = [(p.measured_on, p.value) for p in benefit.points]
        rows.setdefault(benefit.side, []).append({
            "benefit": benefit, "latest": latest,
            "progress": measures.progress(benefit, latest.value) if latest else None,
            "stale": latest is not None and measures.is_stale(latest.measured_on, benefit.cadence_days, today),
            "spark": charts.sparkline(points, ngettext(
                "%(name)s: %(num)d value, the latest %(value)s %(unit)s",
                "%(name)s: %(num)d values, the latest %(value)s %(unit)s", len(points),
                name=benefit.name, value=format(latest.value, "g"), unit=benefit.unit).strip()
                if latest else benefit.name, benefit.target),
            "can_manage": may_manage(benefit.side), "can_record": may_record(benefit),
            "value_form": value_forms.get(benefit.id) or (
                ValueForm(prefix=f"value-{benefit.id}", formdata=None) if may_record(benefit) else None),
        })
    return rows


def _rating_comments(ratings, views):
    """Comments per side, only where the side's ratings are shown, without names, in
    the order of their text (never their time): who wrote one cannot be worked out."""
    out = {}
    for side, _label in SIDES:
        if any(views[s][side].shown for s, _label in SUBJECTS):
            out[side] = sorted({r.comment for r in ratings if r.side == side and r.comment})
    return out


def page(status=200, benefit_form_=None, value_forms=None, rating_form=None, override_form=None):
    today = dt.date.today()
    pid = g.partnership.id
    periods, rows = store.history(pid, today)
    row = store.current(g.partnership, row=rows.get(store.month_of(today)), today=today,
                        save=request.method != "POST")
    rows[row.period] = row
    measure_list = store.measures_of(row)
    for m in measure_list:  # for the page: a date, not its ISO text
        m["updated_on"] = dt.date.fromisoformat(m["updated_on"]) if m.get("updated_on") else None
    shares = store.shares(measure_list)
    trend = [store.effective(rows.get(p)) for p in periods]
    feeds = measures.feeds(g.partnership, today, release=request.method != "POST")
    trust_now, trust_runs = measures.trust_on(feeds, today)
    trust_trend = [measures.trust_on(feeds, _month_end(p, today))[0] for p in periods]
    ratings = measures.latest_ratings(pid)
    views = measures.perceptions(ratings)
    side = my_side()
    names = {m.user_id: m.user.name for m in members_of(g.partnership)}
    overrider = None
    if row.override_by_id is not None:
        overrider = names.get(row.override_by_id) or getattr(
            User.get_or_none(User.id == row.override_by_id), "name", _("someone who has left"))
    mine = {r.subject: r for r in ratings if r.user_id == current_user.id}
    return render(
        "scorecard/index.html", partnership=g.partnership, row=row, summary=store.effective(row),
        band=band_of(store.effective(row)), computed_band=band_of(row.score), overrider=overrider,
        measures=measure_list, shares=shares, weights=WEIGHTS, bands=band_ranges(),
        periods=periods, trend=trend, trust_trend=trust_trend, trust_now=trust_now,
        trust_runs=trust_runs, trend_chart=charts.month_trend(
            periods, trend, _("Health score by month, last %(num)d months, on a scale of 0 to 100",
                              num=store.MONTHS)),
        trust_chart=charts.month_trend(
            periods, trust_trend, _("Trust by month, on a scale of 0 to 100"), colour="#0f7b6c"),
        month_label=charts.month_label, benefits=_benefit_rows(
            measures.benefits_of(pid), today, value_forms or {}),
        sides=SIDES, subjects=SUBJECTS, views=views, min_raters=measures.MIN_RATERS,
        comments=_rating_comments(ratings, views), mine=mine, my_side=side,
        benefit_form=benefit_form_ or (benefit_form(formdata=None, data={"owner": current_user.id})
                                       if may_manage(side) else None),
        rating_form=rating_form or (RatingForm(formdata=None, data={
            "partnership": str(mine["partnership"].score) if "partnership" in mine else "",
            "partner": str(mine["partner"].score) if "partner" in mine else ""}) if may_rate() else None),
        override_form=override_form or (OverrideForm(formdata=None) if may_override() else None),
        can_override=may_override(), clear_form=FlaskForm() if may_override() else None,
        status=status)


@bp.route("")
def index(partnership_id):
    return page()


@bp.route("/ratings", methods=["POST"])
@requires_role("member")
def rate(partnership_id):
    form = RatingForm()
    side = my_side()
    if side is None:
        abort(403)
    if not form.validate_on_submit():
        return page(status=422, rating_form=form)
    comment = (form.comment.data or "").strip()
    with write_transaction():
        for subject, _label in SUBJECTS:
            Rating.create(partnership=partnership_id, user=current_user.id, side=side,
                          subject=subject, score=int(getattr(form, subject).data), comment=comment)
    audit.record("health_rated", partnership=g.partnership)
    flash(ngettext("Thank you: your ratings count in your side's averages once at least "
                   "%(num)d person of your side has rated.",
                   "Thank you: your ratings count in your side's averages once at least "
                   "%(num)d people of your side have rated.", measures.MIN_RATERS), "success")
    return redirect(url_for("scorecard.index", partnership_id=partnership_id) + "#ratings")


@bp.route("/override", methods=["POST"])
@requires_role("member")
def override(partnership_id):
    if not may_override():
        abort(403)
    form = OverrideForm()
    if not form.validate_on_submit():
        return page(status=422, override_form=form)
    reason = form.reason.data.strip()
    row = store.set_override(g.partnership, current_user, form.score.data, reason)
    audit.record("health_override_set", partnership=g.partnership, score=form.score.data,
                 computed=row.score, reason=reason, month=row.period.isoformat())
    flash(_("The health score of this month shows %(score)s, set by you; the computed score "
            "stays beside it.", score=format(form.score.data, "g")), "success")
    return redirect(url_for("scorecard.index", partnership_id=partnership_id))


@bp.route("/override/clear", methods=["POST"])
@requires_role("member")
def clear_override(partnership_id):
    if not may_override():
        abort(403)
    if not FlaskForm().validate_on_submit():
        abort(400)
    cleared = store.clear_override(g.partnership)
    if cleared is not None:
        audit.record("health_override_cleared", partnership=g.partnership, score=cleared)
        flash(_("The override is cleared: the page shows the computed score again."), "success")
    return redirect(url_for("scorecard.index", partnership_id=partnership_id))

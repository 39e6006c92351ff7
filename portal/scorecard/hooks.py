"""Health as a feature: the tab, the tables, and a card on the overview with the score
of the month, its band and which way it moved since the month before."""
import datetime as dt

from flask import render_template
from flask_babel import gettext as _

from portal import DashboardCard, NavItem, hookimpl
from portal.partnerships.models import Partnership
from portal.scorecard import benefit_views  # noqa: F401 - registers the benefits' routes on `bp`
from portal.scorecard import store
from portal.scorecard.bands import TONES, band_of
from portal.scorecard.models import TABLES
from portal.scorecard.views import bp


@hookimpl
def portal_blueprints():
    return bp


@hookimpl
def portal_models():
    return TABLES


@hookimpl
def portal_navigation_items(partnership, membership):
    if membership is None:
        return None
    return NavItem.tab(_("Health"), "scorecard.index", partnership, weight=13)


@hookimpl
def portal_dashboard_cards(partnership, membership):
    if membership is None:
        return None
    # One statement when this month's score is current: the two newest months.
    rows = store.latest_two(partnership.id)
    period = store.month_of(dt.date.today())
    if not rows or rows[0].period != period or not store.fresh(rows[0]):
        now = store.current(Partnership.get_by_id(partnership.id), row=rows[0] if rows else None)
        rows = [now] + [r for r in rows if r.period != period][:1]
    current, before = rows[0], (rows[1] if len(rows) > 1 else None)
    score, earlier = store.effective(current), store.effective(before)
    move = None
    if score is not None and earlier is not None:
        move = "up" if score - earlier >= 1 else "down" if earlier - score >= 1 else "level"
    band, label = band_of(score)
    return DashboardCard(_("Health"), render_template(
        "scorecard/_card.html", partnership=partnership, row=current, score=score,
        band=band, band_label=label, move=move, before=before, earlier=earlier),
        weight=11, tone=TONES[band])

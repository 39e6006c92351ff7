"""The portfolio page: every partnership of the reader's organization with its stage,
health, contract, last review, last audit and what needs attention, sortable by each.

It is the organization's page, not a partnership's: admins see all the organization's
partnerships, everyone else the ones they belong to. The re-evaluation's pages are in
`reevaluation_views.py`.
"""
from flask import Blueprint, current_app, request
from flask_login import current_user, login_required

from portal.portfolio import decisions
from portal.portfolio.facts import health_installed, rows_for
from portal.portfolio.flags import with_flags
from portal.portfolio.sorting import COLUMNS, Sort
from portal.rendering import render

bp = Blueprint("portfolio", __name__, url_prefix="/portfolio", template_folder="templates")


def columns():
    """{key: heading} of the columns shown: Health only when its feature is installed."""
    shown = {key: heading for key, (heading, _) in COLUMNS.items()}
    if not health_installed():
        shown.pop("health")
    return shown


def selection_url(row):
    """Where a client starts a supplier selection, when that plugin is installed and the
    reader's organization is the client of the partnership; else None."""
    if row.side != "client" or "supplier_selection" not in current_app.blueprints:
        return None
    from flask import url_for

    return url_for("supplier_selection.index")


@bp.route("")
@login_required
def index():
    shown = columns()
    sort = Sort.from_args(request.args, shown)
    rows = with_flags(rows_for(current_user))
    decider = decisions.is_decider(current_user, rows)
    history = decisions.history(current_user.organization_id) if decider else []
    year = decisions.this_year()
    return render("portfolio/index.html", rows=sort.apply(rows), sort=sort, columns=shown,
                  decider=decider, history=history, year=year,
                  current=next((r for r in history if r.year == year), None),
                  can_start=current_user.is_org_admin and bool(rows))

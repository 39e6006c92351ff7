"""The annual re-evaluation's pages: starting this year's, the run with its progress, one
partnership at a time with its facts and the decision form, and finishing it.

The year in the URL is looked up in the reader's own organization only, so another
organization's re-evaluation cannot be reached (404, as for a year that has none).
A partnership is shown to whoever sees it in the portfolio (its members, the admins).
"""
from flask import abort, flash, make_response, redirect, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from portal import audit
from portal.errors import error_page
from portal.portfolio import decisions
from portal.portfolio.decisions import Refused
from portal.portfolio.facts import rows_for
from portal.portfolio.flags import with_flags
from portal.portfolio.forms import DecisionForm
from portal.portfolio.models import DECISION_HINTS, DECISIONS
from portal.portfolio.views import bp, columns, selection_url
from portal.rendering import render

DECIDERS_ONLY = _l("The re-evaluation is for your organization's admins and the sponsors of "
                   "its partnerships.")


def refuse(status, message):
    """Stop the request with the portal's error page saying why."""
    abort(make_response(error_page(status, message)))


def _run(year, only=None):
    """(re-evaluation, other years, rows the reader sees) for a decider, else 403."""
    rows = rows_for(current_user, only=only)
    if not decisions.is_decider(current_user, rows):
        refuse(403, str(DECIDERS_ONLY))
    reevaluation, others = decisions.of_year(current_user.organization_id, year)
    return reevaluation, others, with_flags(rows)


@bp.route("/re-evaluation", methods=["POST"])
@login_required
def start():
    if not FlaskForm().validate_on_submit():
        abort(400)
    if not current_user.is_org_admin:
        refuse(403, _("Only your organization's admins start the re-evaluation."))
    try:
        reevaluation, started = decisions.start(current_user.organization_id, current_user)
    except Refused as refused:
        flash(str(refused), "error")
        return redirect(url_for("portfolio.index"))
    if started:
        audit.record("reevaluation_started", year=reevaluation.year)
        flash(_("The %(year)s re-evaluation is open: decide on each partnership in turn, "
                "then finish it.", year=reevaluation.year), "success")
    return redirect(url_for("portfolio.reevaluation", year=reevaluation.year))


@bp.route("/re-evaluation/<int:year>")
@login_required
def reevaluation(year):
    reevaluation, others, rows = _run(year)
    decided = decisions.decisions_of(reevaluation)
    if not current_user.is_org_admin:  # a sponsor reads the decisions on their own
        seen = {row.partnership.id for row in rows}
        decided = {pid: d for pid, d in decided.items() if pid in seen}
    return render("portfolio/reevaluation.html", reevaluation=reevaluation, others=others,
                  rows=rows, decided=decided, columns=columns(),
                  next_row=_next_undecided(rows, decided),
                  can_finish=current_user.is_org_admin and not reevaluation.finished)


def _next_undecided(rows, decided, after=None):
    """The next row without a decision that the reader may decide, after `after`
    (wrapping round), or None."""
    mine = [row for row in rows if decisions.may_decide(current_user, row)]
    start = next((n + 1 for n, row in enumerate(mine) if row.partnership.id == after), 0)
    return next((row for row in mine[start:] + mine[:start]
                 if row.partnership.id not in decided and row.partnership.id != after), None)


def _step(year, pid, form=None, status=200):
    reevaluation, _others, rows = _run(year, only={pid})
    position = next((n for n, row in enumerate(rows) if row.partnership.id == pid), None)
    if position is None:
        abort(404)
    row, decided = rows[position], decisions.decisions_of(reevaluation)
    decision = decided.get(pid)
    can_decide = not reevaluation.finished and decisions.may_decide(current_user, row)
    if form is None and can_decide:
        form = DecisionForm(formdata=None, data={"decision": decision.decision,
                                                 "reason": decision.reason} if decision else {})
    return render("portfolio/step.html", reevaluation=reevaluation, row=row, rows=rows,
                  position=position, decision=decision,
                  form=form if can_decide else None, hints=DECISION_HINTS,
                  selection_url=selection_url(row), status=status)


@bp.route("/re-evaluation/<int:year>/partnerships/<int:pid>")
@login_required
def step(year, pid):
    return _step(year, pid)


@bp.route("/re-evaluation/<int:year>/partnerships/<int:pid>", methods=["POST"])
@login_required
def decide(year, pid):
    reevaluation, _others, rows = _run(year, only={pid})
    row = next((row for row in rows if row.partnership.id == pid), None)
    if row is None:
        abort(404)
    if not decisions.may_decide(current_user, row):
        refuse(403, _("Only your organization's admins and this partnership's sponsors "
                      "decide on it."))
    form = DecisionForm()
    if not form.validate_on_submit():
        return _step(year, pid, form=form, status=422)
    try:
        decisions.record(reevaluation, row, form.decision.data, form.reason.data.strip(),
                         current_user)
    except Refused as refused:
        return error_page(409, str(refused), title=_("Not changed"))
    audit.record("reevaluation_decided", partnership=row.partnership, year=year,
                 decision=form.decision.data)
    decided = decisions.decisions_of(reevaluation)
    flash(_("%(name)s: %(decision)s. %(decided)s of %(total)s decided.",
            name=row.partnership.name, decision=str(dict(DECISIONS)[form.decision.data]).lower(),
            decided=len(decided), total=reevaluation.total), "success")
    following = _next_undecided(rows, decided, after=pid)
    if following is not None:
        return redirect(url_for("portfolio.step", year=year, pid=following.partnership.id))
    return redirect(url_for("portfolio.reevaluation", year=year))


@bp.route("/re-evaluation/<int:year>/finish", methods=["POST"])
@login_required
def finish(year):
    if not FlaskForm().validate_on_submit():
        abort(400)
    reevaluation, _others, _rows = _run(year, only=set())
    if not current_user.is_org_admin:
        refuse(403, _("Only your organization's admins finish the re-evaluation."))
    try:
        decisions.finish(reevaluation, current_user)
    except Refused as refused:
        flash(str(refused), "error")
        return redirect(url_for("portfolio.reevaluation", year=year))
    audit.record("reevaluation_finished", year=year)
    flash(_("The %(year)s re-evaluation is finished. Its decisions are kept as a record, "
            "visible to your organization only.", year=year), "success")
    return redirect(url_for("portfolio.reevaluation", year=year))

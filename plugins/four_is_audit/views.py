"""The evidence page of a 4 I's audit run: what the portal's data showed for each I when
the audit opened, and each auditor confirming or correcting it.

Partnership-scoped (`<int:partnership_id>`): the portal answers 404 to non-members
before a view runs and refuses writes from viewers; the run must be a 4 I's audit of
this partnership, else 404.
"""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from portal import (Form, current_membership, current_partnership, instrument_runs, logged_in_user,
                    new_run_url, partnership_blueprint, record_audit, requires_role, respond_url,
                    role_at_least, run_url)

from . import evidence
from .forms import correction_form

bp = partnership_blueprint("four_is_audit", __name__, "/audit")


def _run_or_404(run_id):
    run = next((r for r in instrument_runs(evidence.INSTRUMENT_ID) if r.id == run_id), None)
    if run is None:
        abort(404)
    return run


def _line_or_404(run, line_id):
    lines = evidence.lines_of(run.id, run.partnership_id)
    line = next((line for line in lines if line.row.id == line_id), None)
    if line is None:
        abort(404)
    return line


def _page(run, forms=None, status=200):
    partnership = current_partnership()
    lines = evidence.lines_of(run.id, partnership.id)
    user = logged_in_user()
    forms = forms or {}
    for line in lines:
        mine = line.verdict_of(user.id)
        forms.setdefault(line.row.id, correction_form(
            line.row.id, text=mine.text if mine and mine.verdict == "corrected" else line.row.text))
    can_review = role_at_least(current_membership(), "member") and run.status == "open"
    return render_template(
        "four_is_audit/evidence.html", partnership=partnership, run=run,
        groups=evidence.by_i(lines), lines=lines, forms=forms, user=user,
        can_review=can_review, run_link=run_url(partnership.id, run.id),
        respond_link=respond_url(partnership.id, run.id)), status


@bp.route("")
def index(partnership_id):
    """The partnership's audits, newest first, each with how far its evidence is reviewed."""
    runs = instrument_runs(evidence.INSTRUMENT_ID)
    return render_template("four_is_audit/index.html", partnership=current_partnership(),
                           runs=runs, counts=evidence.summaries([run.id for run in runs]),
                           can_open=role_at_least(current_membership(), "editor"),
                           new_run=new_run_url(partnership_id, evidence.INSTRUMENT_ID))


@bp.route("/runs/<int:run_id>/evidence")
def evidence_page(partnership_id, run_id):
    return _page(_run_or_404(run_id))


def _closed(run):
    if run.status != "open":
        flash(_("This audit is closed: its evidence stays as the auditors left it."), "error")
        return redirect(url_for(".evidence_page", partnership_id=run.partnership_id, run_id=run.id))
    return None


@bp.route("/runs/<int:run_id>/evidence/<int:line_id>/confirm", methods=["POST"])
@requires_role("member")
def confirm(partnership_id, run_id, line_id):
    run = _run_or_404(run_id)
    line = _line_or_404(run, line_id)
    if not Form().validate_on_submit():
        abort(400)
    refused = _closed(run)
    if refused:
        return refused
    evidence.review(line.row, logged_in_user(), "confirmed")
    record_audit("audit_evidence_confirmed", partnership=current_partnership(), run=run.id,
                 line=line.row.id)
    flash(_("You confirmed this %(i)s evidence.", i=line.row.i.lower()), "success")
    return redirect(url_for(".evidence_page", partnership_id=partnership_id, run_id=run.id)
                    + f"#line-{line.row.id}")


@bp.route("/runs/<int:run_id>/evidence/<int:line_id>/correct", methods=["POST"])
@requires_role("member")
def correct(partnership_id, run_id, line_id):
    run = _run_or_404(run_id)
    line = _line_or_404(run, line_id)
    refused = _closed(run)
    if refused:
        return refused
    form = correction_form(line.row.id, formdata=request.form)
    if not form.validate():
        return _page(run, forms={line.row.id: form}, status=422)
    text, reason = form.text.data.strip(), form.reason.data.strip()
    evidence.review(line.row, logged_in_user(), "corrected", text=text, reason=reason)
    record_audit("audit_evidence_corrected", partnership=current_partnership(), run=run.id,
                 line=line.row.id, text=text, reason=reason)
    flash(_("Your correction of this %(i)s evidence is kept.", i=line.row.i.lower()), "success")
    return redirect(url_for(".evidence_page", partnership_id=partnership_id, run_id=run.id)
                    + f"#line-{line.row.id}")

"""Benefits on the Health tab: each party defines the benefits it expects (seed 003 #3,
#7), changes and removes its own, and records their values over time. A benefit of
another partnership is a 404; the other party's benefits are read-only (403). Members
reach these views; `may_manage` and `may_record` say who of them may change what."""
from flask import abort, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from portal import audit
from portal.db import write_transaction
from portal.errors import error_page
from portal.partnerships.access import requires_role
from portal.rendering import render
from portal.scorecard.forms import ValueForm
from portal.scorecard.models import Benefit, BenefitValue
from portal.scorecard.views import benefit_form, bp, may_manage, may_record, my_side, page, people


def benefit_or_404(benefit_id):
    benefit = Benefit.get_or_none(Benefit.id == benefit_id, Benefit.partnership == g.partnership.id)
    if benefit is None:
        abort(404)
    return benefit


def _owner_ok(form):
    if form.owner.data not in {m.user_id for m in people()}:
        form.owner.errors = [*form.owner.errors, _("Choose a member of the partnership.")]
        return False
    return True


def _fields(form):
    return {"name": form.name.data.strip(), "kind": form.kind.data, "unit": (form.unit.data or "").strip(),
            "target": form.target.data, "direction": form.direction.data, "owner": form.owner.data,
            "cadence_days": form.cadence_days.data}


def _back(partnership_id, anchor="benefits"):
    return redirect(url_for("scorecard.index", partnership_id=partnership_id) + f"#{anchor}")


@bp.route("/benefits", methods=["POST"])
@requires_role("member")
def add_benefit(partnership_id):
    side = my_side()
    if not may_manage(side):
        abort(403)
    form = benefit_form()
    if not (form.validate_on_submit() & _owner_ok(form)):
        return page(status=422, benefit_form_=form)
    with write_transaction():
        benefit = Benefit.create(partnership=partnership_id, side=side, created_by=current_user.id,
                                 **_fields(form))
    audit.record("benefit_added", partnership=g.partnership, benefit=benefit.name, side=side)
    flash(_("“%(name)s” is one of your side's benefits. Record its first value below.",
            name=benefit.name), "success")
    return _back(partnership_id, f"benefit-{benefit.id}")


@bp.route("/benefits/<int:benefit_id>/edit", methods=["GET", "POST"])
@requires_role("member")
def edit_benefit(partnership_id, benefit_id):
    benefit = benefit_or_404(benefit_id)
    if not may_manage(benefit.side):
        abort(403)
    if request.method == "POST":
        form = benefit_form()
    else:
        form = benefit_form(data={
            "name": benefit.name, "kind": benefit.kind, "unit": benefit.unit, "target": benefit.target,
            "direction": benefit.direction, "owner": benefit.owner_id or current_user.id,
            "cadence_days": benefit.cadence_days})
    status = 200
    if request.method == "POST":
        if form.validate_on_submit() & _owner_ok(form):
            with write_transaction():
                Benefit.update(_fields(form)).where(Benefit.id == benefit.id).execute()
            audit.record("benefit_changed", partnership=g.partnership, benefit=form.name.data.strip())
            flash(_("The benefit is saved."), "success")
            return _back(partnership_id, f"benefit-{benefit.id}")
        status = 422
    return render("scorecard/edit_benefit.html", partnership=g.partnership, benefit=benefit,
                  form=form, delete_form=FlaskForm(), status=status)


@bp.route("/benefits/<int:benefit_id>/delete", methods=["POST"])
@requires_role("member")
def delete_benefit(partnership_id, benefit_id):
    benefit = benefit_or_404(benefit_id)
    if not may_manage(benefit.side):
        abort(403)
    if not FlaskForm().validate_on_submit():
        return error_page(400, _("This form is damaged: reload the page and try again."))
    with write_transaction():
        Benefit.delete().where(Benefit.id == benefit.id).execute()
    audit.record("benefit_removed", partnership=g.partnership, benefit=benefit.name)
    flash(_("“%(name)s” and its values are removed.", name=benefit.name), "success")
    return _back(partnership_id)


@bp.route("/benefits/<int:benefit_id>/values", methods=["POST"])
@requires_role("member")
def add_value(partnership_id, benefit_id):
    benefit = benefit_or_404(benefit_id)
    if not may_record(benefit):
        abort(403)
    form = ValueForm(prefix=f"value-{benefit.id}")
    if not form.validate_on_submit():
        return page(status=422, value_forms={benefit.id: form})
    with write_transaction():
        BenefitValue.create(benefit=benefit.id, measured_on=form.measured_on.data, value=form.value.data,
                            note=(form.note.data or "").strip(), recorded_by=current_user.id)
    audit.record("benefit_value_recorded", partnership=g.partnership, benefit=benefit.name,
                 value=form.value.data, on=form.measured_on.data.isoformat())
    flash(_("Recorded %(value)s %(unit)s for “%(name)s”.", value=format(form.value.data, "g"),
            unit=benefit.unit, name=benefit.name).replace("  ", " "), "success")
    return _back(partnership_id, f"benefit-{benefit.id}")

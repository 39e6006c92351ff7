"""Setting up a selection: creating it, its criteria and weights (typed in or from
pairwise judgements), and its candidate suppliers."""
import peewee
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, ngettext
from flask_wtf import FlaskForm

from portal import (first_error, invitation_problem, logged_in_user, login_required,
                    organizations, record_audit)

from . import ahp
from .access import client_org, edit_refusal, is_editor, load_selection
from .blueprint import bp
from .forms import (CandidateForm, CriterionForm, OutsideCandidateForm, SelectionForm,
                    parse_weight, posted)
from .models import DEFAULT_CRITERIA, DEFAULT_WEIGHT, Candidate, Criterion, Selection
from .state import render_selection


@bp.route("/selections", methods=["GET", "POST"])
@login_required
def index():
    org = client_org()
    if org is None:
        abort(404)
    form = SelectionForm()
    if request.method == "POST":
        if not is_editor():
            abort(403)
        if form.validate_on_submit():
            selection = Selection.create(client_org_id=org.id, created_by_id=logged_in_user().id,
                                         name=form.name.data, needs=form.needs.data or "",
                                         gaps=form.gaps.data or "")
            for name in DEFAULT_CRITERIA:
                Criterion.create(selection=selection, name=name, weight=DEFAULT_WEIGHT)
            record_audit("supplier_selection_created", selection_id=selection.id,
                         name=selection.name)
            flash(_("Selection created with the default criteria. Add candidate suppliers "
                    "and adjust the criteria and weights."), "success")
            return redirect(url_for(".show", selection_id=selection.id))
    selections = list(Selection.select().where(Selection.client_org_id == org.id)
                      .order_by(Selection.created_at.desc(), Selection.id.desc()))
    return render_template("supplier_selection/index.html", selections=selections,
                           can_edit=is_editor(), form=form,
                           org=org), (400 if form.errors else 200)


@bp.route("/selections/<int:selection_id>")
@login_required
def show(selection_id):
    return render_selection(load_selection(selection_id))


@bp.route("/selections/<int:selection_id>/criteria", methods=["POST"])
@login_required
def add_criterion(selection_id):
    selection = load_selection(selection_id)
    refused = edit_refusal(selection, structure=True)
    if refused:
        return render_selection(selection, 409, error=refused)
    form = CriterionForm()
    if not form.validate_on_submit():
        return render_selection(selection, 400, error=first_error(form), criterion_form=form)
    name, weight = form.name.data, parse_weight(form.weight.data)
    if selection.criteria.where(peewee.fn.LOWER(Criterion.name) == name.lower()).exists():
        return render_selection(selection, 400, error=_("There is already a criterion “%(name)s”.", name=name),
                                criterion_form=form)
    Criterion.create(selection=selection, name=name, weight=weight)
    flash(_("Criterion “%(name)s” added.", name=name), "success")
    return redirect(url_for(".show", selection_id=selection.id))


@bp.route("/selections/<int:selection_id>/criteria/<int:criterion_id>/delete", methods=["POST"])
@login_required
def delete_criterion(selection_id, criterion_id):
    return _remove(selection_id, Criterion, criterion_id,
                   lambda criterion: _("Criterion “%(name)s” removed.", name=criterion.name))


def _remove(selection_id, model, row_id, message):
    """Remove a criterion or a candidate (and its scores) while the structure is open."""
    selection = load_selection(selection_id)
    refused = edit_refusal(selection, structure=True)
    if refused:
        return render_selection(selection, 409, error=refused)
    row = model.get_or_none(model.id == row_id, model.selection == selection)
    if row is None:
        abort(404)
    row.delete_instance(recursive=True)
    flash(message(row), "success")
    return redirect(url_for(".show", selection_id=selection.id))


@bp.route("/selections/<int:selection_id>/weights", methods=["POST"])
@login_required
def set_weights(selection_id):
    selection = load_selection(selection_id)
    refused = edit_refusal(selection)
    if refused:
        return render_selection(selection, 409, error=refused)
    if not FlaskForm().validate_on_submit():
        abort(400)
    criteria = list(selection.criteria)
    typed = {f"weight-{c.id}": posted(f"weight-{c.id}") for c in criteria}
    new, bad = {}, []
    for c in criteria:
        weight = parse_weight(typed[f"weight-{c.id}"])
        if weight is None:
            bad.append(c.name)
        new[c.id] = weight
    if bad:
        return render_selection(selection, 400, weight_form=typed,
                                error=_("Weights are numbers of 0 or more; check: %(criteria)s. "
                                        "Nothing was changed.", criteria=", ".join(bad)))
    total = sum(new.values())
    if criteria and total <= 0:
        return render_selection(selection, 400, weight_form=typed,
                                error=_("At least one criterion needs a weight above 0. "
                                        "Nothing was changed."))
    for c in criteria:
        Criterion.update(weight=new[c.id]).where(Criterion.id == c.id).execute()
    message = _("Weights saved.")
    if abs(total - 100) > 1e-9:
        message = _("Weights saved. They add up to %(total)g, not 100, so each is divided by "
                    "%(total)g: the shares shown are normalized to 100 %%.", total=total)
    flash(message, "success" if abs(total - 100) <= 1e-9 else "warning")
    return redirect(url_for(".show", selection_id=selection.id))


def _pairs(criteria):
    return [(i, j) for i in range(len(criteria)) for j in range(i + 1, len(criteria))]


def _pair_name(criteria, i, j):
    return f"pair-{criteria[i].id}-{criteria[j].id}"


@bp.route("/selections/<int:selection_id>/pairwise", methods=["GET", "POST"])
@login_required
def pairwise(selection_id):
    """Weights from pairwise judgements (AHP); inconsistent judgements go back for revision."""
    selection = load_selection(selection_id)
    criteria = list(selection.criteria)
    pairs = _pairs(criteria)
    values, error, strays, cr = {}, None, [], None
    if request.method == "POST":
        refused = edit_refusal(selection)
        if refused:
            return render_selection(selection, 409, error=refused)
        if not FlaskForm().validate_on_submit():
            abort(400)
        values = {name: posted(name) for name in (_pair_name(criteria, i, j) for i, j in pairs)}
        judgements, missing = {}, 0
        for i, j in pairs:
            value = ahp.judgement(values[_pair_name(criteria, i, j)])
            if value is None:
                missing += 1
            else:
                judgements[(i, j)] = value
        if missing or len(criteria) < 2:
            error = ngettext("Compare every pair: %(num)d of %(total)d judgments is missing. "
                             "Nothing was changed.",
                             "Compare every pair: %(num)d of %(total)d judgments are missing. "
                             "Nothing was changed.", missing, total=len(pairs))
        else:
            found, cr, worst = ahp.weigh(len(criteria), judgements)
            if cr >= ahp.MAX_CR:
                strays = [(criteria[i].name, criteria[j].name) for i, j in worst]
                error = _("These judgments contradict each other too much (consistency ratio "
                          "%(cr).2f; it must stay below %(max).2f). Revise them, starting "
                          "with the pairs listed below. Nothing was changed.",
                          cr=cr, max=ahp.MAX_CR)
            else:
                for c, weight in zip(criteria, ahp.percentages(found)):
                    Criterion.update(weight=weight).where(Criterion.id == c.id).execute()
                record_audit("supplier_selection_pairwise", selection=selection.id, cr=round(cr, 3))
                flash(_("Weights set from your pairwise judgments (consistency ratio %(cr).2f).",
                        cr=cr), "success")
                return redirect(url_for(".show", selection_id=selection.id))
    return render_template("supplier_selection/pairwise.html", selection=selection,
                           criteria=criteria, pairs=pairs, values=values, error=error,
                           strays=strays, cr=cr, scale=ahp.SCALE[1:]), 400 if error else 200


@bp.route("/selections/<int:selection_id>/candidates", methods=["POST"])
@login_required
def add_candidate(selection_id):
    selection = load_selection(selection_id)
    refused = edit_refusal(selection, structure=True)
    if refused:
        return render_selection(selection, 409, error=refused)
    suppliers = {o.id: o.name for o in organizations(kind="supplier")
                 if o.id != selection.client_org_id}
    form = CandidateForm()
    if not form.validate_on_submit():
        return render_selection(selection, 400, error=first_error(form))
    org_id = form.supplier_org_id.data
    if org_id not in suppliers:
        return render_selection(selection, 400, error=_("Choose a supplier organization."))
    if selection.candidates.where(Candidate.supplier_org_id == org_id).exists():
        return render_selection(selection, 400,
                                error=_("%(name)s is already a candidate.", name=suppliers[org_id]))
    Candidate.create(selection=selection, supplier_org_id=org_id, notes=form.notes.data or "")
    flash(_("%(name)s added as a candidate.", name=suppliers[org_id]), "success")
    return redirect(url_for(".show", selection_id=selection.id))


@bp.route("/selections/<int:selection_id>/outside-candidates", methods=["POST"])
@login_required
def add_outside_candidate(selection_id):
    """A supplier not yet in the portal, by name and contact; nobody is invited yet."""
    selection = load_selection(selection_id)
    refused = edit_refusal(selection, structure=True)
    if refused:
        return render_selection(selection, 409, error=refused)
    form = OutsideCandidateForm(prefix="outside")
    if form.validate_on_submit():
        name_problem(selection, form)
        if not form.errors:
            email_problem(selection, form)
    if form.errors:
        return render_selection(selection, 400, outside_form=form,
                                error=_("The candidate was not added: see the notes beside "
                                        "the fields below."))
    name = " ".join(form.name.data.split())
    Candidate.create(selection=selection, name=name, contact_name=form.contact_name.data,
                     contact_email=form.contact_email.data.lower(), notes=form.notes.data or "")
    flash(_("%(name)s added as a candidate. If they are chosen, %(contact)s is "
            "invited to the portal.", name=name, contact=form.contact_name.data), "success")
    return redirect(url_for(".show", selection_id=selection.id))


def name_problem(selection, form):
    """A name that is already a candidate, or an organization in the portal."""
    name = " ".join(form.name.data.split())
    taken = {o.name.lower(): o for o in organizations()}
    if selection.candidates.where(peewee.fn.LOWER(Candidate.name) == name.lower()).exists():
        form.name.errors.append(_("%(name)s is already a candidate.", name=name))
    elif name.lower() in taken and taken[name.lower()].kind in ("supplier", "both"):
        form.name.errors.append(_("%(name)s is already in the portal: choose "
                                  "it in “Supplier organization” above.",
                                  name=taken[name.lower()].name))
    elif name.lower() in taken:
        form.name.errors.append(_("An organization named %(name)s is already "
                                  "in the portal; add a word that tells this supplier apart.",
                                  name=taken[name.lower()].name))


def email_problem(selection, form, candidate=None):
    """An address already given for another candidate, or one that cannot be invited."""
    email = form.contact_email.data.lower()
    others = selection.candidates.where(peewee.fn.LOWER(Candidate.contact_email) == email)
    if candidate is not None:
        others = others.where(Candidate.id != candidate.id)
    if others.exists():
        form.contact_email.errors.append(
            _("This address is already the contact of another candidate."))
        return
    problem = invitation_problem(email)
    if problem:
        form.contact_email.errors.append(problem)


@bp.route("/selections/<int:selection_id>/candidates/<int:candidate_id>/delete", methods=["POST"])
@login_required
def delete_candidate(selection_id, candidate_id):
    return _remove(selection_id, Candidate, candidate_id, lambda candidate: _("Candidate removed."))

"""The action plan: flagged results become joint actions, and the next run shows how
each flagged item moved since (closing the loop, seed 003).

Whoever may add an action (an editor or a sponsor) may correct its text, owners and due
date, or remove it after a confirmation (issue 11); both are recorded in the audit log.
Its owners may change its status.
"""
import datetime as dt

from flask import abort, flash, g, redirect, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from peewee import JOIN

from portal import audit
from portal.accounts.models import User, utcnow
from portal.errors import error_page
from portal.forms import choice, damaged, finite_number, options
from portal.instruments.forms import ActionEditForm, ActionForm, ActionStatusForm
from portal.prepared import Prepared
from portal.instruments.models import ActionItem, Run
from portal.instruments.registry import questions_of
from portal.partnerships.access import partnership_blueprint, requires_role
from portal.partnerships.models import PartnershipMember
from portal.rendering import render
from portal.vocabulary import role_at_least

bp = partnership_blueprint("actions", __name__, template_folder="templates")
UNASSIGNED = (0, _l("Not assigned yet"))


def _members_by_side(partnership):
    """{organization id: [(user id, name), ...]}: who may own an action, one statement
    for both sides."""
    sides = {partnership.client_id: [], partnership.supplier_id: []}
    for user_id, name, organization_id in _OWNERS.rows(partnership.id, partnership.client_id,
                                                        partnership.supplier_id):
        sides[organization_id].append((user_id, name))
    return sides


_OWNERS = Prepared(lambda partnership_id, client_id, supplier_id: (
    User.select(User.id, User.name, User.organization)
    .join(PartnershipMember, on=(PartnershipMember.user == User.id))
    .where(PartnershipMember.partnership == partnership_id,
           User.organization.in_([client_id, supplier_id])).order_by(User.name).tuples()))


def _owners(pairs, current=None):
    """The members of one side who may own an action; `current`, the owner it has, stays
    a choice after leaving the partnership, so correcting the text does not unassign it."""
    pairs = list(pairs)
    if current is not None and current.id not in {user_id for user_id, _name in pairs}:
        pairs.append((current.id, _("%(name)s (no longer a member)", name=current.name)))
    return options([UNASSIGNED] + pairs)


def owner_choices(partnership):
    """(client side, supplier side): the choices of who may own an action."""
    sides = _members_by_side(partnership)
    return _owners(sides[partnership.client_id]), _owners(sides[partnership.supplier_id])


def action_form(partnership, **data):
    form = ActionForm(**data)
    form.client_owner.choices, form.supplier_owner.choices = owner_choices(partnership)
    return form


def correction_form(partnership, item):
    """The correction form of an action, filled with what it says now on GET."""
    current = None if request.method == "POST" else {
        "text": item.text, "client_owner": item.client_owner_id or 0,
        "supplier_owner": item.supplier_owner_id or 0, "due_on": item.due_on}
    form = ActionEditForm(data=current)
    sides = _members_by_side(partnership)
    form.client_owner.choices = _owners(sides[partnership.client_id], item.client_owner)
    form.supplier_owner.choices = _owners(sides[partnership.supplier_id], item.supplier_owner)
    return form


def with_owners():
    """Actions with both owners, read in the same statement (pages name them)."""
    client, supplier = User.alias(), User.alias()
    return (ActionItem.select(ActionItem, client, supplier)
            .join(client, JOIN.LEFT_OUTER, on=(ActionItem.client_owner == client.id),
                  attr="client_owner")
            .switch(ActionItem)
            .join(supplier, JOIN.LEFT_OUTER, on=(ActionItem.supplier_owner == supplier.id),
                  attr="supplier_owner")
            .switch(ActionItem))


def open_actions(partnership):
    return _OPEN.list(getattr(partnership, "id", partnership))


_OPEN = Prepared(lambda partnership_id: (
    with_owners().where(ActionItem.partnership == partnership_id, ActionItem.status != "done")
    .order_by(ActionItem.due_on.is_null(), ActionItem.due_on, ActionItem.id)))


def of_run(run):
    """(the run's own actions, actions on items flagged in earlier runs of its
    instrument), with their owners, in one statement."""
    found = _OF_RUN.list(run.partnership_id, run.id, run.instrument_id, run.opens_on)
    return ([a for a in found if a.run_id == run.id],
            [a for a in found if a.run_id != run.id])


def _of_run(partnership_id, run_id, instrument_id, opens_on):
    earlier = ((ActionItem.instrument_id == instrument_id)
               & ActionItem.question_id.is_null(False)
               & (Run.opens_on <= opens_on) & (Run.id != run_id))
    return (with_owners().join(Run, on=(ActionItem.run == Run.id))
            .where(ActionItem.partnership == partnership_id, (ActionItem.run == run_id) | earlier)
            .order_by(ActionItem.id))


_OF_RUN = Prepared(_of_run)


def movements(rr, earlier):
    """How items flagged in earlier runs of this instrument moved: [(action, before, now)].
    `earlier`: those runs' actions on flagged items (`of_run`)."""
    if not rr.visible:
        return []
    rows = []
    for action in earlier:
        item = rr.results.items.get(action.question_id)
        if item is not None:
            rows.append((action, action.baseline, item.mean))
    return rows


def _can_edit():
    return g.membership is not None and role_at_least(g.membership.role, "editor")


_PLAN = Prepared(lambda partnership_id: (
    with_owners().select_extend(Run.id, Run.title)  # "from <run>"
    .join(Run, JOIN.LEFT_OUTER, on=(ActionItem.run == Run.id), attr="run")
    .where(ActionItem.partnership == partnership_id)
    .order_by(ActionItem.status == "done", ActionItem.due_on.is_null(), ActionItem.due_on,
              ActionItem.id)))


def _plan_page(form=None, editing=None, edit_form=None, status=200):
    """The action plan; with `editing`, the correction form of that action on top."""
    items = _PLAN.list(g.partnership.id)
    can_edit = _can_edit()
    if form is None and can_edit:
        form = action_form(g.partnership)
    return render("instruments/actions.html", partnership=g.partnership, items=items,
                  form=form, can_edit=can_edit, editing=editing, edit_form=edit_form,
                  today=dt.date.today(), status_form=ActionStatusForm(), status=status)


def _action_or_404(action_id):
    item = ActionItem.get_or_none(ActionItem.id == action_id, ActionItem.partnership == g.partnership)
    if item is None:
        abort(404)
    return item


@bp.route("/actions")
def index(partnership_id):
    return _plan_page()


@bp.route("/actions", methods=["POST"])
@requires_role("editor")
def create(partnership_id):
    form = action_form(g.partnership)
    if not form.validate_on_submit():
        if damaged(form):
            return error_page(400, damaged(form))
        return _plan_page(form=form, status=422)
    run = None
    if form.run_id.data is not None:
        run = Run.get_or_none(Run.id == form.run_id.data, Run.partnership == g.partnership)
    item = ActionItem.create(
        partnership=g.partnership, run=run, instrument_id=run.instrument_id if run else None,
        question_id=_question_of(run, form.question_id.data),
        baseline=finite_number(form.baseline.data) if run else None,
        text=form.text.data.strip(), due_on=form.due_on.data,
        client_owner=form.client_owner.data or None,
        supplier_owner=form.supplier_owner.data or None,
        created_by=current_user.id)
    audit.record("action_created", partnership=g.partnership, action_item=item.id, text=item.text)
    flash(_("The action is added to the partnership's action plan."), "success")
    if run is not None:
        return redirect(url_for("instruments.run", partnership_id=partnership_id, run_id=run.id))
    return redirect(url_for("actions.index", partnership_id=partnership_id))


def _question_of(run, question_id):
    """The flagged question, when it is one of the run's; None for a plain action."""
    if run is None:
        return None
    return choice(question_id, {q.id for q in questions_of(run)})


@bp.route("/actions/<int:action_id>/edit", methods=["GET", "POST"])
@requires_role("editor")
def edit(partnership_id, action_id):
    item = _action_or_404(action_id)
    if not _can_edit():  # a GET passes the portal's check; the form is for editors only
        abort(403)
    form = correction_form(g.partnership, item)
    if not form.validate_on_submit():
        return _plan_page(editing=item, edit_form=form,
                          status=422 if request.method == "POST" else 200)
    changed = {}
    for name, value in (("text", form.text.data.strip()), ("due_on", form.due_on.data),
                        ("client_owner_id", form.client_owner.data or None),
                        ("supplier_owner_id", form.supplier_owner.data or None)):
        if getattr(item, name) != value:
            changed[name] = [str(getattr(item, name)), str(value)]
            setattr(item, name, value)
    item.save()
    audit.record("action_edited", partnership=g.partnership, action_item=item.id, text=item.text,
                 changed=changed)
    flash(_("The action is corrected."), "success")
    return redirect(url_for("actions.index", partnership_id=partnership_id))


@bp.route("/actions/<int:action_id>/remove", methods=["POST"])
@requires_role("editor")
def remove(partnership_id, action_id):
    item = _action_or_404(action_id)
    if FlaskForm().validate_on_submit():
        item.delete_instance()
        audit.record("action_removed", partnership=g.partnership, action_item=item.id,
                     text=item.text, status=item.status)
        flash(_("The action is removed from the action plan."), "success")
    return redirect(url_for("actions.index", partnership_id=partnership_id))


@bp.route("/actions/<int:action_id>/status", methods=["POST"])
def set_status(partnership_id, action_id):
    item = _action_or_404(action_id)
    if not (_can_edit() or current_user.id in (item.client_owner_id, item.supplier_owner_id)):
        abort(403)
    form = ActionStatusForm()
    if form.validate_on_submit():
        before, item.status = item.status, form.status.data
        item.closed_at = utcnow() if item.status == "done" else None
        item.save()
        audit.record("action_status", partnership=g.partnership, action_item=item.id,
                     before=before, after=item.status)
        flash({"open": _("The action is now open."),
               "in_progress": _("The action is now in progress."),
               "done": _("The action is now done.")}[item.status], "success")
    else:
        flash(_("Choose open, in progress or done."), "error")
    back = form.back.data or ""
    return redirect(back if back.startswith("/partnerships/") and not form.back.errors
                    else url_for("actions.index", partnership_id=partnership_id))

"""Choosing the supplier for a pilot, and inviting a chosen supplier not yet in the portal.

The choice creates the pilot partnership in the lifecycle's "onboarding" stage (seed
002: selection is done once a supplier is chosen; onboarding and immersion come next),
with the person who chose as its sponsor and the selection's other evaluators as
members. A supplier already in the portal is simply the partnership's supplier. For a
supplier not yet in it, the same choice creates its organization and invites its
contact as that organization's admin and the partnership's sponsor on the supplier
side; the invitation's link is shown once, on the page that answers the choice (the
portal keeps only a hash of it), and "Make a new link" gives a fresh one later.
Everything the choice makes is made in one transaction: a refusal leaves nothing half
made, and the selection, its scores and its candidates stay as they were.
"""
from flask import flash, redirect, url_for
from flask_babel import gettext as _

from portal import (InvitationError, create_organization, create_partnership, first_error,
                    invitation_problem, invite_person, logged_in_user, login_required,
                    record_audit, renew_invitation, write_transaction)

from .access import edit_refusal, load_selection
from .blueprint import bp
from .forms import ContactForm, DecisionForm
from .models import Candidate, Selection
from .state import render_selection, selection_state
from .views import email_problem

NOTHING_CHANGED = " Nothing was changed."  # kept for callers; messages below say it whole


def _nothing_changed(error):
    """A refusal from the portal, followed by the reassurance that nothing changed."""
    return _("%(error)s Nothing was changed.", error=error)


def _members(state):
    """The sponsor who chose, and the evaluators of the client's side as members."""
    me = logged_in_user().id
    return [(me, "sponsor")] + [(e.user_id, "member") for e in state["evaluators"]
                                if e.user_id != me]


def _choose(selection, candidate, name, members):
    """Create what the choice makes; returns (partnership id, invitation or None)."""
    invitation = None
    with write_transaction():
        supplier_id = candidate.supplier_org_id
        if supplier_id is None:
            supplier_id = create_organization(name, "supplier").id
            Candidate.update(supplier_org_id=supplier_id).where(
                Candidate.id == candidate.id).execute()
        pid = create_partnership(f"{name} pilot", selection.client_org_id, supplier_id,
                                 stage="onboarding", members=members)
        if candidate.is_outside:
            invitation = invite_person(candidate.contact_email, candidate.contact_name,
                                       supplier_id, partnership_id=pid, role="sponsor",
                                       org_role="admin")
        Selection.update(status="decided", chosen_candidate_id=candidate.id,
                         partnership_id=pid).where(Selection.id == selection.id).execute()
    return pid, invitation


@bp.route("/selections/<int:selection_id>/decide", methods=["POST"])
@login_required
def decide(selection_id):
    selection = load_selection(selection_id)
    refused = edit_refusal(selection)
    if refused:
        return render_selection(selection, 409, error=refused)
    state = selection_state(selection)
    if not state["all_submitted"] or not state["results"] or not state["results"]["totals"]:
        return render_selection(selection, 409,
                                error=_("Decide once every evaluator has submitted scores."))
    form = DecisionForm()
    candidate_id = form.candidate_id.data if form.validate_on_submit() else None
    candidate = next((k for k in state["candidates"] if k.id == candidate_id), None)
    if candidate is None:
        return render_selection(selection, 400, error=_("Choose one of the candidates."))
    name = state["cand_names"][candidate.id]
    if candidate.is_outside and candidate.supplier_org_id is None:
        problem = invitation_problem(candidate.contact_email)
        if problem:
            return render_selection(selection, 409, error=_(
                "%(contact)s cannot be invited: %(problem)s Change the contact "
                "of %(name)s below, or choose another candidate. Nothing was changed.",
                contact=candidate.contact_name, problem=problem, name=name))
    try:
        pid, invitation = _choose(selection, candidate, name, _members(state))
    except InvitationError as exc:
        return render_selection(selection, 409, error=_nothing_changed(str(exc)))
    record_audit("supplier_selection_decided", selection_id=selection.id, supplier=name,
                 partnership_id=pid, invited=invitation.email if invitation else None)
    selection = Selection.get_by_id(selection.id)
    if invitation is None:
        flash(_("%(name)s is chosen for a pilot; the partnership is in onboarding.", name=name),
              "success")
        return redirect(url_for(".show", selection_id=selection.id))
    flash(_("%(name)s is chosen for a pilot; the partnership is in onboarding. "
            "%(contact)s is invited: the portal sends them the link below by e-mail.",
            name=name, contact=invitation.name), "success")
    return render_selection(selection, invitation_link=invitation.link)


@bp.route("/selections/<int:selection_id>/invitation", methods=["POST"])
@login_required
def new_link(selection_id):
    """A fresh invitation link for the chosen supplier's contact; the earlier one ends."""
    selection = load_selection(selection_id)
    edit_refusal(selection)  # 403 unless an organization admin
    waiting = [i for i in selection_state(selection)["invitations"] if i.status != "accepted"]
    if not DecisionForm().validate_on_submit() or not waiting:
        return render_selection(selection, 409, error=_("There is no invitation waiting to be "
                                                        "accepted, so there is no link to renew."))
    try:
        with write_transaction():
            invitation = renew_invitation(waiting[0].id)
    except InvitationError as exc:
        return render_selection(selection, 409, error=_nothing_changed(str(exc)))
    flash(_("A new link is e-mailed to %(name)s; the earlier link no longer works.",
            name=invitation.name), "success")
    return render_selection(selection, invitation_link=invitation.link)


@bp.route("/selections/<int:selection_id>/candidates/<int:candidate_id>/contact",
          methods=["POST"])
@login_required
def change_contact(selection_id, candidate_id):
    """Another contact for a candidate not yet in the portal, until the decision."""
    selection = load_selection(selection_id)
    refused = edit_refusal(selection)
    if refused:
        return render_selection(selection, 409, error=refused)
    candidate = Candidate.get_or_none(Candidate.id == candidate_id,
                                      Candidate.selection == selection)
    if candidate is None or not candidate.is_outside:
        return render_selection(selection, 404, error=_("That candidate has no contact to change."))
    form = ContactForm()
    if form.validate_on_submit():
        email_problem(selection, form, candidate)
    if form.errors:
        return render_selection(selection, 400, error=_(
            "The contact of %(name)s was not changed: %(problem)s",
            name=candidate.name, problem=first_error(form)))
    Candidate.update(contact_name=form.contact_name.data,
                     contact_email=form.contact_email.data.lower()).where(
        Candidate.id == candidate.id).execute()
    flash(_("%(contact)s is now the contact of %(name)s.", contact=form.contact_name.data,
            name=candidate.name), "success")
    return redirect(url_for(".show", selection_id=selection.id))


"""Who may see and change a selection.

A selection belongs to a client organization: only its people see it (404 for anyone
else), only its organization admins change it, and once someone has submitted scores
its criteria and candidates are locked (weights can still change).
"""
from flask import abort
from flask_babel import gettext as _

from portal import current_organization, logged_in_user

from .models import Evaluator, Selection

CLIENT_KINDS = ("client", "both")


def client_org():
    """The user's organization when it is a client (one that selects suppliers), else None."""
    org = current_organization()
    if org is None or org.kind not in CLIENT_KINDS:
        return None
    return org


def load_selection(selection_id):
    """The selection, for a user of its client organization only (404 for anyone else)."""
    selection = Selection.get_or_none(Selection.id == selection_id)
    org = current_organization()
    if selection is None or org is None or org.id != selection.client_org_id:
        abort(404)
    return selection


def is_editor():
    return bool(logged_in_user().is_org_admin)


def is_locked(selection):
    """Criteria and candidates freeze once someone has submitted scores."""
    return Evaluator.select().where(Evaluator.selection == selection,
                                    Evaluator.submitted_at.is_null(False)).exists()


def edit_refusal(selection, structure=False):
    """Abort unless the user may edit; `structure`: criteria and candidates themselves.

    Returns why the selection cannot change now (for a 409 page), or None."""
    if not is_editor():
        abort(403)
    if selection.status == "decided":
        return _("The selection is decided; it can no longer change.")
    if structure and is_locked(selection):
        return _("Scores have been submitted, so criteria and candidates are locked; "
                 "weights can still change.")
    return None

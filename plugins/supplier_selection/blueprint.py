"""The supplier selection blueprint; its routes are in `views` and `evaluation_views`.

Selections are not about one partnership, so the URLs are not partnership-scoped
(`/selections/...`): each view checks the user's organization itself (`access`).
"""
from flask import Blueprint

from portal import partnership_url

bp = Blueprint("supplier_selection", __name__)


@bp.app_template_global("selection_partnership_url")
def _selection_partnership_url(pid):
    return partnership_url(pid)

"""The cohorts' URLs, all in one place: a partnership's cohorts, a cohort's page, and
the discussion of each item on its schedule (views.py and discussion.py serve them).

Endpoint names are the view functions' names (`cohorts.index`, `cohorts.thread`, …).
"""

from portal.partnerships.access import partnership_blueprint
from portal.content.cohorts import discussion, views

# The content area keeps the templates of all its pages in portal/content/templates.
bp = partnership_blueprint("cohorts", __name__, "/cohorts", template_folder="../templates")
COHORT = "/<int:cohort_id>"

bp.add_url_rule("", view_func=views.index)
bp.add_url_rule("", view_func=views.create, methods=["POST"])
bp.add_url_rule(COHORT, view_func=views.show)
bp.add_url_rule(f"{COHORT}/items/<int:item_id>", view_func=discussion.thread)
bp.add_url_rule(f"{COHORT}/items/<int:item_id>", view_func=discussion.add, methods=["POST"])
bp.add_url_rule(f"{COHORT}/posts/<int:post_id>/edit", view_func=discussion.edit,
                methods=["GET", "POST"])
bp.add_url_rule(f"{COHORT}/posts/<int:post_id>/report", view_func=discussion.report,
                methods=["POST"])
bp.add_url_rule(f"{COHORT}/posts/<int:post_id>/hide", view_func=discussion.hide,
                methods=["POST"])

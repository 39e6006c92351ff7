"""What a cohort URL names, looked up within the current partnership.

access.py has already checked that the user belongs to `g.partnership`; a cohort,
schedule entry or post of another partnership (or none at all) is a plain 404 here.
"""
from flask import abort, g

from portal.content.cohorts.models import Cohort, CohortItem, Post
from portal.content.models import ContentItem
from portal.vocabulary import role_at_least


def is_editor():
    """Editors form cohorts and hide reported posts."""
    return g.membership is not None and role_at_least(g.membership.role, "editor")


def cohort_or_404(cohort_id):
    cohort = Cohort.get_or_none(Cohort.id == cohort_id, Cohort.partnership == g.partnership)
    if cohort is None:
        abort(404)
    return cohort


def entry_or_404(cohort, item_id):
    entry = (CohortItem.select(CohortItem, ContentItem).join(ContentItem)
             .where(CohortItem.cohort == cohort, CohortItem.item == item_id).first())
    if entry is None:
        abort(404)
    return entry


def post_or_404(cohort, post_id):
    post = Post.get_or_none(Post.id == post_id, Post.cohort == cohort)
    if post is None:
        abort(404)
    return post

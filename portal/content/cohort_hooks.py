"""The Cohorts tab of a partnership, through the same hook plugins use.

Every member sees it, viewers included: cohort pages are readable by the whole
partnership (portal.content.cohorts explains who may post).
"""
from flask import url_for

from portal import NavItem, hookimpl


@hookimpl
def portal_navigation_items(partnership, membership):
    if membership is None:
        return None
    return NavItem("Cohorts", url_for("cohorts.index", partnership_id=partnership.id),
                   weight=55, area="partnership", endpoint="cohorts.index")

"""Cohorts: small peer groups from both organizations who work through a set of content
items on a schedule and discuss each item together.

Seed 004 ("cohorts for collaboration and feedback"): having content is not enough,
partners need a place to discuss it, give feedback and share what did not work. Who may
do what here, beyond what access.py enforces for every partnership route (outsiders get
404, viewers 403 on any state-changing request):

- every member of the partnership reads a cohort's schedule, progress and discussion,
  so the rest of the partnership can see what the cohort is working on;
- members of the cohort and the partnership's editors post, reply and report posts;
- an author may change a post for EDIT_WINDOW after posting and not later, so a reply
  never answers words that have since changed;
- editors form cohorts and hide a post that was reported.

The package, by layer: `models` (the tables), `forms` (forming a cohort), `forming`,
`progress` and `posts` (what the pages do, usable without a request), `views` and
`discussion` (the pages), `blueprint` (their URLs), `clock` (the time the edit window
is measured with). The Cohorts tab comes from `portal.content.hooks`.

This module names what the rest of the portal uses (the library's item page, the
enablement dashboard, the schema, the demo) and imports no page: reflections refer to
cohorts, and the discussion pages show reflections, so the pages stay out of the path
by which reflections reach the cohort tables.
"""
from portal.content.cohorts.forming import create_cohort
from portal.content.cohorts.models import (EDIT_WINDOW, TABLES, Cohort, CohortItem, CohortMember,
                                           Post)
from portal.content.cohorts.posts import add_post
from portal.content.cohorts.progress import cohorts_with_item

__all__ = ["Cohort", "CohortMember", "CohortItem", "Post", "TABLES", "EDIT_WINDOW",
           "create_cohort", "add_post", "cohorts_with_item"]

"""Forming a cohort: who can take part, and storing a new cohort with its members and
its schedule.

A cohort learns across the partnership, so the form (forms.py) asks for people from
both organizations; viewers only read (access.py) and cannot join.
"""
from flask import url_for

from portal import audit
from portal.content.cohorts import clock
from portal.content.cohorts.models import Cohort, CohortItem, CohortMember
from portal.partnerships.access import members_of
from portal.db import database
from portal.notifications import notify


def eligible_members(partnership):
    """Members who can take part: everyone but viewers, who only read (access.py)."""
    # The partnership's members as every page reads them (one statement per page view).
    rows = [m for m in members_of(partnership) if m.role != "viewer"]
    return sorted(rows, key=lambda m: (partnership.side_of(m.user.organization_id) != "client",
                                       m.user.name.lower()))


def people_by_side(partnership, members):
    """[(organization, side, [members])]: the client first, then the supplier."""
    groups = []
    for side, org in (("client", partnership.client), ("supplier", partnership.supplier)):
        groups.append((org, side, [m for m in members
                                   if partnership.side_of(m.user.organization_id) == side]))
    return groups


def create_cohort(partnership, creator, name, description, starts_on, ends_on, user_ids,
                  schedule):
    """Store the cohort with its members and its schedule (earliest due date first)."""
    ordered = sorted(enumerate(schedule), key=lambda pair: (pair[1][1], pair[0]))
    with database.atomic():
        cohort = Cohort.create(partnership=partnership, name=name, description=description,
                               starts_on=starts_on, ends_on=ends_on, created_by=creator,
                               created_at=clock.now())
        for user_id in user_ids:
            CohortMember.create(cohort=cohort, user=user_id)
        for position, (_, (item, due_on)) in enumerate(ordered):
            CohortItem.create(cohort=cohort, item=item, due_on=due_on, position=position)
        audit.record("cohort_created", partnership=partnership, actor=creator, cohort=cohort.id,
                     name=name, members=sorted(user_ids), items=[item.id for item, _ in schedule])
    url = url_for("cohorts.show", partnership_id=partnership.id, cohort_id=cohort.id)
    for user_id in user_ids:
        if user_id != creator.id:
            notify(user_id, f"{creator.name} added you to the cohort “{name}”.", url,
                   partnership=partnership)
    return cohort

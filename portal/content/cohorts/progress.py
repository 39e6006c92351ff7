"""Reading a cohort: its schedule, its members and how far each member has got, and
which cohorts work through a given item (for the library's item page)."""
from dataclasses import dataclass, field

import peewee

from portal.accounts.models import Organization, User
from portal.content.cohorts.models import Cohort, CohortItem, CohortMember, Post
from portal.content.models import Completion, ContentItem


def schedule_of(cohort):
    return list(CohortItem.select(CohortItem, ContentItem).join(ContentItem)
                .where(CohortItem.cohort == cohort)
                .order_by(CohortItem.position, CohortItem.id))


def members_of(cohort):
    rows = (CohortMember.select(CohortMember, User, Organization).join(User).join(Organization)
            .where(CohortMember.cohort == cohort))
    partnership = cohort.partnership
    return sorted(rows, key=lambda m: (partnership.side_of(m.user.organization_id) != "client",
                                       m.user.name.lower()))


@dataclass
class MemberProgress:
    member: CohortMember
    side: str
    read: set = field(default_factory=set)
    posted: set = field(default_factory=set)


def progress(cohort, schedule, members):
    """Per member: which items of the schedule they completed and which they posted on."""
    item_ids = [entry.item_id for entry in schedule]
    user_ids = [m.user_id for m in members]
    rows = {m.user_id: MemberProgress(m, cohort.partnership.side_of(m.user.organization_id))
            for m in members}
    if not item_ids or not user_ids:
        return list(rows.values())
    for done in (Completion.select(Completion.user, Completion.item)
                 .where(Completion.partnership == cohort.partnership_id,
                        Completion.user.in_(user_ids), Completion.item.in_(item_ids))):
        rows[done.user_id].read.add(done.item_id)
    for post in (Post.select(Post.author, Post.item).distinct()
                 .where(Post.cohort == cohort, Post.author.in_(user_ids))):
        rows[post.author_id].posted.add(post.item_id)
    return list(rows.values())


def post_counts(cohort):
    query = (Post.select(Post.item, peewee.fn.COUNT(Post.id).alias("n"))
             .where(Post.cohort == cohort).group_by(Post.item))
    return {row.item_id: row.n for row in query}


def cohorts_with_item(user, partnership, item):
    """Cohorts of the partnership that work through `item`, the user's own first.

    Each cohort carries `joined` (the user is a member) and `due_on` (for this item),
    for the library's item page (cohorts/_for_item.html links to the threads).
    """
    mine = (CohortMember.cohort == Cohort.id) & (CohortMember.user == user)
    entries = (CohortItem.select(CohortItem, Cohort, CohortMember.id).join(Cohort)
               .join(CohortMember, peewee.JOIN.LEFT_OUTER, on=mine, attr="membership")
               .where(Cohort.partnership == partnership, CohortItem.item == item))
    found = []
    for entry in entries:
        cohort = entry.cohort
        membership = getattr(cohort, "membership", None)
        cohort.joined = membership is not None and membership.id is not None
        cohort.due_on = entry.due_on
        found.append(cohort)
    return sorted(found, key=lambda c: (not c.joined, -c.starts_on.toordinal(), c.name.lower()))

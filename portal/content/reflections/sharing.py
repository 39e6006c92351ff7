"""Who reads which reflections: the author their own, the members of a cohort those
shared with it, and nobody else (not even an editor or a sponsor)."""
from portal.accounts.models import Organization, User
from portal.content.cohorts.models import Cohort, CohortItem, CohortMember
from portal.content.models import ContentItem
from portal.content.reflections.models import Reflection


def for_item(user, partnership, item):
    """The user's own reflections on an item, newest first (for the library's item page)."""
    return list(Reflection.select().where(Reflection.user == user,
                                          Reflection.partnership == partnership,
                                          Reflection.item == item)
                .order_by(Reflection.created_at.desc(), Reflection.id.desc()))


def mine(user, partnership):
    return list(Reflection.select(Reflection, ContentItem).join(ContentItem)
                .where(Reflection.user == user, Reflection.partnership == partnership)
                .order_by(Reflection.created_at.desc(), Reflection.id.desc()))


def shared_with(user, partnership):
    """Other people's reflections shared with cohorts the user belongs to."""
    cohorts = (CohortMember.select(CohortMember.cohort).join(Cohort)
               .where(CohortMember.user == user, Cohort.partnership == partnership))
    return list(Reflection.select(Reflection, ContentItem, User, Cohort)
                .join(ContentItem).switch(Reflection).join(User)
                .switch(Reflection).join(Cohort)
                .where(Reflection.partnership == partnership, Reflection.user != user,
                       Reflection.shared_cohort.in_(cohorts))
                .order_by(Reflection.updated_at.desc(), Reflection.id.desc()))


def shared_on(cohort, item):
    """Reflections shared with this cohort about this item, for its discussion page."""
    return list(Reflection.select(Reflection, User, Organization)
                .join(User).join(Organization)
                .where(Reflection.shared_cohort == cohort, Reflection.item == item)
                .order_by(Reflection.shared_at, Reflection.id))


def share_options(user, partnership, item=None):
    """The user's cohorts in this partnership, only those working through `item` if given."""
    query = (Cohort.select().join(CohortMember)
             .where(CohortMember.user == user, Cohort.partnership == partnership))
    if item is not None:
        query = query.where(Cohort.id.in_(CohortItem.select(CohortItem.cohort)
                                          .where(CohortItem.item == item)))
    return list(query.order_by(Cohort.starts_on.desc(), Cohort.id.desc()))

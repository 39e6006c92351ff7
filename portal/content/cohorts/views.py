"""The cohort pages: a partnership's cohorts, forming one, and a cohort's schedule and
progress. The discussion of each item is in discussion.py; the URLs in blueprint.py."""
import datetime as dt

import peewee
from flask import flash, g, redirect, request, url_for
from flask_babel import ngettext
from flask_login import current_user

from portal.content.cohorts import clock
from portal.content.cohorts.forming import create_cohort, eligible_members, people_by_side
from portal.content.cohorts.forms import MAX_DUE, CohortForm
from portal.content.cohorts.models import Cohort, CohortItem, CohortMember
from portal.content.cohorts.posts import may_post
from portal.content.cohorts.progress import members_of, post_counts, progress, schedule_of
from portal.content.cohorts.scope import cohort_or_404, is_editor
from portal.content.library import visible_items
from portal.content.models import ContentItem
from portal.forms import BadValue, posted_text
from portal.partnerships.access import requires_role
from portal.partnerships.models import Partnership
from portal.prepared import Prepared
from portal.rendering import render


def _cohort_form():
    people = eligible_members(g.partnership)
    # The two columns the schedule picker shows, not every item's text.
    library = sorted(_PICKER.list(g.partnership.client_id, g.partnership.supplier_id),
                     key=lambda item: item.title.lower())
    due_raw = _due_dates(library) if request.method == "POST" else {}
    return CohortForm(partnership=g.partnership, people=people, library=library, due_raw=due_raw)


_PICKER = Prepared(lambda client_id, supplier_id: visible_items(
    Partnership(client=client_id, supplier=supplier_id), ContentItem.id, ContentItem.title))


def _due_dates(library):
    """{item id: the due date typed in due-<item id>}; None for one that cannot be read
    (too long, a NUL character), which the form then asks to write as a date."""
    due = {}
    for item in library:
        try:
            due[item.id] = posted_text(f"due-{item.id}", MAX_DUE)
        except BadValue:
            due[item.id] = None
    return due


def index(partnership_id):
    return _index_page()


def _index_page(form=None, status=200):
    editor = is_editor()
    if editor and form is None:
        form = _cohort_form()
        form.starts_on.data = clock.today()
        form.ends_on.data = clock.today() + dt.timedelta(weeks=6)
    cohorts = _COHORTS.list(g.partnership.id, current_user.id)
    sizes = {c.id: c.size for c in cohorts}
    lengths = {c.id: c.length for c in cohorts}
    mine = {c.id for c in cohorts if c.joined}
    return render("cohorts/index.html", partnership=g.partnership, cohorts=cohorts,
                  sizes=sizes, lengths=lengths, mine=mine, form=form if editor else None,
                  groups=people_by_side(g.partnership, form.people) if editor else [],
                  today=clock.today(), status=status)


def _cohorts(partnership_id, user_id):
    """The partnership's cohorts, newest first, each with its size, its length and
    whether the reader is in it: one statement."""
    def counted(model, *where):
        return model.select(peewee.fn.COUNT(model.id)).where(model.cohort == Cohort.id, *where)
    return (Cohort.select(Cohort, counted(CohortMember).alias("size"),
                          counted(CohortItem).alias("length"),
                          counted(CohortMember, CohortMember.user == user_id).alias("joined"))
            .where(Cohort.partnership == partnership_id)
            .order_by(Cohort.starts_on.desc(), Cohort.id.desc()))


_COHORTS = Prepared(_cohorts)


@requires_role("editor")
def create(partnership_id):
    form = _cohort_form()
    if not form.validate_on_submit():
        # The list again, with the form open and everything typed kept next to its errors.
        return _index_page(form, status=422)
    user_ids = list(dict.fromkeys(form.members.data))
    cohort = create_cohort(g.partnership, current_user._get_current_object(),
                           form.name.data.strip(), (form.description.data or "").strip(),
                           form.starts_on.data, form.ends_on.data, user_ids, form.schedule)
    flash(ngettext("The cohort “%(name)s” is formed with %(members)s members and %(num)d item. "
                   "Its members are notified.",
                   "The cohort “%(name)s” is formed with %(members)s members and %(num)d items. "
                   "Its members are notified.",
                   len(form.schedule), name=cohort.name, members=len(user_ids)), "success")
    return redirect(url_for("cohorts.show", partnership_id=partnership_id, cohort_id=cohort.id))


def show(partnership_id, cohort_id):
    cohort = cohort_or_404(cohort_id)
    schedule = schedule_of(cohort)
    members = members_of(cohort)
    rows = progress(cohort, schedule, members)
    readers = {entry.item_id: sum(1 for r in rows if entry.item_id in r.read) for entry in schedule}
    return render("cohorts/show.html", partnership=g.partnership, cohort=cohort,
                  schedule=schedule, rows=rows, readers=readers, posts=post_counts(cohort),
                  joined=any(m.user_id == current_user.id for m in members),
                  can_post=may_post(cohort, current_user.id, g.membership),
                  creator=cohort.created_by if cohort.created_by_id else None,
                  today=clock.today())

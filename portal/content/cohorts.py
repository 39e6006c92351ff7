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
"""
import datetime as dt
import re
from dataclasses import dataclass, field

import markdown
import nh3
import peewee
from flask import Blueprint, abort, flash, g, redirect, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from htmx_flask import request as htmx_request
from werkzeug.routing import BuildError
from wtforms import DateField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from portal import audit
from portal.accounts.models import Organization, User, utcnow
from portal.content.library import visible_items
from portal.content.models import Completion, ContentItem
from portal.db import BaseModel, database
from portal.errors import error_page
from portal.forms import options
from portal.markup import ALLOWED_ATTRIBUTES, ALLOWED_TAGS
from portal.notifications import notify
from portal.partnerships.access import requires_role
from portal.partnerships.models import Partnership, PartnershipMember
from portal.rendering import render
from portal.vocabulary import role_at_least

EDIT_WINDOW = dt.timedelta(minutes=15)
MAX_POST = 10_000
MAX_REASON = 500
MAX_DESCRIPTION = 2_000
HTML_TAG = re.compile(r"<[A-Za-z!/?]")


def now():
    """The current time (naive UTC, like every stored time); tests move this clock."""
    return utcnow()


def today():
    return dt.date.today()


# Models -------------------------------------------------------------------------------

class Cohort(BaseModel):
    partnership = peewee.ForeignKeyField(Partnership, backref="+", on_delete="CASCADE")
    name = peewee.CharField(max_length=120)
    description = peewee.TextField(default="")
    starts_on = peewee.DateField()
    ends_on = peewee.DateField()
    created_by = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    created_at = peewee.DateTimeField(default=utcnow)

    def status(self, on=None):
        on = on or today()
        if on < self.starts_on:
            return "upcoming"
        return "finished" if on > self.ends_on else "running"


class CohortMember(BaseModel):
    cohort = peewee.ForeignKeyField(Cohort, backref="members", on_delete="CASCADE")
    user = peewee.ForeignKeyField(User, backref="+", on_delete="CASCADE")
    added_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("cohort", "user"), True),)


class CohortItem(BaseModel):
    """One item of a cohort's schedule, in the order the cohort works through them."""

    cohort = peewee.ForeignKeyField(Cohort, backref="schedule", on_delete="CASCADE")
    item = peewee.ForeignKeyField(ContentItem, backref="+", on_delete="CASCADE")
    due_on = peewee.DateField()
    position = peewee.IntegerField(default=0)

    class Meta:
        indexes = ((("cohort", "item"), True),)


class Post(BaseModel):
    """A post in the discussion of one item by one cohort; replies are one level deep."""

    cohort = peewee.ForeignKeyField(Cohort, backref="posts", on_delete="CASCADE")
    item = peewee.ForeignKeyField(ContentItem, backref="+", on_delete="CASCADE")
    author = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    parent = peewee.ForeignKeyField("self", null=True, backref="replies", on_delete="CASCADE")
    body = peewee.TextField()  # exactly what the author typed
    html = peewee.TextField()  # rendered and sanitized once, when saved (DESIGN §8)
    created_at = peewee.DateTimeField(default=utcnow)
    edited_at = peewee.DateTimeField(null=True)
    reported_by = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    reported_at = peewee.DateTimeField(null=True)
    report_reason = peewee.TextField(default="")
    hidden_by = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    hidden_at = peewee.DateTimeField(null=True)

    class Meta:
        indexes = ((("cohort", "item", "created_at"), False),)

    @property
    def hidden(self):
        return self.hidden_at is not None

    def editable_by(self, user_id, at=None):
        return self.author_id == user_id and (at or now()) - self.created_at <= EDIT_WINDOW


TABLES = [Cohort, CohortMember, CohortItem, Post]


# Posts: what is typed is kept, what is shown is safe -----------------------------------

def render_post(text):
    """Markdown to sanitized HTML, with any HTML in the text shown as typed.

    Sanitizing alone would silently drop a <script> and what it contains; turning off
    raw HTML in the Markdown parser shows those characters as text instead, so nothing
    the author wrote disappears, and nh3 still cleans the result with the allow-list
    of portal.markup.
    """
    md = markdown.Markdown(extensions=["tables", "sane_lists", "fenced_code"],
                           output_format="html")
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    return nh3.clean(md.convert(text), tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes={"http", "https", "mailto"},
                     link_rel="noopener noreferrer nofollow")


def has_markup(text):
    return bool(HTML_TAG.search(text or ""))


def post_problem(body):
    """Why this text cannot be posted, or None."""
    if not body.strip():
        return "Write something before posting."
    if len(body) > MAX_POST:
        return (f"Keep a post under {MAX_POST:,} characters; this one has {len(body):,}. "
                "Nothing was posted and your text is still here: shorten it or split it "
                "into two posts.")
    return None


def add_post(cohort, item, author, body, parent=None):
    return Post.create(cohort=cohort, item=item, author=author, parent=parent, body=body,
                       html=render_post(body), created_at=now())


def change_post(post, body):
    """Save a new text; False when the edit window closed in the meantime."""
    at = now()
    changed = (Post.update(body=body, html=render_post(body), edited_at=at)
               .where(Post.id == post.id, Post.created_at >= at - EDIT_WINDOW).execute())
    return bool(changed)


def editors_of(partnership):
    return [m.user for m in PartnershipMember.select(PartnershipMember, User)
            .join(User).where(PartnershipMember.partnership == partnership)
            if role_at_least(m.role, "editor")]


def report_post(post, reporter, reason, url):
    """Flag the post and tell the partnership's editors; False if it was already reported."""
    flagged = (Post.update(reported_by=reporter, reported_at=now(), report_reason=reason)
               .where(Post.id == post.id, Post.reported_at.is_null()).execute())
    if not flagged:
        return False
    partnership = post.cohort.partnership
    item_title = post.item.title
    for editor in editors_of(partnership):
        if editor.id not in (reporter.id, post.author_id):
            notify(editor.id, f"{reporter.name} reported a post in the cohort “{post.cohort.name}” "
                              f"on “{item_title}”: {reason}", url, partnership=partnership)
    audit.record("cohort_post_reported", partnership=partnership, cohort=post.cohort_id,
                 post=post.id, item=post.item_id, reason=reason)
    return True


def threads_of(cohort, item):
    """[(post, [replies])] oldest first, so a discussion reads top to bottom."""
    posts = list(Post.select(Post, User).join(User, peewee.JOIN.LEFT_OUTER, on=(Post.author == User.id))
                 .where(Post.cohort == cohort, Post.item == item)
                 .order_by(Post.created_at, Post.id))
    replies = {}
    for post in posts:
        if post.parent_id is not None:
            replies.setdefault(post.parent_id, []).append(post)
    return [(post, replies.get(post.id, [])) for post in posts if post.parent_id is None]


# Forming a cohort -------------------------------------------------------------------

def eligible_members(partnership):
    """Members who can take part: everyone but viewers, who only read (access.py)."""
    rows = (PartnershipMember.select(PartnershipMember, User, Organization)
            .join(User).join(Organization)
            .where(PartnershipMember.partnership == partnership,
                   PartnershipMember.role != "viewer"))
    return sorted(rows, key=lambda m: (partnership.side_of(m.user.organization_id) != "client",
                                       m.user.name.lower()))


def people_by_side(partnership, members):
    """[(organization, side, [members])]: the client first, then the supplier."""
    groups = []
    for side, org in (("client", partnership.client), ("supplier", partnership.supplier)):
        groups.append((org, side, [m for m in members
                                   if partnership.side_of(m.user.organization_id) == side]))
    return groups


class CohortDateField(DateField):
    """A date field whose message says how to write a date."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError("Enter a date like 2027-03-31, or pick one from the calendar.") from exc


class CohortForm(FlaskForm):
    name = StringField("Name", validators=[
        DataRequired("Give the cohort a name, for example “Pilot managers, spring”."),
        Length(max=120, message="Keep the name under 120 characters.")])
    description = TextAreaField("What the cohort is for", validators=[
        Optional(), Length(max=MAX_DESCRIPTION,
                           message=f"Keep the description under {MAX_DESCRIPTION:,} characters.")])
    starts_on = CohortDateField("Starts on", validators=[DataRequired("Enter the first day.")])
    ends_on = CohortDateField("Ends on", validators=[DataRequired("Enter the last day.")])
    members = SelectMultipleField("Members", coerce=int, validate_choice=False)
    items = SelectMultipleField("Items and due dates", coerce=int, validate_choice=False)

    def __init__(self, *args, partnership, people, library, due_raw=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.partnership, self.people, self.library = partnership, people, library
        self.members.choices = options((m.user_id, m.user.name) for m in people)
        self.items.choices = options((item.id, item.title) for item in library)
        self.due_raw = due_raw or {}
        self.due_errors = {}
        self.schedule = []  # [(item, due_on)] once valid

    def validate_ends_on(self, field):
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError("The last day must be on or after the first day.")

    def validate_members(self, field):
        client, supplier = self.partnership.client, self.partnership.supplier
        chosen = set(field.data or [])
        if not chosen:
            raise ValidationError(f"Choose the members of the cohort: at least one from "
                                  f"{client.name} and one from {supplier.name}.")
        eligible = {m.user_id: m for m in self.people}
        strangers = chosen - set(eligible)
        if strangers:
            viewers = [m.user.name for m in PartnershipMember.select(PartnershipMember, User).join(User)
                       .where(PartnershipMember.partnership == self.partnership,
                              PartnershipMember.user.in_(list(strangers)),
                              PartnershipMember.role == "viewer")]
            if viewers:
                raise ValidationError(f"{', '.join(viewers)} only view this partnership and "
                                      "cannot post, so they cannot join a cohort.")
            raise ValidationError("Only members of this partnership can join one of its "
                                  "cohorts; choose people from the list.")
        sides = {self.partnership.side_of(eligible[uid].user.organization_id) for uid in chosen}
        missing = [org.name for side, org in (("client", client), ("supplier", supplier))
                   if side not in sides]
        if missing:
            raise ValidationError(f"A cohort learns across the partnership: add at least one "
                                  f"member from {missing[0]} too.")

    def validate_items(self, field):
        chosen = list(dict.fromkeys(field.data or []))
        if not chosen:
            raise ValidationError("Choose at least one item of the library to work through.")
        library = {item.id: item for item in self.library}
        if any(item_id not in library for item_id in chosen):
            raise ValidationError("Choose items from the library of this partnership.")
        start, end = self.starts_on.data, self.ends_on.data
        for item_id in chosen:
            due = self._due_date(item_id, start, end)
            if due is not None:
                self.schedule.append((library[item_id], due))
        if self.due_errors:
            raise ValidationError("Some due dates need another look; they are marked below.")

    def _due_date(self, item_id, start, end):
        """The due date typed for an item; empty means the cohort's last day."""
        raw = self.due_raw.get(item_id, "")
        if not raw:
            return end
        try:
            due = dt.date.fromisoformat(raw)
        except ValueError:
            self.due_errors[item_id] = "Enter a date like 2027-03-31."
            return None
        if start and end and not start <= due <= end:
            self.due_errors[item_id] = "Choose a date between the first and the last day."
            return None
        return due


def create_cohort(partnership, creator, name, description, starts_on, ends_on, user_ids,
                  schedule):
    """Store the cohort with its members and its schedule (earliest due date first)."""
    ordered = sorted(enumerate(schedule), key=lambda pair: (pair[1][1], pair[0]))
    with database.atomic():
        cohort = Cohort.create(partnership=partnership, name=name, description=description,
                               starts_on=starts_on, ends_on=ends_on, created_by=creator,
                               created_at=now())
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


# Reading a cohort -----------------------------------------------------------------------

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


def is_member(cohort, user_id):
    return CohortMember.select().where(CohortMember.cohort == cohort,
                                       CohortMember.user == user_id).exists()


def may_post(cohort, user_id, membership):
    """Members of the cohort and editors of the partnership (who lead the discussion)."""
    if membership is None or membership.role == "viewer":
        return False
    return role_at_least(membership.role, "editor") or is_member(cohort, user_id)


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
    entries = (CohortItem.select(CohortItem, Cohort).join(Cohort)
               .where(Cohort.partnership == partnership, CohortItem.item == item))
    joined = {m.cohort_id for m in CohortMember.select(CohortMember.cohort)
              .where(CohortMember.user == user)}
    found = []
    for entry in entries:
        cohort = entry.cohort
        cohort.joined, cohort.due_on = cohort.id in joined, entry.due_on
        found.append(cohort)
    return sorted(found, key=lambda c: (not c.joined, -c.starts_on.toordinal(), c.name.lower()))


def library_url(partnership, item):
    """The item's page in the library, when the library's blueprint is installed."""
    try:
        return url_for("content.item", partnership_id=partnership.id, slug=item.slug)
    except BuildError:
        return None


# Pages ---------------------------------------------------------------------------------

bp = Blueprint("cohorts", __name__, template_folder="templates")
PREFIX = "/partnerships/<int:partnership_id>/cohorts"


def _is_editor():
    return g.membership is not None and role_at_least(g.membership.role, "editor")


def _cohort_or_404(cohort_id):
    cohort = Cohort.get_or_none(Cohort.id == cohort_id, Cohort.partnership == g.partnership)
    if cohort is None:
        abort(404)
    return cohort


def _entry_or_404(cohort, item_id):
    entry = (CohortItem.select(CohortItem, ContentItem).join(ContentItem)
             .where(CohortItem.cohort == cohort, CohortItem.item == item_id).first())
    if entry is None:
        abort(404)
    return entry


def _post_or_404(cohort, post_id):
    post = Post.get_or_none(Post.id == post_id, Post.cohort == cohort)
    if post is None:
        abort(404)
    return post


def _cohort_form():
    people = eligible_members(g.partnership)
    library = sorted(visible_items(g.partnership), key=lambda item: item.title.lower())
    due_raw = {}
    if request.method == "POST":
        due_raw = {item.id: request.form.get(f"due-{item.id}", "").strip() for item in library}
    return CohortForm(partnership=g.partnership, people=people, library=library, due_raw=due_raw)


@bp.route(PREFIX)
def index(partnership_id):
    return _index_page()


def _index_page(form=None, status=200):
    editor = _is_editor()
    if editor and form is None:
        form = _cohort_form()
        form.starts_on.data = today()
        form.ends_on.data = today() + dt.timedelta(weeks=6)
    cohorts = list(Cohort.select().where(Cohort.partnership == g.partnership)
                   .order_by(Cohort.starts_on.desc(), Cohort.id.desc()))
    ids = [c.id for c in cohorts]
    sizes, lengths, mine = {}, {}, set()
    if ids:
        for row in (CohortMember.select(CohortMember.cohort, peewee.fn.COUNT(CohortMember.id).alias("n"))
                    .where(CohortMember.cohort.in_(ids)).group_by(CohortMember.cohort)):
            sizes[row.cohort_id] = row.n
        for row in (CohortItem.select(CohortItem.cohort, peewee.fn.COUNT(CohortItem.id).alias("n"))
                    .where(CohortItem.cohort.in_(ids)).group_by(CohortItem.cohort)):
            lengths[row.cohort_id] = row.n
        mine = {m.cohort_id for m in CohortMember.select(CohortMember.cohort)
                .where(CohortMember.cohort.in_(ids), CohortMember.user == current_user.id)}
    return render("cohorts/index.html", partnership=g.partnership, cohorts=cohorts,
                  sizes=sizes, lengths=lengths, mine=mine, form=form if editor else None,
                  groups=people_by_side(g.partnership, form.people) if editor else [],
                  today=today(), status=status)


@bp.route(PREFIX, methods=["POST"])
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
    flash(f"The cohort “{cohort.name}” is formed with {len(user_ids)} members and "
          f"{len(form.schedule)} item{'s' if len(form.schedule) != 1 else ''}. Its members "
          "are notified.", "success")
    return redirect(url_for("cohorts.show", partnership_id=partnership_id, cohort_id=cohort.id))


@bp.route(f"{PREFIX}/<int:cohort_id>")
def show(partnership_id, cohort_id):
    cohort = _cohort_or_404(cohort_id)
    schedule = schedule_of(cohort)
    members = members_of(cohort)
    rows = progress(cohort, schedule, members)
    readers = {entry.item_id: sum(1 for r in rows if entry.item_id in r.read) for entry in schedule}
    return render("cohorts/show.html", partnership=g.partnership, cohort=cohort,
                  schedule=schedule, rows=rows, readers=readers, posts=post_counts(cohort),
                  joined=any(m.user_id == current_user.id for m in members),
                  can_post=may_post(cohort, current_user.id, g.membership),
                  creator=cohort.created_by if cohort.created_by_id else None, today=today())


@dataclass
class Draft:
    """What someone typed into one of the thread's forms, kept after a refusal."""

    kind: str  # "post", "reply" or "report"
    target: int | None
    body: str
    error: str


def _thread_context(cohort, entry, draft=None):
    from portal.content.reflections import shared_on  # reflections refer to cohorts

    me = current_user.id
    joined = is_member(cohort, me)
    return dict(
        partnership=g.partnership, cohort=cohort, entry=entry, item=entry.item,
        can_post=may_post(cohort, me, g.membership), is_editor=_is_editor(), joined=joined,
        draft=draft, edit_minutes=int(EDIT_WINDOW.total_seconds() // 60), at=now(),
        library_link=library_url(g.partnership, entry.item),
        reflections=shared_on(cohort, entry.item) if joined else None,
        today=today())


def _thread_page(cohort, entry, draft=None, status=200, top=None):
    context = _thread_context(cohort, entry, draft)
    threads = threads_of(cohort, entry.item)
    if top is not None:
        top_replies = next((replies for post, replies in threads if post.id == top.id), [])
        return render("cohorts/thread.html", block="thread", threads=threads, top=top,
                      replies=top_replies, status=status, **context)
    return render("cohorts/thread.html", threads=threads, status=status, **context)


def _thread_url(cohort, item_id, post_id=None):
    url = url_for("cohorts.thread", partnership_id=g.partnership.id, cohort_id=cohort.id,
                  item_id=item_id)
    return f"{url}#post-{post_id}" if post_id else url


def _refuse_outsider(cohort):
    if not may_post(cohort, current_user.id, g.membership):
        return error_page(403, "Only members of this cohort and the partnership's editors "
                               "post here; everyone in the partnership can read along.")
    return None


@bp.route(f"{PREFIX}/<int:cohort_id>/items/<int:item_id>")
def thread(partnership_id, cohort_id, item_id):
    cohort = _cohort_or_404(cohort_id)
    return _thread_page(cohort, _entry_or_404(cohort, item_id))


@bp.route(f"{PREFIX}/<int:cohort_id>/items/<int:item_id>", methods=["POST"])
def add(partnership_id, cohort_id, item_id):
    cohort = _cohort_or_404(cohort_id)
    entry = _entry_or_404(cohort, item_id)
    refused = _refuse_outsider(cohort)
    if refused:
        return refused
    body = request.form.get("body", "")
    parent = None
    parent_id = request.form.get("parent_id", "")
    if parent_id:
        if not parent_id.isdigit() or len(parent_id) > 12:
            abort(404)
        parent = Post.get_or_none(Post.id == int(parent_id), Post.cohort == cohort,
                                  Post.item == entry.item_id)
        if parent is None:
            abort(404)
        if parent.parent_id is not None:
            parent = parent.parent  # one level of replies: answer the thread
    problem = post_problem(body)
    if problem:
        draft = Draft("reply" if parent else "post", parent.id if parent else None, body, problem)
        return _thread_page(cohort, entry, draft, status=422,
                            top=parent if htmx_request.htmx else None)
    post = add_post(cohort, entry.item, current_user.id, body, parent)
    message = "Your reply is posted." if parent else "Your post is published."
    if has_markup(body):
        message += (" It contains HTML, which is shown exactly as you typed it and never run; "
                    "nothing you wrote was lost.")
    flash(message, "success")
    if parent is not None and htmx_request.htmx:
        return _thread_page(cohort, entry, top=parent)
    return redirect(_thread_url(cohort, entry.item_id, post.id))


@bp.route(f"{PREFIX}/<int:cohort_id>/posts/<int:post_id>/edit", methods=["GET", "POST"])
def edit(partnership_id, cohort_id, post_id):
    cohort = _cohort_or_404(cohort_id)
    post = _post_or_404(cohort, post_id)
    if post.author_id != current_user.id:
        return error_page(403, "Only the author of a post can change it.")
    body = request.form.get("body", "") if request.method == "POST" else post.body
    if request.method == "GET":
        return _edit_page(cohort, post, body)
    if not post.editable_by(current_user.id):
        return _edit_page(cohort, post, body, status=409)
    problem = post_problem(body)
    if problem:
        return _edit_page(cohort, post, body, problem, status=422)
    if not change_post(post, body):
        return _edit_page(cohort, post, body, status=409)
    message = "Your post is changed."
    if has_markup(body):
        message += (" It contains HTML, which is shown exactly as you typed it and never run; "
                    "nothing you wrote was lost.")
    flash(message, "success")
    return redirect(_thread_url(cohort, post.item_id, post.id))


def _edit_page(cohort, post, body, error=None, status=200):
    closes = post.created_at + EDIT_WINDOW
    return render("cohorts/edit_post.html", partnership=g.partnership, cohort=cohort, post=post,
                  item=post.item, body=body, error=error, closes=closes,
                  expired=not post.editable_by(current_user.id),
                  edit_minutes=int(EDIT_WINDOW.total_seconds() // 60),
                  thread_url=_thread_url(cohort, post.item_id, post.id), status=status)


@bp.route(f"{PREFIX}/<int:cohort_id>/posts/<int:post_id>/report", methods=["POST"])
def report(partnership_id, cohort_id, post_id):
    cohort = _cohort_or_404(cohort_id)
    post = _post_or_404(cohort, post_id)
    entry = _entry_or_404(cohort, post.item_id)
    refused = _refuse_outsider(cohort)
    if refused:
        return refused
    top = post.parent if post.parent_id else post
    in_place = top if htmx_request.htmx else None
    if post.author_id == current_user.id:
        return error_page(409, f"This is your own post: change it within "
                               f"{int(EDIT_WINDOW.total_seconds() // 60)} minutes of posting, "
                               "or reply to it to correct it.", title="Your own post")
    reason = request.form.get("reason", "").strip()
    if not reason or len(reason) > MAX_REASON:
        problem = (f"Say in a few words why this post should not be here (at most {MAX_REASON} "
                   "characters), so the editors know what to look at.")
        return _thread_page(cohort, entry, Draft("report", post.id, reason, problem),
                            status=422, top=in_place)
    if report_post(post, current_user._get_current_object(), reason,
                   _thread_url(cohort, post.item_id, post.id)):
        flash("The post is reported and the partnership's editors are notified. It stays "
              "visible until one of them hides it.", "success")
    else:
        flash("This post was already reported; the editors have been notified.", "info")
    if in_place is not None:
        return _thread_page(cohort, entry, top=in_place)
    return redirect(_thread_url(cohort, post.item_id, post.id))


@bp.route(f"{PREFIX}/<int:cohort_id>/posts/<int:post_id>/hide", methods=["POST"])
@requires_role("editor")
def hide(partnership_id, cohort_id, post_id):
    cohort = _cohort_or_404(cohort_id)
    post = _post_or_404(cohort, post_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    if post.author_id == current_user.id:
        return error_page(409, "Another editor decides about your own post.", title="Your own post")
    hiding = request.form.get("hidden", "1") == "1"
    if hiding:
        Post.update(hidden_by=current_user.id, hidden_at=now()).where(Post.id == post.id).execute()
        flash("The post is hidden. Its author and the editors can still read it.", "success")
    else:
        Post.update(hidden_by=None, hidden_at=None).where(Post.id == post.id).execute()
        flash("The post is shown again.", "success")
    audit.record("cohort_post_hidden" if hiding else "cohort_post_shown",
                 partnership=g.partnership, cohort=cohort.id, post=post.id)
    return redirect(_thread_url(cohort, post.item_id, post.id))

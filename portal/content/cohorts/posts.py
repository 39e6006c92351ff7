"""The discussion of an item: who may post, and what a post keeps and shows.

What is typed is kept, what is shown is safe: a post stores the author's text as typed
and the HTML rendered from it once, when saved (DESIGN §8).
"""
import re

import peewee
from flask_babel import gettext as _

from portal import audit
from portal.accounts.models import User
from portal.content.cohorts import clock
from portal.content.cohorts.models import EDIT_WINDOW, CohortMember, Post
from portal.markup import render_markdown
from portal.notifications import notify
from portal.partnerships.models import PartnershipMember
from portal.vocabulary import role_at_least

MAX_POST = 10_000
MAX_REASON = 500  # a report's reason
HTML_TAG = re.compile(r"<[A-Za-z!/?]")


def is_member(cohort, user_id):
    return CohortMember.select().where(CohortMember.cohort == cohort,
                                       CohortMember.user == user_id).exists()


def may_post(cohort, user_id, membership):
    """Members of the cohort and editors of the partnership (who lead the discussion)."""
    if membership is None or membership.role == "viewer":
        return False
    return role_at_least(membership.role, "editor") or is_member(cohort, user_id)


def render_post(text):
    """Markdown to sanitized HTML, with any HTML in the text shown as typed.

    Sanitizing alone would silently drop a <script> and what it contains; showing raw
    HTML as text instead keeps everything the author wrote on the page.
    """
    return render_markdown(text, html_as_text=True)


def has_markup(text):
    return bool(HTML_TAG.search(text or ""))


def post_problem(body):
    """Why this text cannot be posted, or None."""
    if not body.strip():
        return _("Write something before posting.")
    if len(body) > MAX_POST:
        return _("Keep a post under %(max)s characters; this one has %(length)s. "
                 "Nothing was posted and your text is still here: shorten it or split it "
                 "into two posts.", max=format(MAX_POST, ","), length=format(len(body), ","))
    return None


def add_post(cohort, item, author, body, parent=None):
    return Post.create(cohort=cohort, item=item, author=author, parent=parent, body=body,
                       html=render_post(body), created_at=clock.now())


def change_post(post, body):
    """Save a new text; False when the edit window closed in the meantime."""
    at = clock.now()
    changed = (Post.update(body=body, html=render_post(body), edited_at=at)
               .where(Post.id == post.id, Post.created_at >= at - EDIT_WINDOW).execute())
    return bool(changed)


def editors_of(partnership):
    return [m.user for m in PartnershipMember.select(PartnershipMember, User)
            .join(User).where(PartnershipMember.partnership == partnership)
            if role_at_least(m.role, "editor")]


def report_post(post, reporter, reason, url):
    """Flag the post and tell the partnership's editors; False if it was already reported."""
    flagged = (Post.update(reported_by=reporter, reported_at=clock.now(), report_reason=reason)
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

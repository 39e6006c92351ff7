"""The discussion of one item by one cohort: reading the thread, posting and replying,
changing a post within the edit window, reporting a post and hiding a reported one.

Everyone in the partnership reads along; members of the cohort and the partnership's
editors post (posts.may_post). Refusals keep what was typed (Draft) and, for an htmx
request, answer with the thread alone so the page does not jump.
"""
from dataclasses import dataclass

from flask import abort, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.routing import BuildError

from portal import audit
from portal.content.cohorts import clock
from portal.content.cohorts.forms import HideForm, PostForm, ReportForm
from portal.content.cohorts.models import EDIT_WINDOW, Post
from portal.content.cohorts.posts import (add_post, change_post, has_markup, is_member,
                                          may_post, post_problem, report_post, threads_of)
from portal.content.cohorts.scope import cohort_or_404, entry_or_404, is_editor, post_or_404
from portal.content.reflections.sharing import shared_on
from portal.errors import error_page
from portal.forms import damaged, first_error
from portal.partnerships.access import requires_role
from portal.partnerships.mentions import notify_mentioned
from portal.rendering import is_htmx, render


@dataclass
class Draft:
    """What someone typed into one of the thread's forms, kept after a refusal."""

    kind: str  # "post", "reply" or "report"
    target: int | None
    body: str
    error: str


def library_url(partnership, item):
    """The item's page in the library, when the library's blueprint is installed."""
    try:
        return url_for("content.item", partnership_id=partnership.id, slug=item.slug)
    except BuildError:
        return None


def _thread_context(cohort, entry, draft=None):
    me = current_user.id
    joined = is_member(cohort, me)
    return dict(
        partnership=g.partnership, cohort=cohort, entry=entry, item=entry.item,
        can_post=may_post(cohort, me, g.membership), is_editor=is_editor(), joined=joined,
        draft=draft, edit_minutes=int(EDIT_WINDOW.total_seconds() // 60), at=clock.now(),
        library_link=library_url(g.partnership, entry.item),
        reflections=shared_on(cohort, entry.item) if joined else None,
        today=clock.today())


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
        return error_page(403, _("Only members of this cohort and the partnership's editors "
                                 "post here; everyone in the partnership can read along."))
    return None


def thread(partnership_id, cohort_id, item_id):
    cohort = cohort_or_404(cohort_id)
    return _thread_page(cohort, entry_or_404(cohort, item_id))


def add(partnership_id, cohort_id, item_id):
    cohort = cohort_or_404(cohort_id)
    entry = entry_or_404(cohort, item_id)
    refused = _refuse_outsider(cohort)
    if refused:
        return refused
    form = PostForm()
    valid, body = form.validate_on_submit(), form.body.data or ""
    if damaged(form):
        abort(404)  # no post of this thread has such an id
    parent = None
    if form.parent_id.data is not None:
        parent = Post.get_or_none(Post.id == form.parent_id.data, Post.cohort == cohort,
                                  Post.item == entry.item_id)
        if parent is None:
            abort(404)
        if parent.parent_id is not None:
            parent = parent.parent  # one level of replies: answer the thread
    problem = (None if valid else first_error(form)) or post_problem(body)
    if problem:
        draft = Draft("reply" if parent else "post", parent.id if parent else None, body, problem)
        return _thread_page(cohort, entry, draft, status=422,
                            top=parent if is_htmx() else None)
    post = add_post(cohort, entry.item, current_user.id, body, parent)
    _notify_mentioned(cohort, post, body)
    if has_markup(body):
        message = (_("Your reply is posted. It contains HTML, which is shown exactly as you typed "
                     "it and never run; nothing you wrote was lost.") if parent else
                   _("Your post is published. It contains HTML, which is shown exactly as you "
                     "typed it and never run; nothing you wrote was lost."))
    else:
        message = _("Your reply is posted.") if parent else _("Your post is published.")
    flash(message, "success")
    if parent is not None and is_htmx():
        return _thread_page(cohort, entry, top=parent)
    return redirect(_thread_url(cohort, entry.item_id, post.id))


def edit(partnership_id, cohort_id, post_id):
    cohort = cohort_or_404(cohort_id)
    post = post_or_404(cohort, post_id)
    if post.author_id != current_user.id:
        return error_page(403, _("Only the author of a post can change it."))
    if request.method == "GET":
        return _edit_page(cohort, post, post.body)
    form = PostForm()
    body = form.body.data or ""
    if not post.editable_by(current_user.id):
        return _edit_page(cohort, post, body, status=409)
    problem = (None if form.validate_on_submit() else first_error(form)) or post_problem(body)
    if problem:
        return _edit_page(cohort, post, body, problem, status=422)
    if not change_post(post, body):
        return _edit_page(cohort, post, body, status=409)
    _notify_mentioned(cohort, post, body, before=post.body)
    if has_markup(body):
        message = _("Your post is changed. It contains HTML, which is shown exactly as you typed "
                    "it and never run; nothing you wrote was lost.")
    else:
        message = _("Your post is changed.")
    flash(message, "success")
    return redirect(_thread_url(cohort, post.item_id, post.id))


def _notify_mentioned(cohort, post, body, before=""):
    """Members named with @ in a post hear of it; an edit tells only those it adds."""
    notify_mentioned(body, g.partnership, current_user.id,
                     f"{current_user.name} mentioned you in the cohort “{cohort.name}”.",
                     _thread_url(cohort, post.item_id, post.id), already=before)


def _edit_page(cohort, post, body, error=None, status=200):
    closes = post.created_at + EDIT_WINDOW
    return render("cohorts/edit_post.html", partnership=g.partnership, cohort=cohort, post=post,
                  item=post.item, body=body, error=error, closes=closes,
                  expired=not post.editable_by(current_user.id),
                  edit_minutes=int(EDIT_WINDOW.total_seconds() // 60),
                  thread_url=_thread_url(cohort, post.item_id, post.id), status=status)


def report(partnership_id, cohort_id, post_id):
    cohort = cohort_or_404(cohort_id)
    post = post_or_404(cohort, post_id)
    entry = entry_or_404(cohort, post.item_id)
    refused = _refuse_outsider(cohort)
    if refused:
        return refused
    top = post.parent if post.parent_id else post
    in_place = top if is_htmx() else None
    if post.author_id == current_user.id:
        return error_page(409, _("This is your own post: change it within "
                                 "%(minutes)s minutes of posting, or reply to it to correct it.",
                                 minutes=int(EDIT_WINDOW.total_seconds() // 60)),
                          title=_("Your own post"))
    form = ReportForm()
    if not form.validate_on_submit():
        return _thread_page(cohort, entry, Draft("report", post.id, form.reason.data or "", first_error(form)),
                            status=422, top=in_place)
    if report_post(post, current_user._get_current_object(), form.reason.data,
                   _thread_url(cohort, post.item_id, post.id)):
        flash(_("The post is reported and the partnership's editors are notified. It stays "
                "visible until one of them hides it."), "success")
    else:
        flash(_("This post was already reported; the editors have been notified."), "info")
    if in_place is not None:
        return _thread_page(cohort, entry, top=in_place)
    return redirect(_thread_url(cohort, post.item_id, post.id))


@requires_role("editor")
def hide(partnership_id, cohort_id, post_id):
    cohort = cohort_or_404(cohort_id)
    post = post_or_404(cohort, post_id)
    form = HideForm()
    if not form.validate_on_submit():
        abort(400)
    if post.author_id == current_user.id:
        return error_page(409, _("Another editor decides about your own post."), title=_("Your own post"))
    hiding = form.hidden.data == "1"
    if hiding:
        Post.update(hidden_by=current_user.id, hidden_at=clock.now()).where(Post.id == post.id).execute()
        flash(_("The post is hidden. Its author and the editors can still read it."), "success")
    else:
        Post.update(hidden_by=None, hidden_at=None).where(Post.id == post.id).execute()
        flash(_("The post is shown again."), "success")
    audit.record("cohort_post_hidden" if hiding else "cohort_post_shown",
                 partnership=g.partnership, cohort=cohort.id, post=post.id)
    return redirect(_thread_url(cohort, post.item_id, post.id))

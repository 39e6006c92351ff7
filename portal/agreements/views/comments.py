"""Comment threads on a section: reading them, commenting or replying (one level deep,
optionally quoting the text), notifying the members mentioned, resolving a thread."""
from flask import abort, flash, g, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import audit
from portal.agreements import editing
from portal.agreements.forms import CommentForm, ResolveForm
from portal.partnerships.mentions import notify_mentioned
from portal.agreements.models import Comment
from portal.agreements.views.scope import section_or_404
from portal.db import write_transaction
from portal.forms import damaged, first_error
from portal.rendering import render


def comments(partnership_id, section_id):
    section = section_or_404(section_id)
    head = editing.head_of(section)
    top = list(Comment.select().where(Comment.section == section, Comment.parent.is_null())
               .order_by(Comment.resolved, Comment.created_at))
    replies = {}
    for reply in (Comment.select().where(Comment.section == section, Comment.parent.is_null(False))
                  .order_by(Comment.created_at)):
        replies.setdefault(reply.parent_id, []).append(reply)
    threads = [(c, replies.get(c.id, [])) for c in top]
    return render("agreements/comments.html", partnership=g.partnership, section=section,
                  head=head, threads=threads, errors=[])


def add_comment(partnership_id, section_id):
    section = section_or_404(section_id)
    form = CommentForm()
    back = url_for("agreements.comments", partnership_id=partnership_id, section_id=section.id)
    if not form.validate_on_submit():
        if damaged(form):
            abort(400)
        flash(first_error(form), "error")
        return redirect(back)
    parent = None
    if form.parent_id.data is not None:
        parent = Comment.get_or_none(Comment.id == form.parent_id.data, Comment.section == section)
        if parent is not None and parent.parent_id is not None:
            parent = parent.parent  # one level of replies: answer the thread
    body = form.body.data
    with write_transaction():
        comment = Comment.create(section=section, parent=parent, author=current_user.id,
                                 body=body, quote="" if parent else form.quote.data)
        editing.changed(section.agreement_id)
    url = back + f"#comment-{comment.id}"
    notify_mentioned(body, g.partnership, current_user.id,
                     f"{current_user.name} mentioned you in a comment on “{section.title}”.", url)
    audit.record("comment_added", partnership=g.partnership, section=section.title)
    flash(_("Your comment is posted."), "success")
    return redirect(url)


def resolve_comment(partnership_id, comment_id):
    comment = Comment.get_or_none(Comment.id == comment_id)
    if comment is None or comment.section.agreement.partnership_id != g.partnership.id:
        abort(404)
    form = ResolveForm()
    if not form.validate_on_submit():
        abort(400)
    comment.resolved = form.resolved.data == "1"
    comment.resolved_by = current_user.id if comment.resolved else None
    with write_transaction():
        comment.save()
        editing.changed(comment.section.agreement_id)
    flash(_("The thread is resolved.") if comment.resolved else _("The thread is open again."), "success")
    return redirect(url_for("agreements.comments", partnership_id=partnership_id,
                            section_id=comment.section_id))

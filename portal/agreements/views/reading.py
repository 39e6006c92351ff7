"""Reading the agreement: every section with its current text, who is editing it and its
open comments, and a cheap poll that refreshes one section when it changes."""
from flask import g, request

from portal.agreements import editing, ratification
from portal.agreements.models import AgreementVersion, Comment
from portal.agreements.views.scope import can_edit, current_agreement, section_or_404
from portal.rendering import render


def _poll_token(section, editors):
    names = ",".join(str(u.id) for u in editors.get(section.id, []))
    return f"{section.head or 0}-{names}"


def show(partnership_id):
    agreement = current_agreement()
    sections = editing.sections_of(agreement)
    heads = {s.id: editing.head_of(s) for s in sections}
    editors = editing.editors_now([s.id for s in sections])
    comments = {}
    for c in Comment.select().where(Comment.section.in_([s.id for s in sections]),
                                    Comment.resolved == False):  # noqa: E712
        comments[c.section_id] = comments.get(c.section_id, 0) + 1
    in_force = ratification.in_force(agreement)
    text, _ = ratification.current_text(agreement)
    versions = list(AgreementVersion.select().where(AgreementVersion.agreement == agreement)
                    .order_by(AgreementVersion.number.desc()))
    return render("agreements/show.html", partnership=g.partnership, agreement=agreement,
                  sections=sections, heads=heads, editors=editors, comments=comments,
                  tokens={s.id: _poll_token(s, editors) for s in sections},
                  in_force=in_force, changed_since=in_force and in_force.content != text,
                  versions=versions, can_edit=can_edit())


def poll(partnership_id, section_id):
    """204 while nothing changed, so idle readers cost one cheap query every few seconds."""
    section = section_or_404(section_id)
    editors = editing.editors_now([section.id])
    token = _poll_token(section, editors)
    if request.args.get("token") == token:
        return "", 204
    comments = Comment.select().where(Comment.section == section, Comment.resolved == False).count()  # noqa: E712
    return render("agreements/_section.html", partnership=g.partnership, section=section,
                  head=editing.head_of(section), editors=editors, token=token,
                  comments={section.id: comments}, can_edit=can_edit())

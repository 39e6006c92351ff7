"""The agreement pages: read, edit with merges, drafts, presence, history, comments,
versions, ratification and export."""
import re

from flask import Blueprint, Response, abort, flash, g, redirect, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from markupsafe import Markup

from portal import audit
from portal.accounts.models import User, utcnow
from portal.agreements import editing, ratification
from portal.agreements.diffs import changed, diff_rows
from portal.agreements.models import AgreementVersion, Comment, Section, SectionRevision
from portal.errors import error_page
from portal.notifications import notify
from portal.partnerships.access import requires_role
from portal.partnerships.models import PartnershipMember
from portal.rendering import render
from portal.vocabulary import role_at_least

bp = Blueprint("agreements", __name__, template_folder="templates")
PREFIX = "/partnerships/<int:partnership_id>/agreement"


def _can_edit():
    return g.membership is not None and role_at_least(g.membership.role, "editor")


def _agreement():
    return editing.agreement_for(g.partnership)


def _section_or_404(section_id):
    section = Section.get_or_none(Section.id == section_id,
                                  Section.agreement == _agreement())
    if section is None or section.removed:
        abort(404)
    return section


def _check_form():
    if not FlaskForm().validate_on_submit():
        abort(400)


def _poll_token(section, editors):
    names = ",".join(str(u.id) for u in editors.get(section.id, []))
    return f"{section.head or 0}-{names}"


@bp.route(PREFIX)
def show(partnership_id):
    agreement = _agreement()
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
                  versions=versions, can_edit=_can_edit())


@bp.route(f"{PREFIX}/sections/<int:section_id>/poll")
def poll(partnership_id, section_id):
    """204 while nothing changed, so idle readers cost one cheap query every few seconds."""
    section = _section_or_404(section_id)
    editors = editing.editors_now([section.id])
    token = _poll_token(section, editors)
    if request.args.get("token") == token:
        return "", 204
    comments = Comment.select().where(Comment.section == section, Comment.resolved == False).count()  # noqa: E712
    return render("agreements/_section.html", partnership=g.partnership, section=section,
                  head=editing.head_of(section), editors=editors, token=token,
                  comments={section.id: comments}, can_edit=_can_edit())


def _editor_page(section, body, base_id, errors=None, status=200, notice=None, stale_draft=None):
    return render("agreements/edit.html", partnership=g.partnership, section=section,
                  body=body, base_id=base_id, head=editing.head_of(section), errors=errors or [],
                  notice=notice, stale_draft=stale_draft,
                  others=[u for u in editing.editors_now([section.id]).get(section.id, [])
                          if u.id != current_user.id], status=status)


@bp.route(f"{PREFIX}/sections/<int:section_id>/edit")
@requires_role("editor")
def edit(partnership_id, section_id):
    if not _can_edit():
        abort(403)
    section = _section_or_404(section_id)
    head = editing.head_of(section)
    body, base_id = (head.body if head else ""), (head.id if head else None)
    draft = editing.draft_of(section, current_user)
    notice = stale = None
    if draft is not None and draft.body != body:
        if draft.base_id == base_id:
            body = draft.body
            notice = "Your unsaved draft is restored. Save it when you are ready."
        else:
            stale = draft  # written on an older revision: offer to merge, never apply silently
    editing.touch_presence(section, current_user)
    return _editor_page(section, body, base_id, notice=notice, stale_draft=stale)


@bp.route(f"{PREFIX}/sections/<int:section_id>/edit", methods=["POST"])
@requires_role("editor")
def save(partnership_id, section_id):
    section = _section_or_404(section_id)
    body = request.form.get("body", "")
    base_id = request.form.get("base_id") or None
    if base_id is not None and not base_id.isdigit():
        return _editor_page(section, body, None, ["The form is damaged: reload the editor."], 422)
    base_id = int(base_id) if base_id else None
    try:
        revision, merged_with = editing.save(section, current_user, base_id, body,
                                             request.form.get("summary", ""))
    except editing.SaveError as exc:
        _keep_draft(section, base_id, body)
        return _editor_page(section, body, base_id, [str(exc)], 422)
    except editing.Conflict as conflict:
        _keep_draft(section, base_id, body)
        return _conflict_page(section, conflict, body)
    if merged_with is not None:
        who = merged_with.author.name if merged_with.author_id else "someone"
        diff_url = url_for("agreements.diff", partnership_id=partnership_id, section_id=section.id,
                           a=merged_with.id, b=revision.id)
        flash(Markup('Saved. {} had changed this section meanwhile; their changes were merged '
                     'with yours. <a href="{}">See what changed</a>.').format(who, diff_url), "success")
    else:
        flash(f"{section.title} is saved (revision {revision.number}).", "success")
    return redirect(url_for("agreements.show", partnership_id=partnership_id) + f"#section-{section.id}")


def _keep_draft(section, base_id, body):
    try:
        editing.save_draft(section, current_user, base_id, body)
    except editing.SaveError:
        pass  # too large to keep; the page still shows the text in the form


def _conflict_page(section, conflict, mine):
    return render("agreements/conflict.html", partnership=g.partnership, section=section,
                  conflict=conflict, mine=mine, status=409)


@bp.route(f"{PREFIX}/sections/<int:section_id>/resolve", methods=["POST"])
@requires_role("editor")
def resolve(partnership_id, section_id):
    """Rebuild the merge the conflict view showed and apply the user's choices."""
    section = _section_or_404(section_id)
    mine = request.form.get("mine", "")
    base_id, head_id = request.form.get("base_id", ""), request.form.get("head_id", "")
    base = SectionRevision.get_or_none(SectionRevision.id == int(base_id), SectionRevision.section == section.id) if base_id.isdigit() else None
    head = SectionRevision.get_or_none(SectionRevision.id == int(head_id), SectionRevision.section == section.id) if head_id.isdigit() else None
    if head is None:
        return _editor_page(section, mine, None, ["The conflict could not be found again; your text is below."], 422)
    from portal.agreements.merge import three_way_merge

    result = three_way_merge(base.body if base else "", head.body, mine)
    choices = []
    for index, hunk in enumerate(result.conflicts):
        pick = request.form.get(f"pick-{index}", "mine")
        choices.append({"theirs": hunk.theirs, "mine": hunk.mine}.get(pick, request.form.get(f"text-{index}", hunk.mine)))
    try:
        body = result.resolve(choices) if result.conflicts else result.text
        revision, merged_with = editing.save(section, current_user, head.id, body,
                                             request.form.get("summary", "Resolved a conflict"))
    except editing.SaveError as exc:
        return _editor_page(section, mine, base.id if base else None, [str(exc)], 422)
    except editing.Conflict as conflict:  # someone saved again meanwhile
        return _conflict_page(section, conflict, body)
    flash(f"{section.title} is saved with the conflict resolved (revision {revision.number}).", "success")
    return redirect(url_for("agreements.show", partnership_id=partnership_id) + f"#section-{section.id}")


@bp.route(f"{PREFIX}/sections/<int:section_id>/draft", methods=["POST"])
@requires_role("editor")
def draft(partnership_id, section_id):
    section = _section_or_404(section_id)
    base_id = request.form.get("base_id")
    try:
        editing.save_draft(section, current_user, int(base_id) if base_id and base_id.isdigit() else None,
                           request.form.get("body", ""))
    except editing.SaveError as exc:
        return error_page(422, str(exc), title="Draft not saved")
    return render("agreements/_draft_saved.html", saved_at=utcnow())


@bp.route(f"{PREFIX}/sections/<int:section_id>/draft/discard", methods=["POST"])
@requires_role("editor")
def discard(partnership_id, section_id):
    section = _section_or_404(section_id)
    _check_form()
    editing.discard_draft(section, current_user)
    flash("Your draft is discarded.", "info")
    return redirect(url_for("agreements.edit", partnership_id=partnership_id, section_id=section.id))


@bp.route(f"{PREFIX}/sections/<int:section_id>/presence", methods=["POST"])
@requires_role("editor")
def presence(partnership_id, section_id):
    section = _section_or_404(section_id)
    editing.touch_presence(section, current_user)
    others = [u for u in editing.editors_now([section.id]).get(section.id, []) if u.id != current_user.id]
    return render("agreements/_presence.html", others=others, partnership=g.partnership)


@bp.route(f"{PREFIX}/sections/<int:section_id>/history")
def history(partnership_id, section_id):
    section = _section_or_404(section_id)
    revisions = list(SectionRevision.select().where(SectionRevision.section == section)
                     .order_by(SectionRevision.number.desc()))
    return render("agreements/history.html", partnership=g.partnership, section=section,
                  revisions=revisions, can_edit=_can_edit())


def _revision(section, revision_id):
    revision = SectionRevision.get_or_none(SectionRevision.id == revision_id,
                                           SectionRevision.section == section)
    if revision is None:
        abort(404)
    return revision


@bp.route(f"{PREFIX}/sections/<int:section_id>/diff")
def diff(partnership_id, section_id):
    section = _section_or_404(section_id)
    a, b = request.args.get("a", ""), request.args.get("b", "")
    if not (a.isdigit() and b.isdigit()):
        abort(404)
    old, new = _revision(section, int(a)), _revision(section, int(b))
    return render("agreements/diff.html", partnership=g.partnership, section=section,
                  old=old, new=new, rows=diff_rows(old.body, new.body))


@bp.route(f"{PREFIX}/sections/<int:section_id>/revisions/<int:revision_id>/restore", methods=["POST"])
@requires_role("editor")
def restore(partnership_id, section_id, revision_id):
    section = _section_or_404(section_id)
    _check_form()
    revision = editing.restore(section, current_user, _revision(section, revision_id))
    flash(f"Revision {revision.number} restores the earlier text.", "success")
    return redirect(url_for("agreements.history", partnership_id=partnership_id, section_id=section.id))


# Sections: add, rename, move, remove ------------------------------------------------

def _title_or_error(text):
    title = (text or "").strip()
    if not title or len(title) > 160:
        flash("A section needs a title of 1 to 160 characters.", "error")
        return None
    return title


@bp.route(f"{PREFIX}/sections", methods=["POST"])
@requires_role("editor")
def add_section(partnership_id):
    _check_form()
    title = _title_or_error(request.form.get("title"))
    if title:
        sections = editing.sections_of(_agreement())
        section = Section.create(agreement=_agreement(), title=title,
                                 position=(sections[-1].position + 1) if sections else 0)
        audit.record("section_added", partnership=g.partnership, section=title)
        flash(f"The section {title} is added.", "success")
        return redirect(url_for("agreements.edit", partnership_id=partnership_id, section_id=section.id))
    return redirect(url_for("agreements.show", partnership_id=partnership_id))


@bp.route(f"{PREFIX}/sections/<int:section_id>/rename", methods=["POST"])
@requires_role("editor")
def rename(partnership_id, section_id):
    section = _section_or_404(section_id)
    _check_form()
    title = _title_or_error(request.form.get("title"))
    if title:
        audit.record("section_renamed", partnership=g.partnership, before=section.title, after=title)
        section.title = title
        section.save()
    return redirect(url_for("agreements.show", partnership_id=partnership_id) + f"#section-{section.id}")


@bp.route(f"{PREFIX}/sections/<int:section_id>/move", methods=["POST"])
@requires_role("editor")
def move(partnership_id, section_id):
    section = _section_or_404(section_id)
    _check_form()
    sections = editing.sections_of(_agreement())
    index = [s.id for s in sections].index(section.id)
    other = index - 1 if request.form.get("direction") == "up" else index + 1
    if 0 <= other < len(sections):
        sections[index], sections[other] = sections[other], sections[index]
        for position, s in enumerate(sections):
            Section.update(position=position).where(Section.id == s.id).execute()
        audit.record("section_moved", partnership=g.partnership, section=section.title)
    return redirect(url_for("agreements.show", partnership_id=partnership_id) + f"#section-{section.id}")


@bp.route(f"{PREFIX}/sections/<int:section_id>/remove", methods=["POST"])
@requires_role("editor")
def remove(partnership_id, section_id):
    section = _section_or_404(section_id)
    _check_form()
    section.removed = True
    section.save()
    audit.record("section_removed", partnership=g.partnership, section=section.title)
    flash(f"The section {section.title} is removed; its history is kept.", "success")
    return redirect(url_for("agreements.show", partnership_id=partnership_id))


# Comments -----------------------------------------------------------------------------

MENTION = re.compile(r"@([A-Za-zÀ-ÿ][\w.'-]*(?: [A-Za-zÀ-ÿ][\w.'-]*)?)")


def mentioned(text, partnership):
    """Members named with @First or @First Last in a comment."""
    members = list(User.select().join(PartnershipMember, on=(PartnershipMember.user == User.id))
                   .where(PartnershipMember.partnership == partnership))
    found = {}
    for match in MENTION.finditer(text):
        words = match.group(1).lower()
        for user in members:
            full, first = user.name.lower(), user.name.split()[0].lower()
            if words == full or words.startswith(full) or words.split()[0] == first:
                found[user.id] = user
    return list(found.values())


@bp.route(f"{PREFIX}/sections/<int:section_id>/comments")
def comments(partnership_id, section_id):
    section = _section_or_404(section_id)
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


@bp.route(f"{PREFIX}/sections/<int:section_id>/comments", methods=["POST"])
def add_comment(partnership_id, section_id):
    section = _section_or_404(section_id)
    _check_form()
    body = (request.form.get("body") or "").strip()
    quote = (request.form.get("quote") or "").strip()[:1000]
    parent = None
    if request.form.get("parent_id", "").isdigit():
        parent = Comment.get_or_none(Comment.id == int(request.form["parent_id"]),
                                     Comment.section == section)
        if parent is not None and parent.parent_id is not None:
            parent = parent.parent  # one level of replies: answer the thread
    if not body or len(body) > 5000:
        flash("Write a comment of 1 to 5,000 characters.", "error")
        return redirect(url_for("agreements.comments", partnership_id=partnership_id, section_id=section.id))
    comment = Comment.create(section=section, parent=parent, author=current_user.id, body=body,
                             quote="" if parent else quote)
    url = url_for("agreements.comments", partnership_id=partnership_id, section_id=section.id) + f"#comment-{comment.id}"
    for user in mentioned(body, g.partnership):
        if user.id != current_user.id:
            notify(user.id, f"{current_user.name} mentioned you in a comment on “{section.title}”.",
                   url, partnership=g.partnership)
    audit.record("comment_added", partnership=g.partnership, section=section.title)
    flash("Your comment is posted.", "success")
    return redirect(url)


@bp.route(f"{PREFIX}/comments/<int:comment_id>/resolve", methods=["POST"])
def resolve_comment(partnership_id, comment_id):
    comment = Comment.get_or_none(Comment.id == comment_id)
    if comment is None or comment.section.agreement.partnership_id != g.partnership.id:
        abort(404)
    _check_form()
    comment.resolved = request.form.get("resolved", "1") == "1"
    comment.resolved_by = current_user.id if comment.resolved else None
    comment.save()
    flash("The thread is resolved." if comment.resolved else "The thread is open again.", "success")
    return redirect(url_for("agreements.comments", partnership_id=partnership_id,
                            section_id=comment.section_id))


# Versions, ratification, export ------------------------------------------------------

def _version_or_404(number):
    version = AgreementVersion.get_or_none(AgreementVersion.agreement == _agreement(),
                                           AgreementVersion.number == number)
    if version is None:
        abort(404)
    return version


@bp.route(f"{PREFIX}/versions", methods=["POST"])
@requires_role("editor")
def propose(partnership_id):
    _check_form()
    version = ratification.propose(_agreement(), current_user)
    flash(f"Version {version.number} is proposed. A sponsor of each organization can now ratify it.", "success")
    return redirect(url_for("agreements.version", partnership_id=partnership_id, number=version.number))


def _signatures(version):
    return {r.side: r for r in version.ratifications}


@bp.route(f"{PREFIX}/versions/<int:number>")
def version(partnership_id, number):
    version = _version_or_404(number)
    from portal.markup import render_markdown

    side = g.partnership.side_of(current_user.organization_id)
    return render("agreements/version.html", partnership=g.partnership, version=version,
                  html=Markup(render_markdown(version.content)), signatures=_signatures(version),
                  can_ratify=g.membership is not None and g.membership.role == "sponsor"
                  and side is not None and side not in _signatures(version), side=side)


@bp.route(f"{PREFIX}/versions/<int:number>/ratify", methods=["POST"])
@requires_role("sponsor")
def ratify(partnership_id, number):
    version = _version_or_404(number)
    _check_form()
    side = g.partnership.side_of(current_user.organization_id)
    try:
        ratification.ratify(version, current_user, side, request.form.get("content_hash", ""))
    except ratification.RatificationError as exc:
        return error_page(409, str(exc), title="Not ratified")
    version = _version_or_404(number)
    if version.in_force_at:
        flash(f"Version {version.number} is ratified by both organizations and is now in force.", "success")
    else:
        flash(f"Your organization has ratified version {version.number}; the other sponsor's "
              "sign-off is still needed.", "success")
    return redirect(url_for("agreements.version", partnership_id=partnership_id, number=number))


@bp.route(f"{PREFIX}/versions/<int:number>.md")
def export_markdown(partnership_id, number):
    version = _version_or_404(number)
    partnership = g.partnership
    lines = [f"# Partnership agreement: {partnership.name}", "",
             f"Between {partnership.client.name} (client) and {partnership.supplier.name} (supplier).",
             f"Version {version.number}, SHA-256 {version.content_hash}.", ""]
    for side, sig in sorted(_signatures(version).items()):
        lines.append(f"- Ratified for {sig.organization.name} by "
                     f"{sig.user.name if sig.user_id else 'a sponsor'} on {sig.at:%Y-%m-%d}.")
    body = "\n".join(lines) + "\n\n" + version.content
    return Response(body, mimetype="text/markdown", headers={
        "Content-Disposition": f'attachment; filename="agreement-v{version.number}.md"'})


@bp.route(f"{PREFIX}/versions/<int:number>/print")
def export_print(partnership_id, number):
    version = _version_or_404(number)
    from portal.markup import render_markdown

    return render("agreements/print.html", partnership=g.partnership, version=version,
                  html=Markup(render_markdown(version.content)), signatures=_signatures(version))


@bp.route(f"{PREFIX}/changes")
def changes(partnership_id):
    """What changed since the version in force, as a diff of the whole text."""
    agreement = _agreement()
    in_force = ratification.in_force(agreement)
    text, _ = ratification.current_text(agreement)
    rows = diff_rows(in_force.content, text) if in_force else []
    return render("agreements/changes.html", partnership=g.partnership, version=in_force,
                  rows=rows, any_change=changed(rows))

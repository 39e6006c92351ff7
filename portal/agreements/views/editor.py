"""Editing a section: the editor, saving (merged with anyone who saved meanwhile, or a
conflict to resolve), drafts kept while typing, and who else is editing the section.

editing.py does the work and explains why no edit is ever lost; these views say what
happened and keep the user's text on every refusal.
"""
from flask import abort, flash, g, redirect, request, url_for
from flask_login import current_user
from markupsafe import Markup

from portal.accounts.models import utcnow
from portal.agreements import editing
from portal.agreements.merge import three_way_merge
from portal.agreements.models import SectionRevision
from portal.agreements.views.scope import can_edit, check_form, section_or_404
from portal.errors import error_page
from portal.partnerships.access import requires_role
from portal.rendering import render


def _editor_page(section, body, base_id, errors=None, status=200, notice=None, stale_draft=None):
    return render("agreements/edit.html", partnership=g.partnership, section=section,
                  body=body, base_id=base_id, head=editing.head_of(section), errors=errors or [],
                  notice=notice, stale_draft=stale_draft,
                  others=[u for u in editing.editors_now([section.id]).get(section.id, [])
                          if u.id != current_user.id], status=status)


@requires_role("editor")
def edit(partnership_id, section_id):
    if not can_edit():
        abort(403)
    section = section_or_404(section_id)
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


@requires_role("editor")
def save(partnership_id, section_id):
    section = section_or_404(section_id)
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


@requires_role("editor")
def resolve(partnership_id, section_id):
    """Rebuild the merge the conflict view showed and apply the user's choices."""
    section = section_or_404(section_id)
    mine = request.form.get("mine", "")
    base_id, head_id = request.form.get("base_id", ""), request.form.get("head_id", "")
    base = SectionRevision.get_or_none(SectionRevision.id == int(base_id), SectionRevision.section == section.id) if base_id.isdigit() else None
    head = SectionRevision.get_or_none(SectionRevision.id == int(head_id), SectionRevision.section == section.id) if head_id.isdigit() else None
    if head is None:
        return _editor_page(section, mine, None, ["The conflict could not be found again; your text is below."], 422)
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


@requires_role("editor")
def draft(partnership_id, section_id):
    section = section_or_404(section_id)
    base_id = request.form.get("base_id")
    try:
        editing.save_draft(section, current_user, int(base_id) if base_id and base_id.isdigit() else None,
                           request.form.get("body", ""))
    except editing.SaveError as exc:
        return error_page(422, str(exc), title="Draft not saved")
    return render("agreements/_draft_saved.html", saved_at=utcnow())


@requires_role("editor")
def discard(partnership_id, section_id):
    section = section_or_404(section_id)
    check_form()
    editing.discard_draft(section, current_user)
    flash("Your draft is discarded.", "info")
    return redirect(url_for("agreements.edit", partnership_id=partnership_id, section_id=section.id))


@requires_role("editor")
def presence(partnership_id, section_id):
    section = section_or_404(section_id)
    editing.touch_presence(section, current_user)
    others = [u for u in editing.editors_now([section.id]).get(section.id, []) if u.id != current_user.id]
    return render("agreements/_presence.html", others=others, partnership=g.partnership)

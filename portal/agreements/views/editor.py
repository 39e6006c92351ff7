"""Editing a section: the editor, saving (merged with anyone who saved meanwhile, or a
conflict to resolve), drafts kept while typing, and who else is editing the section.

editing.py does the work and explains why no edit is ever lost; these views say what
happened and keep the user's text on every refusal.

The reading page's Edit asks with htmx and gets the editor alone, in the section's
place; its save is answered with the section (or the conflict, or the refusal) in the
same place, where a plain form gets a redirect and a flashed message. Nothing is drawn
twice, and nothing is written to the session cookie (issue 12).
"""
from flask import abort, flash, g, redirect, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup, escape

from portal.accounts.models import utcnow
from portal.agreements import editing
from portal.agreements.forms import PICKS, ConflictForm, SectionForm
from portal.agreements.merge import three_way_merge
from portal.agreements.models import SectionRevision
from portal.agreements.views.reading import section_alone
from portal.agreements.views.scope import can_edit, check_form, section_or_404
from portal.errors import error_page
from portal.forms import BadValue, damaged, first_error, posted_choice, posted_text
from portal.partnerships.access import requires_role
from portal.rendering import is_htmx, render

DAMAGED_EDITOR = _l("The form is damaged: reload the editor.")


def _editor_page(section, body, base_id, errors=None, status=200, notice=None, stale_draft=None,
                 head=False):
    head = editing.head_of(section) if head is False else head  # False: not read yet
    return render("agreements/edit.html", "editor", partnership=g.partnership, section=section,
                  inline=is_htmx(), body=body, base_id=base_id, head=head, errors=errors or [],
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
            notice = _("Your unsaved draft is restored. Save it when you are ready.")
        else:
            stale = draft  # written on an older revision: offer to merge, never apply silently
    editing.touch_presence(section, current_user)
    return _editor_page(section, body, base_id, notice=notice, stale_draft=stale, head=head)


@requires_role("editor")
def save(partnership_id, section_id):
    section = section_or_404(section_id, removed_too=True)
    form = SectionForm()
    body, base_id = form.body.data or "", form.base_id.data
    if not form.validate_on_submit():
        return _editor_page(section, body, base_id, [_refusal(form)], 422)
    try:
        revision, merged_with = editing.save(section, current_user, base_id, body, form.summary.data)
    except editing.SaveError as exc:
        _keep_draft(section, base_id, body)
        return _editor_page(section, body, base_id, [str(exc)], 422)
    except editing.Conflict as conflict:
        _keep_draft(section, base_id, body)
        return _conflict_page(section, conflict, body)
    if merged_with is not None:
        who = merged_with.author.name if merged_with.author_id else _("someone")
        diff_url = url_for("agreements.diff", partnership_id=partnership_id, section_id=section.id,
                           a=merged_with.id, b=revision.id)
        said = Markup(_('Saved. %(name)s had changed this section meanwhile; their changes were merged '
                        'with yours. <a href="%(url)s">See what changed</a>.',
                        name=escape(who), url=escape(diff_url)))
    else:
        said = _("%(title)s is saved (revision %(number)s).", title=section.title, number=revision.number)
    if is_htmx():
        return section_alone(section, revision, notice=said)
    flash(said, "success")
    return redirect(url_for("agreements.show", partnership_id=partnership_id) + f"#section-{section.id}")


def _refusal(form):
    """Why the editor's form was refused: a damaged hidden id, or what is wrong in the text."""
    return str(DAMAGED_EDITOR) if damaged(form) else first_error(form)


def _keep_draft(section, base_id, body):
    try:
        editing.save_draft(section, current_user, base_id, body)
    except editing.SaveError:
        pass  # too large to keep; the page still shows the text in the form


def _conflict_page(section, conflict, mine):
    return render("agreements/conflict.html", "conflict", partnership=g.partnership,
                  section=section, inline=is_htmx(), conflict=conflict, mine=mine, status=409)


@requires_role("editor")
def resolve(partnership_id, section_id):
    """Rebuild the merge the conflict view showed and apply the user's choices."""
    section = section_or_404(section_id, removed_too=True)
    form = ConflictForm()
    mine = form.mine.data or ""
    if not form.validate_on_submit():
        return _editor_page(section, mine, None, [_refusal(form)], 422)
    base = _revision_or_none(section, form.base_id.data)
    head = _revision_or_none(section, form.head_id.data)
    if head is None:
        return _editor_page(section, mine, None, [_("The conflict could not be found again; your text is below.")], 422)
    result = three_way_merge(base.body if base else "", head.body, mine)
    try:
        choices = [_choice(index, hunk) for index, hunk in enumerate(result.conflicts)]
        body = result.resolve(choices) if result.conflicts else result.text
        revision, merged_with = editing.save(section, current_user, head.id, body, form.summary.data)
    except (BadValue, editing.SaveError) as exc:
        return _editor_page(section, mine, base.id if base else None, [str(exc)], 422)
    except editing.Conflict as conflict:  # someone saved again meanwhile
        return _conflict_page(section, conflict, body)
    flash(_("%(title)s is saved with the conflict resolved (revision %(number)s).",
            title=section.title, number=revision.number), "success")
    return redirect(url_for("agreements.show", partnership_id=partnership_id) + f"#section-{section.id}")


def _revision_or_none(section, revision_id):
    if revision_id is None:
        return None
    return SectionRevision.get_or_none(SectionRevision.id == revision_id, SectionRevision.section == section.id)


def _choice(index, hunk):
    """The text chosen for conflict `index`: theirs, mine (when nothing is picked), or
    what was written anew in text-<index>."""
    pick = posted_choice(f"pick-{index}", PICKS, default="mine")
    if pick is None:
        raise BadValue(str(DAMAGED_EDITOR))
    if pick == "edit":
        return posted_text(f"text-{index}", editing.MAX_BODY, default=hunk.mine, strip=False)
    return hunk.theirs if pick == "theirs" else hunk.mine


@requires_role("editor")
def draft(partnership_id, section_id):
    section = section_or_404(section_id, removed_too=True)
    form = SectionForm()
    if not form.validate_on_submit():
        return error_page(422, _refusal(form), title=_("Draft not saved"))
    try:
        editing.save_draft(section, current_user, form.base_id.data, form.body.data or "")
    except editing.SaveError as exc:
        return error_page(422, str(exc), title=_("Draft not saved"))
    return render("agreements/_draft_saved.html", saved_at=utcnow())


@requires_role("editor")
def discard(partnership_id, section_id):
    section = section_or_404(section_id)
    check_form()
    editing.discard_draft(section, current_user)
    flash(_("Your draft is discarded."), "info")
    return redirect(url_for("agreements.edit", partnership_id=partnership_id, section_id=section.id))


@requires_role("editor")
def presence(partnership_id, section_id):
    """The editor's heartbeat: who else is editing. Once the section is removed it says so
    instead, and 286 stops the heartbeat (htmx's "stop polling")."""
    section = section_or_404(section_id, removed_too=True)
    if section.removed:
        return render("agreements/_presence.html", removed=True, status=286)
    editing.touch_presence(section, current_user)
    others = [u for u in editing.editors_now([section.id]).get(section.id, []) if u.id != current_user.id]
    return render("agreements/_presence.html", others=others, partnership=g.partnership)

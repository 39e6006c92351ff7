"""Reading the agreement: every section with its current text, who is editing it and its
open comments, and one cheap poll for the whole page that refreshes the sections when
the agreement's clock (`editing.clock`) says something a reader sees has changed."""
from flask import g, redirect, request, url_for

from portal.agreements import editing, ratification
from portal.agreements.models import Comment
from portal.agreements.views.scope import can_edit, current_agreement, section_or_404
from portal.partnerships.access import without_organizations
from portal.prepared import Prepared
from portal.rendering import is_htmx, render


_OPEN_COMMENTS = Prepared(lambda section_ids: Comment.select(Comment.section).where(
    Comment.section.in_(section_ids), Comment.resolved == False).tuples())  # noqa: E712


def _sections(agreement, sections=None, heads=None):
    """What `_sections.html` draws: the sections, their heads, editors and open comments,
    and the clock's token of the agreement row this request read first (so a change
    made meanwhile shows on the next poll rather than never)."""
    token = editing.clock_of(agreement)
    sections = editing.sections_of(agreement) if sections is None else sections
    comments = {}
    for section_id, in _OPEN_COMMENTS.rows([s.id for s in sections]) if sections else ():
        comments[section_id] = comments.get(section_id, 0) + 1
    return {"sections": sections, "heads": editing.heads_of(sections) if heads is None else heads,
            "editors": editing.editors_now([s.id for s in sections]), "comments": comments,
            "token": token, "poll_seconds": editing.poll_seconds(token),
            "can_edit": can_edit(), "partnership": g.partnership}


def _standing(agreement, text):
    """What `_standing.html` and `_versions.html` draw: the versions with their sign-offs,
    the one in force, and whether the text has moved on since it. `text()` gives the
    current text; it is asked only when a version is in force, so that a save to an
    agreement never ratified reads no other section."""
    versions = ratification.versions_with_signoffs(agreement)
    in_force = next((v for v in versions if v.in_force_at), None)  # newest first
    return {"versions": versions, "in_force": in_force,
            "changed_since": in_force is not None and in_force.content != text()}


def _whole(agreement):
    """What the whole reading page draws: the sections, and what it says of the versions."""
    drawn = _sections(agreement)
    return {**drawn, **_standing(agreement, lambda: ratification.current_text(
        agreement, drawn["sections"], drawn["heads"])[0])}


def show(partnership_id):
    agreement = current_agreement()
    return render("agreements/show.html", agreement=agreement, **_whole(agreement))


@without_organizations
def poll(partnership_id):
    """204 while the agreement's clock says nothing changed: an idle reader costs one
    indexed row every few seconds, whatever the number of sections."""
    if request.args.get("token") == editing.clock(partnership_id):
        return "", 204
    return render("agreements/_poll.html", **_whole(current_agreement()))


def section(partnership_id, section_id):
    """One section as the reading page draws it: what an inline editor closed without
    saving gives back. A plain request (no script) goes to it on the reading page."""
    found = section_or_404(section_id)
    if not is_htmx():
        return redirect(url_for("agreements.show", partnership_id=partnership_id)
                        + f"#section-{found.id}")
    return section_alone(found)


def section_alone(section, head=False, notice=None):
    """`section`'s card in an inline editor's place, with `notice` (a save's confirmation)
    as the page's notice; its Edit takes the focus back from the editor that was there.
    `head`: the revision just saved, with its author and organization (False: nothing was
    saved, read it); a save also redraws what the page says of the versions, since the
    text may have moved away from the version in force or back to it."""
    drawn = _sections(section.agreement, [section],
                      None if head is False else {section.id: head})
    standing = {}
    if head is not False:  # the saved head is committed: current_text reads it with the rest
        standing = {"standing": True, **_standing(
            section.agreement, lambda: ratification.current_text(section.agreement)[0])}
    return render("agreements/_section_alone.html", said=notice, focus_edit=True,
                  section=section, head=drawn["heads"][section.id], **drawn, **standing)

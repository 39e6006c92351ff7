"""The agreement's outline: adding, renaming, moving and removing sections. A removed
section keeps its history; every change is in the audit log."""
from flask import flash, g, redirect, request, url_for

from portal import audit
from portal.agreements import editing
from portal.agreements.models import Section
from portal.agreements.views.scope import check_form, current_agreement, section_or_404
from portal.partnerships.access import requires_role


def _title_or_error(text):
    title = (text or "").strip()
    if not title or len(title) > 160:
        flash("A section needs a title of 1 to 160 characters.", "error")
        return None
    return title


@requires_role("editor")
def add_section(partnership_id):
    check_form()
    title = _title_or_error(request.form.get("title"))
    if title:
        sections = editing.sections_of(current_agreement())
        section = Section.create(agreement=current_agreement(), title=title,
                                 position=(sections[-1].position + 1) if sections else 0)
        audit.record("section_added", partnership=g.partnership, section=title)
        flash(f"The section {title} is added.", "success")
        return redirect(url_for("agreements.edit", partnership_id=partnership_id, section_id=section.id))
    return redirect(url_for("agreements.show", partnership_id=partnership_id))


@requires_role("editor")
def rename(partnership_id, section_id):
    section = section_or_404(section_id)
    check_form()
    title = _title_or_error(request.form.get("title"))
    if title:
        audit.record("section_renamed", partnership=g.partnership, before=section.title, after=title)
        section.title = title
        section.save()
    return redirect(url_for("agreements.show", partnership_id=partnership_id) + f"#section-{section.id}")


@requires_role("editor")
def move(partnership_id, section_id):
    section = section_or_404(section_id)
    check_form()
    sections = editing.sections_of(current_agreement())
    index = [s.id for s in sections].index(section.id)
    other = index - 1 if request.form.get("direction") == "up" else index + 1
    if 0 <= other < len(sections):
        sections[index], sections[other] = sections[other], sections[index]
        for position, s in enumerate(sections):
            Section.update(position=position).where(Section.id == s.id).execute()
        audit.record("section_moved", partnership=g.partnership, section=section.title)
    return redirect(url_for("agreements.show", partnership_id=partnership_id) + f"#section-{section.id}")


@requires_role("editor")
def remove(partnership_id, section_id):
    section = section_or_404(section_id)
    check_form()
    section.removed = True
    section.save()
    audit.record("section_removed", partnership=g.partnership, section=section.title)
    flash(f"The section {section.title} is removed; its history is kept.", "success")
    return redirect(url_for("agreements.show", partnership_id=partnership_id))

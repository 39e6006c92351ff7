"""The agreement's outline: adding, renaming, moving and removing sections. A removed
section keeps its history; every change is in the audit log."""
from flask import abort, flash, g, redirect, url_for
from flask_babel import gettext as _

from portal import audit
from portal.agreements import editing
from portal.agreements.forms import MoveForm, TitleForm
from portal.agreements.models import Section
from portal.agreements.views.scope import check_form, current_agreement, section_or_404
from portal.db import write_transaction
from portal.forms import first_error
from portal.partnerships.access import requires_role


def _title_or_error():
    form = TitleForm()
    if form.validate_on_submit():
        return form.title.data
    flash(first_error(form), "error")
    return None


@requires_role("editor")
def add_section(partnership_id):
    check_form()
    title = _title_or_error()
    if title:
        sections = editing.sections_of(current_agreement())
        with write_transaction():
            section = Section.create(agreement=current_agreement(), title=title,
                                     position=(sections[-1].position + 1) if sections else 0)
            editing.changed(section.agreement_id)
        audit.record("section_added", partnership=g.partnership, section=title)
        flash(_("The section %(title)s is added.", title=title), "success")
        return redirect(url_for("agreements.edit", partnership_id=partnership_id, section_id=section.id))
    return redirect(url_for("agreements.show", partnership_id=partnership_id))


@requires_role("editor")
def rename(partnership_id, section_id):
    section = section_or_404(section_id)
    check_form()
    title = _title_or_error()
    if title:
        audit.record("section_renamed", partnership=g.partnership, before=section.title, after=title)
        section.title = title
        with write_transaction():
            section.save()
            editing.changed(section.agreement_id)
    return redirect(url_for("agreements.show", partnership_id=partnership_id) + f"#section-{section.id}")


@requires_role("editor")
def move(partnership_id, section_id):
    section = section_or_404(section_id)
    form = MoveForm()
    if not form.validate_on_submit():
        abort(400)
    sections = editing.sections_of(current_agreement())
    index = [s.id for s in sections].index(section.id)
    other = index - 1 if form.direction.data == "up" else index + 1
    if 0 <= other < len(sections):
        sections[index], sections[other] = sections[other], sections[index]
        with write_transaction():
            for position, s in enumerate(sections):
                Section.update(position=position).where(Section.id == s.id).execute()
            editing.changed(section.agreement_id)
        audit.record("section_moved", partnership=g.partnership, section=section.title)
    return redirect(url_for("agreements.show", partnership_id=partnership_id) + f"#section-{section.id}")


@requires_role("editor")
def remove(partnership_id, section_id):
    section = section_or_404(section_id)
    check_form()
    section.removed = True
    with write_transaction():
        section.save()
        editing.changed(section.agreement_id)
    audit.record("section_removed", partnership=g.partnership, section=section.title)
    flash(_("The section %(title)s is removed; its history is kept.", title=section.title), "success")
    return redirect(url_for("agreements.show", partnership_id=partnership_id))

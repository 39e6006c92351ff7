"""A section's history: its revisions newest first, what changed between two of them,
and restoring an earlier text (as a new revision, so nothing is lost)."""
from flask import abort, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.agreements import editing
from portal.agreements.diffs import diff_rows
from portal.agreements.models import SectionRevision
from portal.agreements.views.scope import can_edit, check_form, section_or_404
from portal.forms import database_id
from portal.partnerships.access import requires_role
from portal.rendering import render


def history(partnership_id, section_id):
    section = section_or_404(section_id)
    revisions = list(SectionRevision.select().where(SectionRevision.section == section)
                     .order_by(SectionRevision.number.desc()))
    return render("agreements/history.html", partnership=g.partnership, section=section,
                  revisions=revisions, can_edit=can_edit())


def _revision(section, revision_id):
    revision = SectionRevision.get_or_none(SectionRevision.id == revision_id,
                                           SectionRevision.section == section)
    if revision is None:
        abort(404)
    return revision


def diff(partnership_id, section_id):
    section = section_or_404(section_id)
    a, b = database_id(request.args.get("a")), database_id(request.args.get("b"))
    if a is None or b is None:
        abort(404)
    old, new = _revision(section, a), _revision(section, b)
    return render("agreements/diff.html", partnership=g.partnership, section=section,
                  old=old, new=new, rows=diff_rows(old.body, new.body))


@requires_role("editor")
def restore(partnership_id, section_id, revision_id):
    section = section_or_404(section_id)
    check_form()
    revision = editing.restore(section, current_user, _revision(section, revision_id))
    flash(_("Revision %(number)s restores the earlier text.", number=revision.number), "success")
    return redirect(url_for("agreements.history", partnership_id=partnership_id, section_id=section.id))

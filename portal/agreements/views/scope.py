"""What an agreement URL names, looked up within the current partnership, and the
checks every agreement page shares.

access.py has already checked that the user belongs to `g.partnership`; a section of
another partnership's agreement, or a removed one, is a plain 404 here.
"""
from flask import abort, g
from flask_wtf import FlaskForm

from portal.agreements import editing
from portal.agreements.models import Agreement, Section
from portal.prepared import Prepared
from portal.vocabulary import role_at_least


def can_edit():
    return g.membership is not None and role_at_least(g.membership.role, "editor")


def current_agreement():
    return editing.agreement_for(g.partnership)


def section_or_404(section_id, removed_too=False):
    """A section of this partnership's agreement, read with the agreement (one statement).
    `removed_too`: a removed one as well, for a save or a draft sent from an editor opened
    before the section was removed, which is told so and keeps its text."""
    section = _SECTION.first(section_id, g.partnership.id)
    if section is None or (section.removed and not removed_too):
        abort(404)
    return section


_SECTION = Prepared(lambda section_id, partnership_id: (
    Section.select(Section, Agreement).join(Agreement)
    .where(Section.id == section_id, Agreement.partnership == partnership_id).limit(1)))


def check_form():
    """A form of buttons only still carries the CSRF token; without it, 400."""
    if not FlaskForm().validate_on_submit():
        abort(400)

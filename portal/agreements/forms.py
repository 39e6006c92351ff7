"""The agreement's forms: a section's title and place, its text (saved, kept as a draft,
or rebuilt after a conflict), comments, and ratifying a version.

The text itself is checked by editing.check_body, whose messages say how to fix it;
these forms only make sure it arrives whole, with ids that are ids.
"""
from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from portal.forms import Form, IdField, options, stripped

TITLE_MESSAGE = _l("A section needs a title of 1 to 160 characters.")
COMMENT_MESSAGE = _l("Write a comment of 1 to 5,000 characters.")
MAX_SUMMARY = 200  # editing.save keeps this much of a summary
#: A conflict's choices: keep their text, keep mine, or write it anew (text-<n>).
PICKS = ("theirs", "mine", "edit")


class TitleForm(Form):
    title = StringField(_l("Title"), filters=[stripped], validators=[
        DataRequired(TITLE_MESSAGE), Length(max=160, message=TITLE_MESSAGE)])


class MoveForm(Form):
    direction = SelectField(_l("Direction"), choices=options([("up", _l("Move up")),
                                                                 ("down", _l("Move down"))]))


class SectionForm(Form):
    """The editor; the draft kept while typing sends the same fields."""

    body = TextAreaField(_l("Text"))
    base_id = IdField()
    summary = StringField(_l("What did you change?"))


class ConflictForm(Form):
    """The conflict view: the user's text, the revisions it was merged from, and for
    each conflict pick-<n> and text-<n> (read in views/editor.py)."""

    mine = TextAreaField()
    base_id = IdField()
    head_id = IdField()
    summary = StringField(_l("Summary"), default="Resolved a conflict")  # stored as is


class CommentForm(Form):
    body = TextAreaField(_l("Comment"), filters=[stripped], validators=[
        DataRequired(COMMENT_MESSAGE), Length(max=5000, message=COMMENT_MESSAGE)])
    quote = StringField(_l("Quoted text"), filters=[stripped, lambda text: (text or "")[:1000]])
    parent_id = IdField()


class ResolveForm(Form):
    resolved = SelectField(choices=options([("1", _l("Resolve")), ("0", _l("Reopen"))]), default="1")


class RatifyForm(Form):
    content_hash = StringField()  # ratification.ratify compares it with the version's

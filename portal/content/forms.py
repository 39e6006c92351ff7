"""The library's forms: authoring an organization's own items, the Markdown preview,
a reader's feedback, the partnership's note on an item, and a spaced review's answer."""
from wtforms import (BooleanField, IntegerField, RadioField, SelectField, SelectMultipleField, StringField,
                     TextAreaField)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from flask_babel import lazy_gettext as _l

from portal.content.library import AUDIENCES, PRINCIPLES
from portal.forms import Form, options, stripped
from portal.vocabulary import LIFECYCLE_STAGES, PARTNERSHIP_ROLES


#: The principles as the authoring form names them.
PRINCIPLE_LABELS = {"commitment": _l("Commitment"), "communication": _l("Communication"),
                    "credibility": _l("Credibility"), "clarity": _l("Clarity"),
                    "cadence": _l("Cadence"), "collaboration": _l("Collaboration")}


class ItemForm(Form):
    title = StringField(_l("Title"), validators=[DataRequired(_l("Give the item a title.")), Length(max=200)])
    slug = StringField(_l("Address (slug)"), validators=[
        DataRequired(_l("Choose a short address, e.g. our-escalation-path.")), Length(max=120),
        Regexp(r"^[a-z0-9]+(?:-[a-z0-9]+)*$", message=_l("Use lowercase letters, digits and hyphens."))])
    summary = TextAreaField(_l("Summary"), validators=[Length(max=600)])
    audience = SelectField(_l("Written for"), choices=options((a, {"both": _l("Both sides"), "client": _l("The client side"), "supplier": _l("The supplier side")}[a]) for a in AUDIENCES))
    roles = SelectMultipleField(_l("Roles (none: everyone)"), choices=options(PARTNERSHIP_ROLES))
    stages = SelectMultipleField(_l("Lifecycle stages"), choices=options(LIFECYCLE_STAGES))
    principles = SelectMultipleField(_l("Principles"), choices=options((p, PRINCIPLE_LABELS.get(p, p.title())) for p in PRINCIPLES))
    tags = StringField(_l("Tags (comma-separated)"), validators=[Length(max=200)])
    tailored = BooleanField(_l("Tailored for this partnership (shown first here)"))
    reading_time = IntegerField(_l("Reading time (minutes)"), default=5, validators=[
        Optional(), NumberRange(min=1, max=600, message=_l("Between 1 and 600 minutes."))])
    recall_question = StringField(_l("Recall question (optional)"), validators=[Length(max=300)])
    recall_answer = StringField(_l("Its answer"), validators=[Length(max=300)])
    body = TextAreaField(_l("Text (Markdown)"), validators=[
        DataRequired(_l("Write the item's text.")), Length(max=100_000, message=_l("Keep the text under 100,000 characters."))])


class PreviewForm(Form):
    """What the editor's preview renders: the text as typed, cut at the item's maximum."""

    body = TextAreaField(filters=[lambda text: (text or "")[:100_000]])


FEEDBACK_MESSAGE = _l("Say whether the item helped (and keep a comment under 2,000 characters).")


class FeedbackForm(Form):
    helpful = RadioField(_l("Did it help?"), choices=options([("1", _l("Helpful")), ("0", _l("Not helpful"))]),
                         validators=[InputRequired(FEEDBACK_MESSAGE)],
                         invalid_choice_message=FEEDBACK_MESSAGE)
    comment = TextAreaField(_l("Comment"), filters=[stripped],
                            validators=[Length(max=2000, message=FEEDBACK_MESSAGE)])


class NoteForm(Form):
    body = TextAreaField(_l("Note for this partnership"), filters=[stripped], validators=[
        Length(max=5000, message=_l("Keep the note under 5,000 characters; it was not saved."))])


class ReviewForm(Form):
    outcome = SelectField(choices=options([("remembered", _l("I remembered")), ("forgot", _l("I need to re-read"))]),
                          invalid_choice_message=_l("Choose “I remembered” or “I need to re-read”."))

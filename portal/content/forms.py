"""The library's forms: authoring an organization's own items, the Markdown preview,
a reader's feedback, the partnership's note on an item, and a spaced review's answer."""
from wtforms import (BooleanField, IntegerField, RadioField, SelectField, SelectMultipleField, StringField,
                     TextAreaField)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from portal.content.library import AUDIENCES, PRINCIPLES
from portal.forms import Form, options, stripped
from portal.vocabulary import LIFECYCLE_STAGES, PARTNERSHIP_ROLES


class ItemForm(Form):
    title = StringField("Title", validators=[DataRequired("Give the item a title."), Length(max=200)])
    slug = StringField("Address (slug)", validators=[
        DataRequired("Choose a short address, e.g. our-escalation-path."), Length(max=120),
        Regexp(r"^[a-z0-9]+(?:-[a-z0-9]+)*$", message="Use lowercase letters, digits and hyphens.")])
    summary = TextAreaField("Summary", validators=[Length(max=600)])
    audience = SelectField("Written for", choices=options((a, {"both": "Both sides", "client": "The client side", "supplier": "The supplier side"}[a]) for a in AUDIENCES))
    roles = SelectMultipleField("Roles (none: everyone)", choices=options(PARTNERSHIP_ROLES))
    stages = SelectMultipleField("Lifecycle stages", choices=options(LIFECYCLE_STAGES))
    principles = SelectMultipleField("Principles", choices=options((p, p.title()) for p in PRINCIPLES))
    tags = StringField("Tags (comma-separated)", validators=[Length(max=200)])
    tailored = BooleanField("Tailored for this partnership (shown first here)")
    reading_time = IntegerField("Reading time (minutes)", default=5, validators=[
        Optional(), NumberRange(min=1, max=600, message="Between 1 and 600 minutes.")])
    recall_question = StringField("Recall question (optional)", validators=[Length(max=300)])
    recall_answer = StringField("Its answer", validators=[Length(max=300)])
    body = TextAreaField("Text (Markdown)", validators=[
        DataRequired("Write the item's text."), Length(max=100_000, message="Keep the text under 100,000 characters.")])


class PreviewForm(Form):
    """What the editor's preview renders: the text as typed, cut at the item's maximum."""

    body = TextAreaField(filters=[lambda text: (text or "")[:100_000]])


FEEDBACK_MESSAGE = "Say whether the item helped (and keep a comment under 2,000 characters)."


class FeedbackForm(Form):
    helpful = RadioField("Did it help?", choices=options([("1", "Helpful"), ("0", "Not helpful")]),
                         validators=[InputRequired(FEEDBACK_MESSAGE)],
                         invalid_choice_message=FEEDBACK_MESSAGE)
    comment = TextAreaField("Comment", filters=[stripped],
                            validators=[Length(max=2000, message=FEEDBACK_MESSAGE)])


class NoteForm(Form):
    body = TextAreaField("Note for this partnership", filters=[stripped], validators=[
        Length(max=5000, message="Keep the note under 5,000 characters; it was not saved.")])


class ReviewForm(Form):
    outcome = SelectField(choices=options([("remembered", "I remembered"), ("forgot", "I need to re-read")]),
                          invalid_choice_message="Choose “I remembered” or “I need to re-read”.")

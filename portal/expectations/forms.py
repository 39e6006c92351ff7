"""The expectation form; its messages say what to do, next to the field concerned."""
import datetime as dt

from flask_babel import gettext, lazy_gettext as _l
from wtforms import DateField, HiddenField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from portal.expectations.models import MAX_TEXT
from portal.expectations.vocabulary import DIRECTIONS, PRINCIPLES
from portal.forms import Form, IdField, option_id, options

NO_OWNER = (0, _l("No owner yet"))


class ReviewDateField(DateField):
    """A date field whose message says how to write the date."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            message = gettext("Enter a date like 2027-03-31, or pick one from the calendar.")
            raise ValueError(message) from exc


class ExpectationForm(Form):
    direction = SelectField(
        _l("Who expects this of whom"), choices=options(DIRECTIONS),
        invalid_choice_message=_l("Choose who expects this of whom."))
    text = TextAreaField(
        _l("What is expected"),
        validators=[DataRequired(_l("Write down what is expected.")),
                    # WTForms fills in %(max)d.
                    Length(max=MAX_TEXT, message=_l("Keep it under %(max)d characters; "
                                                    "split a long expectation into several."))])
    principle = SelectField(
        _l("Principle or partnering attribute"),
        choices=[SelectChoice(key, label, optgroup=group) for key, label, _, group in PRINCIPLES],
        invalid_choice_message=_l("Choose one of the six principles or the six partnering "
                                  "attributes."))
    owner = SelectField(_l("Owner"), coerce=option_id,
                        invalid_choice_message=_l("Choose a member of this partnership."),
                        invalid_value_message=_l("Choose a member of this partnership."))
    review_on = ReviewDateField(_l("Review on"), validators=[Optional()])
    # The saved state the edit form was opened on (changes.stamp); empty when creating.
    base = HiddenField()

    def __init__(self, *args, members=(), saved_review_on=None, former_owner=None, **kwargs):
        super().__init__(*args, **kwargs)
        people = [(m.user_id, f"{m.user.name} ({m.user.organization.name})") for m in members]
        if former_owner is not None:
            people.append((former_owner.id, gettext("%(name)s (no longer a member)", name=former_owner.name)))
        self.owner.choices = options([NO_OWNER] + people)
        self._saved_review_on = saved_review_on

    def validate_review_on(self, field):
        # An overdue date already saved may stay while the text is edited; a new date
        # must lie ahead, or the expectation would be overdue the moment it is saved.
        if field.data and field.data < dt.date.today() and field.data != self._saved_review_on:
            raise ValidationError(gettext("Choose a review date from today on."))


class AcknowledgeForm(Form):
    """One expectation's button: the version of the wording the member read."""

    version = IdField()

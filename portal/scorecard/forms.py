"""The forms of the Health tab: a benefit, a value of it, a rating, an override."""
import datetime as dt

from flask_babel import gettext as _, lazy_gettext as _l
from wtforms import DateField, FloatField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, StopValidation, ValidationError

from portal.forms import Form, finite_number, options
from portal.scorecard.models import DIRECTIONS, KINDS

#: Past this a number is not a measurement but a typing mistake (and would not survive
#: sums on the page).
MAX_VALUE = 1e15
NUMBER_MESSAGE = _l("Enter a number such as 12, -3.5 or 0.25 (digits, no words or units).")
POINTS = [("", _l("Choose")), ("1", _l("1: Very poor")), ("2", _l("2: Poor")), ("3", _l("3: Fair")),
          ("4", _l("4: Good")), ("5", _l("5: Very good"))]


class NumberField(FloatField):
    """A finite number typed with digits: "nan", "inf", "1e999", words and an empty field
    are refused with `message` beside the field (not WTForms' "Not a valid float")."""

    def __init__(self, label=None, validators=None, message=NUMBER_MESSAGE, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.message = message

    def process_formdata(self, valuelist):
        self.data = None
        raw = (valuelist[0] if valuelist else "").strip()
        if raw == "":
            return
        value = finite_number(raw)
        if value is None or abs(value) >= MAX_VALUE:
            raise ValueError(self.message)
        self.data = value

    def pre_validate(self, form):
        if self.process_errors:  # one message: what was typed is not a number we keep
            raise StopValidation()


def not_in_future(form, field):
    if field.data and field.data > dt.date.today():
        raise ValidationError(_("A value is recorded once it is measured: choose today or "
                                "an earlier date."))


class BenefitForm(Form):
    name = StringField(_l("Benefit"), validators=[
        InputRequired(_l("Name the benefit.")),
        Length(max=160, message=_l("Keep the name under 160 characters."))])
    kind = SelectField(_l("Kind"), choices=options(KINDS),
                       invalid_choice_message=_l("Choose economic or relational."))
    unit = StringField(_l("Unit"), validators=[
        Optional(), Length(max=40, message=_l("Keep the unit under 40 characters."))])
    target = NumberField(_l("Target"), validators=[Optional()])
    direction = SelectField(_l("Better when"), choices=options(DIRECTIONS),
                            invalid_choice_message=_l("Choose whether higher or lower is better."))
    owner = SelectField(_l("Owner"), coerce=int,
                        invalid_choice_message=_l("Choose a member of the partnership."))
    cadence_days = IntegerField(_l("Update every (days)"), default=30, validators=[
        InputRequired(_l("Enter how often, in days, the value is measured.")),
        NumberRange(1, 730, _l("Enter a number of days from 1 to 730."))])

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.owner.choices = options((m.user_id, f"{m.user.name} ({m.user.organization.name})")
                                     for m in people)


class ValueForm(Form):
    measured_on = DateField(_l("Measured on"), default=dt.date.today, validators=[
        InputRequired(_l("Enter the date of the measurement, like 2026-03-31.")), not_in_future])
    value = NumberField(_l("Value"), validators=[InputRequired(NUMBER_MESSAGE)])
    note = StringField(_l("Note"), validators=[
        Optional(), Length(max=300, message=_l("Keep the note under 300 characters."))])


class RatingForm(Form):
    partnership = SelectField(_l("The partnership as a whole"), choices=options(POINTS),
                              validators=[InputRequired(_l("Choose a rating from 1 to 5."))],
                              invalid_choice_message=_l("Choose a rating from 1 to 5."))
    partner = SelectField(_l("The other party as a partner"), choices=options(POINTS),
                          validators=[InputRequired(_l("Choose a rating from 1 to 5."))],
                          invalid_choice_message=_l("Choose a rating from 1 to 5."))
    comment = TextAreaField(_l("Comment (optional)"), validators=[
        Optional(), Length(max=1000, message=_l("Keep the comment under 1,000 characters."))])

    def validate_partnership(self, field):
        if field.data not in {"1", "2", "3", "4", "5"}:
            raise ValidationError(_("Choose a rating from 1 to 5."))

    validate_partner = validate_partnership


class OverrideForm(Form):
    score = NumberField(_l("Score to show (0 to 100)"), validators=[
        InputRequired(_l("Enter the score to show, from 0 to 100.")),
        NumberRange(0, 100, _l("Enter a score from 0 to 100."))])
    reason = TextAreaField(_l("Reason"), validators=[
        InputRequired(_l("Say why the computed score is set aside: everyone sees the reason.")),
        Length(max=1000, message=_l("Keep the reason under 1,000 characters."))])

    def validate_reason(self, field):
        if not (field.data or "").strip():
            raise ValidationError(_("Say why the computed score is set aside: everyone sees the "
                                    "reason."))

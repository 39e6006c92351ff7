"""The forms of a program page: the program itself, a metric, a measurement by hand and
a benefit; each error message says what to enter instead. The same forms correct a
record on its edit page.

They follow the portal's idiom as any plugin can: subclasses of `portal.Form` (a
FlaskForm whose fields refuse a NUL character, which PostgreSQL cannot store) handled
with `validate_on_submit()`, errors drawn next to fields by the `field` macro.

Every number is read with `portal.finite_number`: written with the ASCII digits and
finite, so "Infinity", "NaN", "1E+400" (too large for a float), "sNaN" and "²" are
refused beside their field instead of being stored and breaking the program's page
(issue 11). Numbers also stay within what the columns and the arithmetic of progress and
ROI can hold.
"""
import datetime
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from wtforms import DateField, DecimalField, FloatField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, StopValidation, ValidationError

from portal import Form, finite_number

from .tracking import LEVEL_LABELS, MAX_MONEY, MAX_VALUE, MONEY

FIRST_DATE, LAST_DATE = datetime.date(1900, 1, 1), datetime.date(2999, 12, 31)


class _PrefixedForm(Form):
    """One of the program page's three forms, told apart by a prefix (metric-name,
    benefit-amount). The page's one `csrf_token` field is checked by the portal before
    any POST reaches a view; a prefixed FlaskForm would look for `metric-csrf_token`."""

    class Meta:
        csrf = False


def _typed_number(valuelist, message):
    """The finite float typed in the field, None when left empty; ValueError(message)
    for anything else."""
    raw = valuelist[0] if valuelist else ""
    if raw == "":
        return None
    value = finite_number(raw.strip())
    if value is None:
        raise ValueError(message)
    return value


class NumberField(FloatField):
    """A number such as 40, -12.5 or 1e3; `message` says what to type instead of anything
    else, shown alone beside the field."""

    def __init__(self, label=None, validators=None, message=_l("Enter a number."), **kwargs):
        super().__init__(label, validators, **kwargs)
        self.message = message

    def process_formdata(self, valuelist):
        self.data = None
        value = _typed_number(valuelist, self.message)
        if value is not None and abs(value) >= MAX_VALUE:
            raise ValueError(self.message)
        self.data = value

    def pre_validate(self, form):
        if self.process_errors:  # one message: the typed text is not a number we keep
            raise StopValidation()


class MoneyField(DecimalField):
    """An amount to the cent, such as 12500 or 12500.50, read like `NumberField` and
    within the 14 digits (2 after the point) its column holds."""

    def __init__(self, label=None, validators=None, message=_l("Enter an amount."), **kwargs):
        super().__init__(label, validators, places=2, **kwargs)
        self.message = message

    def process_formdata(self, valuelist):
        self.data = None
        if _typed_number(valuelist, self.message) is None:
            return
        try:
            amount = Decimal(valuelist[0].strip())
            amount = amount.quantize(MONEY) if abs(amount) <= MAX_MONEY else None
        except InvalidOperation:
            amount = None
        if amount is None or abs(amount) > MAX_MONEY:
            raise ValueError(self.message)
        self.data = amount

    pre_validate = NumberField.pre_validate


def _within_calendar(form, field):
    # The follow-ups fall due 90 days after a program ends: a date near the end of the
    # calendar (9999-12-31) would make that date impossible to compute.
    if field.data and not FIRST_DATE <= field.data <= LAST_DATE:
        raise ValidationError(_l("Enter a date between %(first)d and %(last)d.",
                                 first=FIRST_DATE.year, last=LAST_DATE.year))


def _not_before_start(form, field):
    if field.data and form.starts_on.data and field.data < form.starts_on.data:
        raise ValidationError(_l("The program cannot end before it starts."))


class ProgramForm(Form):
    name = StringField(_l("Program name"), [InputRequired(_l("Give the program a name.")),
                                            Length(max=160)])
    audience = StringField(_l("Audience"), [Optional(), Length(max=200)])
    starts_on = DateField(_l("Starts on"), [InputRequired(_l("Enter the start date.")),
                                            _within_calendar])
    ends_on = DateField(_l("Ends on"), [InputRequired(_l("Enter the end date.")), _within_calendar,
                                        _not_before_start])
    cost = MoneyField(_l("Cost"), [InputRequired(_l("Enter the program's cost (0 if none).")),
                                   NumberRange(min=0, message=_l("The cost cannot be negative."))],
                      message=_l("Enter the cost as an amount written with the digits 0 to 9, "
                                 "such as 12500 or 12500.50 (at most 12 digits before the point)."))


class MetricForm(_PrefixedForm):
    level = SelectField(_l("Level"), choices=[
        SelectChoice(str(k), _l("%(number)d \u00b7 %(level)s", number=k, level=v))
        for k, v in LEVEL_LABELS.items()], validators=[InputRequired()])
    name = StringField(_l("Metric name"), [InputRequired(_l("Name the metric.")), Length(max=120)])
    unit = StringField(_l("Unit"), [InputRequired(_l("Give the unit, e.g. % or score of 5.")),
                                    Length(max=40)])
    baseline = NumberField(_l("Baseline"), [InputRequired(_l("Enter the baseline as a number."))],
                           message=_l("Enter the baseline as a number written with the digits 0 "
                                      "to 9, such as 40, -12.5 or 1e3 (at most 15 digits before "
                                      "the point)."))
    target = NumberField(_l("Target"), [InputRequired(_l("Enter the target as a number."))],
                         message=_l("Enter the target as a number written with the digits 0 to 9, "
                                    "such as 40, -12.5 or 1e3 (at most 15 digits before the "
                                    "point)."))


class MeasurementForm(_PrefixedForm):
    metric = SelectField(_l("Metric"), choices=[], validators=[InputRequired(_l("Pick a metric."))])
    measured_on = DateField(_l("Measured on"), [
        InputRequired(_l("Enter the date of the measurement.")), _within_calendar])
    value = NumberField(_l("Value"), [InputRequired(_l("Enter the value as a number."))],
                        message=_l("Enter the value as a number written with the digits 0 to 9, "
                                   "such as 40, -12.5 or 1e3 (at most 15 digits before the "
                                   "point)."))
    source = StringField(_l("Source"), [Optional(), Length(max=120)])
    note = StringField(_l("Note"), [Optional()])


class BenefitForm(_PrefixedForm):
    description = StringField(_l("Benefit"), [InputRequired(_l("Describe the benefit.")),
                                              Length(max=200)])
    amount = MoneyField(_l("Monetary value"), [
        InputRequired(_l("Enter the benefit's value.")),
        NumberRange(min=0, message=_l("A benefit cannot be negative."))],
        message=_l("Enter the benefit's value as an amount written with the digits 0 to 9, such "
                   "as 12500 or 12500.50 (at most 12 digits before the point)."))
    isolation = TextAreaField(_l("How the effect was isolated"), [InputRequired(_l(
        "Say how the program's effect was isolated, e.g. control group, trend line or estimate "
        "with confidence %."))])

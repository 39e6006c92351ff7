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

from wtforms import DateField, DecimalField, FloatField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, StopValidation, ValidationError

from portal import Form, finite_number

from .tracking import LEVELS, MAX_MONEY, MAX_VALUE, MONEY

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

    def __init__(self, label=None, validators=None, message="Enter a number.", **kwargs):
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

    def __init__(self, label=None, validators=None, message="Enter an amount.", **kwargs):
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


def _number_message(what):
    return (f"Enter {what} as a number written with the digits 0 to 9, such as 40, -12.5 "
            "or 1e3 (at most 15 digits before the point).")


def _money_message(what):
    return (f"Enter {what} as an amount written with the digits 0 to 9, such as 12500 or "
            "12500.50 (at most 12 digits before the point).")


def _within_calendar(form, field):
    # The follow-ups fall due 90 days after a program ends: a date near the end of the
    # calendar (9999-12-31) would make that date impossible to compute.
    if field.data and not FIRST_DATE <= field.data <= LAST_DATE:
        raise ValidationError(f"Enter a date between {FIRST_DATE.year} and {LAST_DATE.year}.")


def _not_before_start(form, field):
    if field.data and form.starts_on.data and field.data < form.starts_on.data:
        raise ValidationError("The program cannot end before it starts.")


class ProgramForm(Form):
    name = StringField("Program name", [InputRequired("Give the program a name."), Length(max=160)])
    audience = StringField("Audience", [Optional(), Length(max=200)])
    starts_on = DateField("Starts on", [InputRequired("Enter the start date."), _within_calendar])
    ends_on = DateField("Ends on", [InputRequired("Enter the end date."), _within_calendar,
                                    _not_before_start])
    cost = MoneyField("Cost", [InputRequired("Enter the program's cost (0 if none)."),
                               NumberRange(min=0, message="The cost cannot be negative.")],
                      message=_money_message("the cost"))


class MetricForm(_PrefixedForm):
    level = SelectField("Level", choices=[SelectChoice(str(k), f"{k} \u00b7 {v}") for k, v in LEVELS.items()],
                        validators=[InputRequired()])
    name = StringField("Metric name", [InputRequired("Name the metric."), Length(max=120)])
    unit = StringField("Unit", [InputRequired("Give the unit, e.g. % or score of 5."),
                                Length(max=40)])
    baseline = NumberField("Baseline", [InputRequired("Enter the baseline as a number.")],
                           message=_number_message("the baseline"))
    target = NumberField("Target", [InputRequired("Enter the target as a number.")],
                         message=_number_message("the target"))


class MeasurementForm(_PrefixedForm):
    metric = SelectField("Metric", choices=[], validators=[InputRequired("Pick a metric.")])
    measured_on = DateField("Measured on", [InputRequired("Enter the date of the measurement."),
                                            _within_calendar])
    value = NumberField("Value", [InputRequired("Enter the value as a number.")],
                        message=_number_message("the value"))
    source = StringField("Source", [Optional(), Length(max=120)])
    note = StringField("Note", [Optional()])


class BenefitForm(_PrefixedForm):
    description = StringField("Benefit", [InputRequired("Describe the benefit."), Length(max=200)])
    amount = MoneyField("Monetary value", [InputRequired("Enter the benefit's value."),
                                           NumberRange(min=0, message="A benefit cannot be negative.")],
                        message=_money_message("the benefit's value"))
    isolation = TextAreaField("How the effect was isolated",
                              [InputRequired("Say how the program's effect was isolated, e.g. "
                                             "control group, trend line or estimate with confidence %.")])

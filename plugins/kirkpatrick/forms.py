"""The forms of a program page: the program itself, a metric, a measurement by hand and
a benefit; each error message says what to enter instead.

They follow the portal's idiom as any plugin can: subclasses of `portal.Form` (a
FlaskForm whose fields refuse a NUL character, which PostgreSQL cannot store) handled
with `validate_on_submit()`, errors drawn next to fields by the `field` macro.
"""
from wtforms import DateField, DecimalField, FloatField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from portal import Form

from .tracking import LEVELS

class _PrefixedForm(Form):
    """One of the program page's three forms, told apart by a prefix (metric-name,
    benefit-amount). The page's one `csrf_token` field is checked by the portal before
    any POST reaches a view; a prefixed FlaskForm would look for `metric-csrf_token`."""

    class Meta:
        csrf = False


def _not_before_start(form, field):
    if field.data and form.starts_on.data and field.data < form.starts_on.data:
        raise ValidationError("The program cannot end before it starts.")


class ProgramForm(Form):
    name = StringField("Program name", [InputRequired("Give the program a name."), Length(max=160)])
    audience = StringField("Audience", [Optional(), Length(max=200)])
    starts_on = DateField("Starts on", [InputRequired("Enter the start date.")])
    ends_on = DateField("Ends on", [InputRequired("Enter the end date."), _not_before_start])
    cost = DecimalField("Cost", [InputRequired("Enter the program's cost (0 if none)."),
                                 NumberRange(min=0, message="The cost cannot be negative.")],
                        places=2)


class MetricForm(_PrefixedForm):
    level = SelectField("Level", choices=[SelectChoice(str(k), f"{k} \u00b7 {v}") for k, v in LEVELS.items()],
                        validators=[InputRequired()])
    name = StringField("Metric name", [InputRequired("Name the metric."), Length(max=120)])
    unit = StringField("Unit", [InputRequired("Give the unit, e.g. % or score of 5."),
                                Length(max=40)])
    baseline = FloatField("Baseline", [InputRequired("Enter the baseline as a number.")])
    target = FloatField("Target", [InputRequired("Enter the target as a number.")])


class MeasurementForm(_PrefixedForm):
    metric = SelectField("Metric", choices=[], validators=[InputRequired("Pick a metric.")])
    measured_on = DateField("Measured on", [InputRequired("Enter the date of the measurement.")])
    value = FloatField("Value", [InputRequired("Enter the value as a number.")])
    source = StringField("Source", [Optional(), Length(max=120)])
    note = StringField("Note", [Optional()])


class BenefitForm(_PrefixedForm):
    description = StringField("Benefit", [InputRequired("Describe the benefit."), Length(max=200)])
    amount = DecimalField("Monetary value", [InputRequired("Enter the benefit's value."),
                                             NumberRange(min=0, message="A benefit cannot be negative.")],
                          places=2)
    isolation = TextAreaField("How the effect was isolated",
                              [InputRequired("Say how the program's effect was isolated, e.g. "
                                             "control group, trend line or estimate with confidence %.")])

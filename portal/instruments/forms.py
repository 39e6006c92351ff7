"""Forms for opening a run, answering one and for action items (the answers themselves,
one field per question, are read by answers.py)."""
import datetime as dt

from flask_babel import gettext as _, lazy_gettext as _l
from wtforms import (BooleanField, DateField, HiddenField, IntegerField, SelectField, SelectMultipleField,
                     StringField, TextAreaField)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from portal.forms import Form, IdField, options
from portal.instruments.models import ACTION_STATUSES, AUDIENCES
from portal.instruments.runs import MIN_RESPONSES


class RunForm(Form):
    title = StringField(_l("Title"), validators=[DataRequired(_l("Give the run a title.")), Length(max=160)])
    opens_on = DateField(_l("Opens on"), validators=[DataRequired(_l("Enter the opening date."))])
    closes_on = DateField(_l("Closes on"), validators=[Optional()])
    audience = SelectField(_l("Who is invited"), choices=options(AUDIENCES),
                           invalid_choice_message=_l("Choose who is invited."))
    named = SelectMultipleField(_l("Named members"), coerce=int, validate_choice=False)
    anonymous = BooleanField(_l("Anonymous answers"))
    min_responses = IntegerField(
        _l("Minimum responses before results are shown"),
        validators=[DataRequired(_l("Enter a number.")),
                    NumberRange(min=MIN_RESPONSES, max=1000,
                                message=_l("Use at least %(minimum)s: fewer would let people "
                                           "work out who answered what.", minimum=MIN_RESPONSES))])

    def validate_closes_on(self, field):
        if field.data and self.opens_on.data and field.data < self.opens_on.data:
            raise ValidationError(_("The closing date must be on or after the opening date."))
        if field.data and field.data < dt.date.today():
            raise ValidationError(_("The closing date is already past."))

    def validate_named(self, field):
        if self.audience.data == "named":
            allowed = {c.value for c in field.choices}
            if not field.data:
                raise ValidationError(_("Choose at least one member."))
            if not set(field.data) <= allowed:
                raise ValidationError(_("Choose members of this partnership."))


class AnswersForm(Form):
    """The answer page's own field: which button was pressed (submit, or save a draft)."""

    action = StringField()


class ActionEditForm(Form):
    """What can be corrected of an action once it is on the plan: its text, owners and due
    date (where it came from and the result then stay as they were)."""

    text = TextAreaField(_l("Action"), validators=[DataRequired(_l("Describe the action.")), Length(max=2000)])
    client_owner = SelectField(_l("Owner on the client side"), coerce=int,
                               invalid_choice_message=_l("Choose a member of the client side."))
    supplier_owner = SelectField(_l("Owner on the supplier side"), coerce=int,
                                 invalid_choice_message=_l("Choose a member of the supplier side."))
    due_on = DateField(_l("Due on"), validators=[Optional()])


class ActionForm(ActionEditForm):
    # Sent by a flagged result of a run (run.html): the run, the flagged question and
    # its result then, so that the next run shows how the item moved.
    run_id = IdField()
    question_id = HiddenField()  # kept only when it names a question of the run
    baseline = HiddenField()


class ActionStatusForm(Form):
    status = SelectField(_l("Status"), choices=options(ACTION_STATUSES),
                         invalid_choice_message=_l("Choose open, in progress or done."))
    back = HiddenField()  # the page to return to, when it is one of the portal's

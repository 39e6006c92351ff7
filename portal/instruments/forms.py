"""Forms for opening a run, answering one and for action items (the answers themselves,
one field per question, are read by answers.py)."""
import datetime as dt

from wtforms import (BooleanField, DateField, HiddenField, IntegerField, SelectField, SelectMultipleField,
                     StringField, TextAreaField)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from portal.forms import Form, IdField, options
from portal.instruments.models import ACTION_STATUSES, AUDIENCES
from portal.instruments.runs import MIN_RESPONSES


class RunForm(Form):
    title = StringField("Title", validators=[DataRequired("Give the run a title."), Length(max=160)])
    opens_on = DateField("Opens on", validators=[DataRequired("Enter the opening date.")])
    closes_on = DateField("Closes on", validators=[Optional()])
    audience = SelectField("Who is invited", choices=options(AUDIENCES),
                           invalid_choice_message="Choose who is invited.")
    named = SelectMultipleField("Named members", coerce=int, validate_choice=False)
    anonymous = BooleanField("Anonymous answers")
    min_responses = IntegerField(
        "Minimum responses before results are shown",
        validators=[DataRequired("Enter a number."),
                    NumberRange(min=MIN_RESPONSES, max=1000,
                                message=f"Use at least {MIN_RESPONSES}: fewer would let people "
                                        "work out who answered what.")])

    def validate_closes_on(self, field):
        if field.data and self.opens_on.data and field.data < self.opens_on.data:
            raise ValidationError("The closing date must be on or after the opening date.")
        if field.data and field.data < dt.date.today():
            raise ValidationError("The closing date is already past.")

    def validate_named(self, field):
        if self.audience.data == "named":
            allowed = {c.value for c in field.choices}
            if not field.data:
                raise ValidationError("Choose at least one member.")
            if not set(field.data) <= allowed:
                raise ValidationError("Choose members of this partnership.")


class AnswersForm(Form):
    """The answer page's own field: which button was pressed (submit, or save a draft)."""

    action = StringField()


class ActionEditForm(Form):
    """What can be corrected of an action once it is on the plan: its text, owners and due
    date (where it came from and the result then stay as they were)."""

    text = TextAreaField("Action", validators=[DataRequired("Describe the action."), Length(max=2000)])
    client_owner = SelectField("Owner on the client side", coerce=int,
                               invalid_choice_message="Choose a member of the client side.")
    supplier_owner = SelectField("Owner on the supplier side", coerce=int,
                                 invalid_choice_message="Choose a member of the supplier side.")
    due_on = DateField("Due on", validators=[Optional()])


class ActionForm(ActionEditForm):
    # Sent by a flagged result of a run (run.html): the run, the flagged question and
    # its result then, so that the next run shows how the item moved.
    run_id = IdField()
    question_id = HiddenField()  # kept only when it names a question of the run
    baseline = HiddenField()


class ActionStatusForm(Form):
    status = SelectField("Status", choices=options(ACTION_STATUSES),
                         invalid_choice_message="Choose open, in progress or done.")
    back = HiddenField()  # the page to return to, when it is one of the portal's

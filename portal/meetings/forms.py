"""The forms of a review: scheduling it, an agenda point, an outcome, minutes, who came."""
import datetime as dt
from zoneinfo import ZoneInfo

from wtforms import (DateField, IntegerField, SelectField, SelectMultipleField, StringField,
                     TextAreaField, TimeField)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from portal.accounts.models import utcnow
from portal.forms import Form, IdField, id_value, options
from portal.meetings.models import KINDS, OUTCOME_KINDS

NOBODY = (0, "Nobody in particular")


class MeetingForm(Form):
    kind = SelectField("Kind", choices=options(KINDS),
                       invalid_choice_message="Choose a sponsor review or a business review.")
    title = StringField("Title", validators=[DataRequired("Give the review a title."),
                                             Length(max=160, message="Keep the title under 160 characters.")])
    day = DateField("Date", validators=[DataRequired("Enter the date, like 2027-03-31.")])
    time = TimeField("Starts at", validators=[DataRequired("Enter the time it starts, like 10:00.")])
    minutes_planned = IntegerField("Length (minutes)", validators=[
        DataRequired("Enter the length in minutes."),
        NumberRange(15, 480, "A review lasts between 15 minutes and 8 hours.")])
    location = StringField("Where", validators=[Optional(), Length(max=300)])
    attendees = SelectMultipleField("Invited", coerce=id_value, validate_choice=False,
                                    invalid_value_message="Choose people from the list.")

    def __init__(self, *args, partnership, people, zone, **kwargs):
        super().__init__(*args, **kwargs)
        self.partnership, self.people, self.zone = partnership, people, zone
        self.attendees.choices = options((m.user_id, m.user.name) for m in people)

    def starts_at(self):
        """The start as naive UTC, from the date and time typed in the reader's zone."""
        local = dt.datetime.combine(self.day.data, self.time.data, ZoneInfo(self.zone))
        return local.astimezone(dt.timezone.utc).replace(tzinfo=None)

    def validate_day(self, field):
        if field.data and self.time.data and self.starts_at() < utcnow():
            raise ValidationError("Choose a date and time from now on: a review is scheduled "
                                  "ahead. Past meetings are not recorded after the fact.")

    def validate_attendees(self, field):
        chosen = set(field.data or ())
        known = {m.user_id: m.user.organization_id for m in self.people}
        if chosen - set(known):
            raise ValidationError("Choose people from the list: members of the partnership.")
        sides = {known[user_id] for user_id in chosen}
        if not {self.partnership.client_id, self.partnership.supplier_id} <= sides:
            raise ValidationError("Invite at least one person from each organization: a review "
                                  "is held by both sides.")


class AgendaForm(Form):
    title = StringField("Point", validators=[DataRequired("Name the point."),
                                             Length(max=200, message="Keep it under 200 characters.")])
    notes = TextAreaField("Notes for the others", validators=[
        Optional(), Length(max=5000, message="Keep the notes under 5,000 characters.")])
    presenter = SelectField("Presented by", coerce=int,
                            invalid_choice_message="Choose a member of the partnership.")
    minutes_planned = IntegerField("Minutes", default=10, validators=[
        DataRequired("Enter how many minutes the point needs."),
        NumberRange(1, 240, "A point takes between 1 and 240 minutes.")])

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.presenter.choices = options([NOBODY] + [(m.user_id, m.user.name) for m in people])


class OutcomeForm(Form):
    kind = SelectField("Outcome", choices=options(OUTCOME_KINDS),
                       invalid_choice_message="Choose information, a decision or an action.")
    text = TextAreaField("What was said, decided or agreed", validators=[
        DataRequired("Write the outcome down."), Length(max=2000)])
    agenda_item = IdField()
    client_owner = SelectField("Owner on the client side", coerce=int,
                               invalid_choice_message="Choose a member of the client side.")
    supplier_owner = SelectField("Owner on the supplier side", coerce=int,
                                 invalid_choice_message="Choose a member of the supplier side.")
    due_on = DateField("Due on", validators=[Optional()])


class MinutesForm(Form):
    minutes = TextAreaField("Minutes", validators=[
        Optional(), Length(max=50_000, message="Keep the minutes under 50,000 characters.")])


class AttendanceForm(Form):
    attended = SelectMultipleField("Attended", coerce=id_value, validate_choice=False,
                                   invalid_value_message="Choose people from the list.")

"""The forms of a review: scheduling it, an agenda point, an outcome, minutes, who came."""
import datetime as dt
from zoneinfo import ZoneInfo

from flask_babel import gettext as _, lazy_gettext as _l, pgettext
from wtforms import (DateField, IntegerField, SelectField, SelectMultipleField, StringField,
                     TextAreaField, TimeField)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from portal.accounts.models import utcnow
from portal.forms import Form, IdField, id_value, options
from portal.meetings.models import KINDS, OUTCOME_KINDS

NOBODY = (0, _l("Nobody in particular"))


class MeetingForm(Form):
    kind = SelectField(_l("Kind"), choices=options(KINDS),
                       invalid_choice_message=_l("Choose a sponsor review or a business review."))
    title = StringField(_l("Title"), validators=[
        DataRequired(_l("Give the review a title.")),
        Length(max=160, message=_l("Keep the title under 160 characters."))])
    day = DateField(_l("Date"), validators=[DataRequired(_l("Enter the date, like 2027-03-31."))])
    time = TimeField(_l("Starts at"), validators=[
        DataRequired(_l("Enter the time it starts, like 10:00."))])
    minutes_planned = IntegerField(_l("Length (minutes)"), validators=[
        DataRequired(_l("Enter the length in minutes.")),
        NumberRange(15, 480, _l("A review lasts between 15 minutes and 8 hours."))])
    location = StringField(_l("Where"), validators=[Optional(), Length(max=300)])
    attendees = SelectMultipleField(_l("Invited"), coerce=id_value, validate_choice=False,
                                    invalid_value_message=_l("Choose people from the list."))

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
            raise ValidationError(_("Choose a date and time from now on: a review is scheduled "
                                    "ahead. Past meetings are not recorded after the fact."))

    def validate_attendees(self, field):
        chosen = set(field.data or ())
        known = {m.user_id: m.user.organization_id for m in self.people}
        if chosen - set(known):
            raise ValidationError(_("Choose people from the list: members of the partnership."))
        sides = {known[user_id] for user_id in chosen}
        if not {self.partnership.client_id, self.partnership.supplier_id} <= sides:
            raise ValidationError(_("Invite at least one person from each organization: a review "
                                    "is held by both sides."))


class AgendaForm(Form):
    title = StringField(_l("Point"), validators=[
        DataRequired(_l("Name the point.")),
        Length(max=200, message=_l("Keep it under 200 characters."))])
    notes = TextAreaField(_l("Notes for the others"), validators=[
        Optional(), Length(max=5000, message=_l("Keep the notes under 5,000 characters."))])
    presenter = SelectField(_l("Presented by"), coerce=int,
                            invalid_choice_message=_l("Choose a member of the partnership."))
    minutes_planned = IntegerField(_l("Minutes"), default=10, validators=[
        DataRequired(_l("Enter how many minutes the point needs.")),
        NumberRange(1, 240, _l("A point takes between 1 and 240 minutes."))])

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        # "Minutes" of time, not the minutes of the review (German: Minuten, not Protokoll).
        self.minutes_planned.label.text = pgettext("duration", "Minutes")
        self.presenter.choices = options([NOBODY] + [(m.user_id, m.user.name) for m in people])


class OutcomeForm(Form):
    kind = SelectField(_l("Outcome"), choices=options(OUTCOME_KINDS),
                       invalid_choice_message=_l("Choose information, a decision or an action."))
    text = TextAreaField(_l("What was said, decided or agreed"), validators=[
        DataRequired(_l("Write the outcome down.")), Length(max=2000)])
    agenda_item = IdField()
    client_owner = SelectField(_l("Owner on the client side"), coerce=int,
                               invalid_choice_message=_l("Choose a member of the client side."))
    supplier_owner = SelectField(_l("Owner on the supplier side"), coerce=int,
                                 invalid_choice_message=_l("Choose a member of the supplier side."))
    due_on = DateField(_l("Due on"), validators=[Optional()])


class MinutesForm(Form):
    minutes = TextAreaField(_l("Minutes"), validators=[
        Optional(), Length(max=50_000, message=_l("Keep the minutes under 50,000 characters."))])


class AttendanceForm(Form):
    attended = SelectMultipleField(_l("Attended"), coerce=id_value, validate_choice=False,
                                   invalid_value_message=_l("Choose people from the list."))

"""The cohort's forms: forming one (name, dates, members from both organizations and the
items to work through, each with its due date) and its discussion (posting, reporting,
hiding a post)."""
import datetime as dt

from flask_babel import gettext, lazy_gettext as _l
from wtforms import DateField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from portal.accounts.models import User
from portal.content.cohorts.posts import MAX_REASON
from portal.forms import Form, IdField, id_value, options, stripped
from portal.partnerships.models import PartnershipMember

MAX_DESCRIPTION = 2_000
REPORT_MESSAGE = _l("Say in a few words why this post should not be here (at most %(max)s "
                    "characters), so the editors know what to look at.", max=MAX_REASON)
#: The longest due date typed for an item worth reading as a date.
MAX_DUE = 40


class CohortDateField(DateField):
    """A date field whose message says how to write a date."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError(gettext("Enter a date like 2027-03-31, or pick one from the calendar.")) from exc


class CohortForm(Form):
    name = StringField(_l("Name"), validators=[
        DataRequired(_l("Give the cohort a name, for example “Pilot managers, spring”.")),
        Length(max=120, message=_l("Keep the name under 120 characters."))])
    description = TextAreaField(_l("What the cohort is for"), validators=[
        Optional(), Length(max=MAX_DESCRIPTION,
                           message=_l("Keep the description under %(max)s characters.", max=format(MAX_DESCRIPTION, ",")))])
    starts_on = CohortDateField(_l("Starts on"), validators=[DataRequired(_l("Enter the first day."))])
    ends_on = CohortDateField(_l("Ends on"), validators=[DataRequired(_l("Enter the last day."))])
    members = SelectMultipleField(_l("Members"), coerce=id_value, validate_choice=False,
                                  invalid_value_message=_l("Choose people from the list."))
    items = SelectMultipleField(_l("Items and due dates"), coerce=id_value, validate_choice=False,
                                invalid_value_message=_l("Choose items from the list."))

    def __init__(self, *args, partnership, people, library, due_raw=None, **kwargs):
        """`due_raw`: {item id: the due date as typed, None when it could not be read}."""
        super().__init__(*args, **kwargs)
        self.partnership, self.people, self.library = partnership, people, library
        self.members.choices = options((m.user_id, m.user.name) for m in people)
        self.items.choices = options((item.id, item.title) for item in library)
        self.due_raw = due_raw or {}
        self.due_errors = {}
        self.schedule = []  # [(item, due_on)] once valid

    def validate_ends_on(self, field):
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError(gettext("The last day must be on or after the first day."))

    def validate_members(self, field):
        client, supplier = self.partnership.client, self.partnership.supplier
        chosen = set(field.data or [])
        if not chosen:
            raise ValidationError(gettext("Choose the members of the cohort: at least one from "
                                          "%(client)s and one from %(supplier)s.",
                                          client=client.name, supplier=supplier.name))
        eligible = {m.user_id: m for m in self.people}
        strangers = chosen - set(eligible)
        if strangers:
            viewers = [m.user.name for m in PartnershipMember.select(PartnershipMember, User).join(User)
                       .where(PartnershipMember.partnership == self.partnership,
                              PartnershipMember.user.in_(list(strangers)),
                              PartnershipMember.role == "viewer")]
            if viewers:
                raise ValidationError(gettext("%(names)s only view this partnership and "
                                              "cannot post, so they cannot join a cohort.",
                                              names=", ".join(viewers)))
            raise ValidationError(gettext("Only members of this partnership can join one of its "
                                          "cohorts; choose people from the list."))
        sides = {self.partnership.side_of(eligible[uid].user.organization_id) for uid in chosen}
        missing = [org.name for side, org in (("client", client), ("supplier", supplier))
                   if side not in sides]
        if missing:
            raise ValidationError(gettext("A cohort learns across the partnership: add at least one "
                                          "member from %(organization)s too.", organization=missing[0]))

    def validate_items(self, field):
        chosen = list(dict.fromkeys(field.data or []))
        if not chosen:
            raise ValidationError(gettext("Choose at least one item of the library to work through."))
        library = {item.id: item for item in self.library}
        if any(item_id not in library for item_id in chosen):
            raise ValidationError(gettext("Choose items from the library of this partnership."))
        start, end = self.starts_on.data, self.ends_on.data
        for item_id in chosen:
            due = self._due_date(item_id, start, end)
            if due is not None:
                self.schedule.append((library[item_id], due))
        if self.due_errors:
            raise ValidationError(gettext("Some due dates need another look; they are marked below."))

    def _due_date(self, item_id, start, end):
        """The due date typed for an item; empty means the cohort's last day."""
        raw = self.due_raw.get(item_id, "")
        if raw == "":
            return end
        try:
            due = dt.date.fromisoformat(raw or "")
        except ValueError:
            self.due_errors[item_id] = gettext("Enter a date like 2027-03-31.")
            return None
        if start and end and not start <= due <= end:
            self.due_errors[item_id] = gettext("Choose a date between the first and the last day.")
            return None
        return due


class PostForm(Form):
    """A post or a reply (parent_id: the post answered); posts.post_problem checks the text."""

    body = TextAreaField(_l("Your post"))
    parent_id = IdField()


class ReportForm(Form):
    reason = TextAreaField(_l("Why should this post not be here?"), filters=[stripped], validators=[
        DataRequired(REPORT_MESSAGE), Length(max=MAX_REASON, message=REPORT_MESSAGE)])


class HideForm(Form):
    hidden = SelectField(choices=options([("1", _l("Hide")), ("0", _l("Show again"))]), default="1")

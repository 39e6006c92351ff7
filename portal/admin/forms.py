"""Forms for the site admin: organizations, partnerships, people of any organization."""
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from portal.accounts.forms import NewUserForm
from portal.forms import Form, id_value, options
from portal.vocabulary import LIFECYCLE_STAGES, ORGANIZATION_KINDS


ORGANIZATION_MESSAGE = "Choose an existing organization."


class OrganizationForm(Form):
    name = StringField("Name", validators=[DataRequired("Enter the organization's name."),
                                           Length(max=120)])
    kind = SelectField("Kind", choices=options(ORGANIZATION_KINDS))


class PartnershipForm(Form):
    name = StringField("Name", validators=[DataRequired("Name the partnership."), Length(max=160)])
    client = SelectField("Client organization", coerce=id_value,
                         invalid_choice_message=ORGANIZATION_MESSAGE,
                         invalid_value_message=ORGANIZATION_MESSAGE)
    supplier = SelectField("Supplier organization", coerce=id_value,
                           invalid_choice_message=ORGANIZATION_MESSAGE,
                           invalid_value_message=ORGANIZATION_MESSAGE)
    stage = SelectField("Lifecycle stage", choices=options(LIFECYCLE_STAGES))
    contract_end = DateField("Contract end date", validators=[Optional()])
    notice_days = IntegerField("Notice period (days)", validators=[
        Optional(), NumberRange(1, 3650, "A notice period is between 1 and 3650 days.")])
    description = TextAreaField("Description", validators=[Length(max=2000)])

    def validate_supplier(self, field):
        if field.data == self.client.data:
            raise ValidationError("A partnership needs two different organizations.")


class SiteUserForm(NewUserForm):
    organization = SelectField("Organization", coerce=id_value,
                               invalid_choice_message=ORGANIZATION_MESSAGE,
                               invalid_value_message=ORGANIZATION_MESSAGE)

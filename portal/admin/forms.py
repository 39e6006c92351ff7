"""Forms for the site admin: organizations, partnerships, people of any organization."""
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from portal.accounts.forms import NewUserForm
from portal.forms import Form, options
from portal.vocabulary import LIFECYCLE_STAGES, ORGANIZATION_KINDS


class OrganizationForm(Form):
    name = StringField("Name", validators=[DataRequired("Enter the organization's name."),
                                           Length(max=120)])
    kind = SelectField("Kind", choices=options(ORGANIZATION_KINDS))


class PartnershipForm(Form):
    name = StringField("Name", validators=[DataRequired("Name the partnership."), Length(max=160)])
    client = SelectField("Client organization", coerce=int,
                         invalid_choice_message="Choose an existing organization.")
    supplier = SelectField("Supplier organization", coerce=int,
                           invalid_choice_message="Choose an existing organization.")
    stage = SelectField("Lifecycle stage", choices=options(LIFECYCLE_STAGES))
    contract_end = DateField("Contract end date", validators=[Optional()])
    description = TextAreaField("Description", validators=[Length(max=2000)])

    def validate_supplier(self, field):
        if field.data == self.client.data:
            raise ValidationError("A partnership needs two different organizations.")


class SiteUserForm(NewUserForm):
    organization = SelectField("Organization", coerce=int,
                               invalid_choice_message="Choose an existing organization.")

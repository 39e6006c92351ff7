"""Forms for the site admin: organizations, partnerships, people of any organization."""
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from portal.accounts.forms import NewUserForm
from portal.forms import Form, id_value, options
from flask_babel import lazy_gettext as _l

from portal.vocabulary import LIFECYCLE_STAGES, ORGANIZATION_KINDS


ORGANIZATION_MESSAGE = _l("Choose an existing organization.")


class OrganizationForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter the organization's name.")),
                                           Length(max=120)])
    kind = SelectField(_l("Kind"), choices=options(ORGANIZATION_KINDS))


class PartnershipForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Name the partnership.")), Length(max=160)])
    client = SelectField(_l("Client organization"), coerce=id_value,
                         invalid_choice_message=ORGANIZATION_MESSAGE,
                         invalid_value_message=ORGANIZATION_MESSAGE)
    supplier = SelectField(_l("Supplier organization"), coerce=id_value,
                           invalid_choice_message=ORGANIZATION_MESSAGE,
                           invalid_value_message=ORGANIZATION_MESSAGE)
    stage = SelectField(_l("Lifecycle stage"), choices=options(LIFECYCLE_STAGES))
    contract_end = DateField(_l("Contract end date"), validators=[Optional()])
    notice_days = IntegerField(_l("Notice period (days)"), validators=[
        Optional(), NumberRange(1, 3650, _l("A notice period is between 1 and 3650 days."))])
    description = TextAreaField(_l("Description"), validators=[Length(max=2000)])

    def validate_supplier(self, field):
        if field.data == self.client.data:
            raise ValidationError(_l("A partnership needs two different organizations."))


class SiteUserForm(NewUserForm):
    organization = SelectField(_l("Organization"), coerce=id_value,
                               invalid_choice_message=ORGANIZATION_MESSAGE,
                               invalid_value_message=ORGANIZATION_MESSAGE)

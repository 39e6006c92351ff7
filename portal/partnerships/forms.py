"""Forms for a partnership's members and lifecycle stage."""
from wtforms import SelectField
from wtforms.validators import DataRequired

from portal.forms import Form, id_value, options
from portal.vocabulary import LIFECYCLE_STAGES, PARTNERSHIP_ROLES


class AddMemberForm(Form):
    user = SelectField("Person", coerce=id_value, validators=[DataRequired("Choose a person.")],
                       invalid_choice_message="Choose someone from the list.",
                       invalid_value_message="Choose someone from the list.")
    role = SelectField("Role", choices=options(PARTNERSHIP_ROLES), default="member",
                       invalid_choice_message="Choose one of the four roles.")


class RoleForm(Form):
    role = SelectField("Role", choices=options(PARTNERSHIP_ROLES))


class StageForm(Form):
    stage = SelectField("Lifecycle stage", choices=options(LIFECYCLE_STAGES))

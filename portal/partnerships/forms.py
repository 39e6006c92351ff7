"""Forms for a partnership's members and lifecycle stage."""
from wtforms import SelectField
from wtforms.validators import DataRequired

from portal.forms import Form, id_value, options
from flask_babel import lazy_gettext as _l

from portal.vocabulary import LIFECYCLE_STAGES, PARTNERSHIP_ROLES


class AddMemberForm(Form):
    user = SelectField(_l("Person"), coerce=id_value, validators=[DataRequired(_l("Choose a person."))],
                       invalid_choice_message=_l("Choose someone from the list."),
                       invalid_value_message=_l("Choose someone from the list."))
    role = SelectField(_l("Role"), choices=options(PARTNERSHIP_ROLES), default="member",
                       invalid_choice_message=_l("Choose one of the four roles."))


class RoleForm(Form):
    role = SelectField(_l("Role"), choices=options(PARTNERSHIP_ROLES))


class StageForm(Form):
    stage = SelectField(_l("Lifecycle stage"), choices=options(LIFECYCLE_STAGES))

"""Forms for a partnership's members and lifecycle stage."""
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.validators import DataRequired

from portal.vocabulary import LIFECYCLE_STAGES, PARTNERSHIP_ROLES


class AddMemberForm(FlaskForm):
    user = SelectField("Person", coerce=int, validators=[DataRequired("Choose a person.")],
                       validate_choice=False)
    role = SelectField("Role", choices=PARTNERSHIP_ROLES, default="member")

    def validate_user(self, field):
        if field.data not in {value for value, _ in field.choices}:
            from wtforms.validators import ValidationError

            raise ValidationError("Choose someone from the list.")


class RoleForm(FlaskForm):
    role = SelectField("Role", choices=PARTNERSHIP_ROLES)


class StageForm(FlaskForm):
    stage = SelectField("Lifecycle stage", choices=LIFECYCLE_STAGES)

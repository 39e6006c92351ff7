"""The form for a reflection: the item, the plan, later the outcome, and who reads it."""
from flask_babel import gettext, lazy_gettext as _l
from wtforms import SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from portal.content.cohorts.models import CohortItem
from portal.forms import Form, id_value, option_id, options

MAX_TEXT = 4_000
#: The `share` choice that keeps a reflection to its author.
PRIVATE = 0


class ReflectionForm(Form):
    item = SelectField(_l("The item you read"), coerce=id_value,
                       invalid_choice_message=_l("Choose an item of this partnership's library."),
                       invalid_value_message=_l("Choose an item of this partnership's library."))
    plan = TextAreaField(_l("What I will try"), validators=[
        DataRequired(_l("Write down one thing you will try; a small step is enough.")),
        Length(max=MAX_TEXT, message=_l("Keep it under %(max)s characters.", max=format(MAX_TEXT, ",")))])
    outcome = TextAreaField(_l("What happened when I tried it"), validators=[
        Optional(), Length(max=MAX_TEXT, message=_l("Keep it under %(max)s characters.", max=format(MAX_TEXT, ",")))])
    share = SelectField(_l("Who can read it"), coerce=option_id,
                        invalid_choice_message=_l("Choose “only me” or one of your cohorts."),
                        invalid_value_message=_l("Choose “only me” or one of your cohorts."))

    def __init__(self, *args, cohorts=(), library=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.item.choices = options((i.id, i.title) for i in library)
        self.share.choices = options(
            [(PRIVATE, gettext("Only me (private)"))]
            + [(c.id, gettext("Me and the members of the cohort “%(name)s”", name=c.name)) for c in cohorts])

    def validate_share(self, field):
        """A cohort that works through this very item: elsewhere nobody would see it."""
        item_id = self.item.data if "item" in self._fields else self.fixed_item_id
        if field.data and not CohortItem.select().where(CohortItem.cohort == field.data,
                                                         CohortItem.item == item_id).exists():
            raise ValidationError(gettext("That cohort does not work through this item. Share it with "
                                          "a cohort that does, or keep it private."))

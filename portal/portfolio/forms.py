"""The decision on one partnership in the annual re-evaluation."""
from flask_babel import lazy_gettext as _l
from wtforms import RadioField, TextAreaField
from wtforms.validators import DataRequired, Length

from portal.forms import Form, options
from portal.portfolio.models import DECISIONS


class DecisionForm(Form):
    decision = RadioField(_l("Decision"), choices=options(DECISIONS), validate_choice=True,
                          validators=[DataRequired(_l("Choose keep, grow, re-tender or exit."))],
                          invalid_choice_message=_l("Choose keep, grow, re-tender or exit."))
    reason = TextAreaField(_l("Why"), validators=[
        DataRequired(_l("Say why: the next re-evaluation reads this.")),
        Length(max=5000, message=_l("Keep the reason under 5,000 characters."))])

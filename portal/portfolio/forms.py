"""The decision on one partnership in the annual re-evaluation."""
from wtforms import RadioField, TextAreaField
from wtforms.validators import DataRequired, Length

from portal.forms import Form, options
from portal.portfolio.models import DECISIONS


class DecisionForm(Form):
    decision = RadioField("Decision", choices=options(DECISIONS), validate_choice=True,
                          validators=[DataRequired("Choose keep, grow, re-tender or exit.")],
                          invalid_choice_message="Choose keep, grow, re-tender or exit.")
    reason = TextAreaField("Why", validators=[
        DataRequired("Say why: the next re-evaluation reads this."),
        Length(max=5000, message="Keep the reason under 5,000 characters.")])

"""Correcting a line of evidence: the text as the auditor would have it, and why.

One form per line on the evidence page, told apart by a prefix (`line12-text`), so each
label points at its own field; the page's one `csrf_token` is checked by the portal
before any POST reaches a view, as for the Kirkpatrick plugin's prefixed forms.
"""
import re

from flask_babel import gettext as _, lazy_gettext as _l
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from portal import Form

from .evidence import MAX_REASON, MAX_TEXT

TAG = re.compile(r"<\s*/?\s*[a-zA-Z!?]")


def _plain(form, field):
    if field.data and TAG.search(field.data):
        raise ValidationError(_("Write plain text, without HTML tags such as <b> or <script>."))


class CorrectionForm(Form):
    class Meta:
        csrf = False

    text = TextAreaField(_l("Corrected evidence"), validators=[
        DataRequired(_l("Write the evidence as it should read.")),
        Length(max=MAX_TEXT, message=_l("Keep the evidence within %(num)d characters.",
                                        num=MAX_TEXT)), _plain])
    reason = TextAreaField(_l("Reason for the correction"), validators=[
        DataRequired(_l("Say why the gathered evidence is not right.")),
        Length(max=MAX_REASON, message=_l("Keep the reason within %(num)d characters.",
                                          num=MAX_REASON)), _plain])


def correction_form(line_id, formdata=None, text=""):
    """The correction form of one line, starting from the gathered text."""
    form = CorrectionForm(formdata=formdata, prefix=f"line{line_id}")
    if formdata is None:
        form.text.data = text
    return form

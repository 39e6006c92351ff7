"""The selection's forms, and reading the fields whose names are built from data.

Forms with fixed fields are FlaskForm classes handled with `validate_on_submit()`, as
everywhere in the portal (portal/forms.py). The weights, scores, moderation and pairwise
tables are drawn by the templates, one field per criterion or per candidate and
criterion (weight-<c>, score-<k>-<c>, note-<k>-<c>, mod-<k>-<c>, pair-<c>-<c>); their
values are read with `posted` and parsed with the functions below (a judgement with
ahp.judgement), built on the public API's `database_id` and `finite_number`: an id is
ASCII digits within the database's range, numbers are written with ASCII digits and
finite, text holds no NUL character (PostgreSQL cannot store one) and no more than its
maximum.
"""
from flask import request
from flask_babel import LazyString, format_number, gettext as _, lazy_gettext as _l
from wtforms import EmailField, HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, ValidationError

from portal import Form, database_id, finite_number

MAX_TEXT = 5_000  # needs, gaps, a candidate's notes, a score's note
CRITERION_MESSAGE = _l("Give the criterion a name (up to 160 characters).")
TOO_LONG = LazyString(lambda: _("Keep this under %(num)s characters.",
                                num=format_number(MAX_TEXT)))
NOTES_TOO_LONG = LazyString(lambda: _("Keep the notes under %(num)s characters.",
                                      num=format_number(MAX_TEXT)))


# Parsing one value -------------------------------------------------------------------

def parse_weight(raw):
    """A number of 0 or more as typed ("12,5" and "20 %" too), or None."""
    text = raw.replace(",", ".").replace("%", "").strip() if isinstance(raw, str) else ""
    value = finite_number(text)
    return value if value is not None and value >= 0 else None


def parse_score(raw):
    """A whole score from 1 to 5 written as one ASCII digit, or None."""
    raw = raw.strip() if isinstance(raw, str) else ""
    return int(raw) if len(raw) == 1 and raw in "12345" else None


def clean_text(raw, max_length=MAX_TEXT):
    """Typed text, stripped; None when it holds a NUL character or is longer than max_length."""
    text = raw.strip() if isinstance(raw, str) else ""
    return None if "\x00" in text or len(text) > max_length else text


def posted(name):
    """The value posted under a name built from data, as typed ("" when absent)."""
    value = request.form.get(name, "")
    return value if isinstance(value, str) else ""


# Forms with fixed fields ---------------------------------------------------------------

def _stripped(value):
    return value.strip() if isinstance(value, str) else value


class IdField(HiddenField):
    """An id chosen on the page (a candidate, a supplier), read with `database_id`;
    None when it is anything else."""

    def process_formdata(self, valuelist):
        self.data = database_id(valuelist[0]) if valuelist else None


def _weight(form, field):
    if parse_weight(field.data) is None:
        raise ValidationError(_("A weight is a number of 0 or more."))


class SelectionForm(Form):
    name = StringField(_l("Name"), filters=[_stripped], validators=[
        DataRequired(_l("Give the selection a name.")),
        Length(max=160, message=_l("Keep the name under 160 characters."))])
    needs = TextAreaField(_l("Strategic needs for the next 12–36 months"), filters=[_stripped],
                          validators=[Length(max=MAX_TEXT, message=TOO_LONG)])
    gaps = TextAreaField(_l("Capability gaps to fill"), filters=[_stripped],
                         validators=[Length(max=MAX_TEXT, message=TOO_LONG)])


class CriterionForm(Form):
    name = StringField(_l("Criterion"), filters=[_stripped], validators=[
        DataRequired(CRITERION_MESSAGE), Length(max=160, message=CRITERION_MESSAGE)])
    weight = StringField(_l("Weight"), default="10", validators=[_weight])


class CandidateForm(Form):
    supplier_org_id = IdField()
    notes = StringField(_l("Notes"), filters=[_stripped], validators=[
        Length(max=MAX_TEXT, message=NOTES_TOO_LONG)])


def _contact_fields():
    return (
        StringField(_l("Contact person"), filters=[_stripped], validators=[
            DataRequired(_l("Name the person to invite if this supplier is chosen.")),
            Length(max=120, message=_l("Keep the name under 120 characters."))]),
        EmailField(_l("Contact's e-mail"), filters=[_stripped], validators=[
            DataRequired(_l("Give the contact's e-mail address: the invitation goes there.")),
            Email(_l("That does not look like an e-mail address."), check_deliverability=False),
            Length(max=254, message=_l("An e-mail address has at most 254 characters."))]))


class OutsideCandidateForm(Form):
    """A candidate not yet in the portal: its organization is created, and its contact
    invited, only if it is chosen."""

    name = StringField(_l("Supplier's name"), filters=[_stripped], validators=[
        DataRequired(_l("Give the supplier's name.")),
        Length(max=120, message=_l("Keep the name under 120 characters."))])
    contact_name, contact_email = _contact_fields()
    notes = StringField(_l("Notes about them"), filters=[_stripped], validators=[
        Length(max=MAX_TEXT, message=NOTES_TOO_LONG)])


class ContactForm(Form):
    """Another contact for a candidate not yet in the portal (an address that cannot be
    invited, a person who left): allowed until the decision, since it changes no score."""

    contact_name, contact_email = _contact_fields()


class ScoreForm(Form):
    """The scoring page's own field: which button was pressed (save a draft, or submit)."""

    action = StringField()


class DecisionForm(Form):
    candidate_id = IdField()

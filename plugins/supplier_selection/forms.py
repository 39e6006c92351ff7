"""The selection's forms, and reading the fields whose names are built from data.

Forms with fixed fields are FlaskForm classes handled with `validate_on_submit()`, as
everywhere in the portal (portal/forms.py). The weights, scores, moderation and pairwise
tables are drawn by the templates, one field per criterion or per candidate and
criterion (weight-<c>, score-<k>-<c>, note-<k>-<c>, mod-<k>-<c>, pair-<c>-<c>); their
values are read with `posted` and parsed with the functions below (a judgement with
ahp.judgement), under the portal's rules for hostile input (a plugin cannot import portal.forms): an id is ASCII digits
within 1..MAX_ID, numbers are written with ASCII digits, text holds no NUL character
(PostgreSQL cannot store one) and no more than its maximum.
"""
import math

from flask import request
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, StopValidation, ValidationError

MAX_ID = 2**31 - 1  # PostgreSQL's INTEGER, as the portal's URL converter
MAX_TEXT = 5_000  # needs, gaps, a candidate's notes, a score's note
NUL_MESSAGE = "This text contains a NUL character (\\0), which cannot be saved. Remove it."
CRITERION_MESSAGE = "Give the criterion a name (up to 160 characters)."


# Parsing one value -------------------------------------------------------------------

def parse_id(raw):
    """An id: ASCII digits within 1..MAX_ID ("٣", "1e3", "-1" and longer ids are not), or None."""
    if not isinstance(raw, str) or not (raw.isascii() and raw.isdigit()) or len(raw) > 10:
        return None
    value = int(raw)
    return value if 1 <= value <= MAX_ID else None


def parse_weight(raw):
    """A number of 0 or more as typed ("12,5" and "20 %" too), or None."""
    text = raw.replace(",", ".").replace("%", "").strip() if isinstance(raw, str) else ""
    if not text.isascii() or "_" in text:
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    if math.isnan(value) or math.isinf(value) or value < 0:
        return None
    return value


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

def _no_nul(form, field):
    if any(isinstance(value, str) and "\x00" in value for value in field.raw_data or ()):
        raise StopValidation(NUL_MESSAGE)


def _stripped(value):
    return value.strip() if isinstance(value, str) else value


class _Form(FlaskForm):
    """A FlaskForm whose every field refuses a NUL character before its own validators."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            field = super().bind_field(form, unbound_field, options)
            field.validators = [_no_nul, *field.validators]
            return field


class IdField(HiddenField):
    """An id chosen on the page (a candidate, a supplier), read with `parse_id`;
    None when it is anything else."""

    def process_formdata(self, valuelist):
        self.data = parse_id(valuelist[0]) if valuelist else None


def _weight(form, field):
    if parse_weight(field.data) is None:
        raise ValidationError("A weight is a number of 0 or more.")


class SelectionForm(_Form):
    name = StringField("Name", filters=[_stripped], validators=[
        DataRequired("Give the selection a name."),
        Length(max=160, message="Keep the name under 160 characters.")])
    needs = TextAreaField("Strategic needs for the next 12–36 months", filters=[_stripped],
                          validators=[Length(max=MAX_TEXT, message=f"Keep this under {MAX_TEXT:,} characters.")])
    gaps = TextAreaField("Capability gaps to fill", filters=[_stripped],
                         validators=[Length(max=MAX_TEXT, message=f"Keep this under {MAX_TEXT:,} characters.")])


class CriterionForm(_Form):
    name = StringField("Criterion", filters=[_stripped], validators=[
        DataRequired(CRITERION_MESSAGE), Length(max=160, message=CRITERION_MESSAGE)])
    weight = StringField("Weight", default="10", validators=[_weight])


class CandidateForm(_Form):
    supplier_org_id = IdField()
    notes = StringField("Notes", filters=[_stripped], validators=[
        Length(max=MAX_TEXT, message=f"Keep the notes under {MAX_TEXT:,} characters.")])


class ScoreForm(_Form):
    """The scoring page's own field: which button was pressed (save a draft, or submit)."""

    action = StringField()


class DecisionForm(_Form):
    candidate_id = IdField()


def first_error(form):
    """The first message of an invalid form, for the page's one notice."""
    return next((field.errors[0] for field in form if field.errors), None)

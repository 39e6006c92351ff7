"""Reading forms: one way for every page of the portal, and the helpers it needs.

1. A form with a fixed set of fields is a subclass of `Form` (a `flask_wtf.FlaskForm`
   that refuses control characters, reads a text field left out of the post as empty
   and its number fields with `Finite`) in its feature's `forms.py`, validators and messages
   there, and its view handles it with `form.validate_on_submit()`. Errors are shown
   next to their fields with the `field` macro of templates/_forms.html where the page
   draws the form with it; pages that answer a refusal with one notice show the
   form's `first_error()`. A hidden id the page filled in is an `IdField`. A form of
   buttons only is a bare `FlaskForm()`: validating it checks the CSRF token.
   Plugins do the same with `Form` and `first_error` from the public API.
2. Fields whose names are built from data (a conflict's `pick-<n>` and `text-<n>`, a
   cohort's `due-<item id>`, the `seen` list of acknowledgements) are read with
   `posted_text`, `posted_choice` and `posted_id_pairs`; an instrument's answers
   `q-<id>` by instruments/answers.py, which checks them with `clean_text`, `choice`
   and `finite_number`. All parse with the functions below, one parsing path safe
   against hostile input (`IdField` and `id_value`, the coerce of a list of ids, use
   `database_id` too). An id is ASCII digits within 1..MAX_DATABASE_ID, else absent;
   text is stripped (unless its whitespace is content), refused when it holds a NUL
   character (PostgreSQL cannot store one) or passes its declared maximum; a choice is
   one of the allowed values, else absent; a number is written in ASCII and finite.
   Plugins parse theirs with `database_id` and `finite_number` from the public API
   (plugins/supplier_selection/forms.py).
3. No view reads `request.form.get("x")` for a fixed field, nor a dynamic field but
   through these helpers.
"""
import functools
import math
import re

from babel.support import Translations
from flask import current_app, request
from flask_babel import get_locale, gettext as _
from flask_wtf import FlaskForm
from wtforms import DecimalField, FloatField, HiddenField, IntegerField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.i18n import messages_path
from wtforms.validators import StopValidation

from portal.urls import MAX_DATABASE_ID
from flask_babel import lazy_gettext as _l

NUL = "\x00"
#: C0 control characters but tab, line feed and carriage return.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
NUL_MESSAGE = _l("This text contains a NUL character (\\0), which cannot be saved. Remove it "
                 "and send the form again.")
CONTROL_MESSAGE = _l("This text contains an invisible control character (such as escape or "
                     "form feed), which cannot be saved. Type the text again without it and "
                     "send the form again.")
NUMBER_MESSAGE = _l("Enter a number written with the digits 0-9, such as 12 or -3.5.")
_LIMIT = f"{MAX_DATABASE_ID:,}"
INTEGER_MESSAGE = _l("Enter a whole number between %(low)s and %(high)s.", low="-" + _LIMIT,
                     high=_LIMIT)
DAMAGED_MESSAGE = _l("This form is damaged (a hidden value is wrong): reload the page and try again.")


def options(pairs):
    """Select options from (value, label) pairs, as WTForms 3.3+ wants them."""
    return [SelectChoice(value, label) for value, label in pairs]


class BadValue(ValueError):
    """A typed value that cannot be saved; its text says what to change."""


# Parsing one value ---------------------------------------------------------------------

def database_id(raw):
    """An id as sent by a form: ASCII digits within 1..MAX_DATABASE_ID, else None.

    "٣" (int() takes any script's digits), "1e3", "-4", " 7" and an id past the
    INTEGER range (a driver error, not a 404) are all absent.
    """
    if not isinstance(raw, str) or not (raw.isascii() and raw.isdigit()) or len(raw) > 10:
        return None
    value = int(raw)
    return value if 1 <= value <= MAX_DATABASE_ID else None


def id_value(value):
    """The `coerce` of a field listing ids (checkboxes of people, of items): a posted
    value through `database_id`, an int the code chose as it is; ValueError otherwise."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    parsed = database_id(value)
    if parsed is None:
        raise ValueError(f"not an id: {value!r}")
    return parsed


def option_id(value):
    """The `coerce` of a select of ids whose "none" option is 0 (no owner, only me): as
    `id_value`, and "0" is 0; ValueError otherwise."""
    return 0 if value in ("0", 0) else id_value(value)


def id_pair(raw, separator=":"):
    """Two ids sent as one value ("12:3", an expectation and its version), else None."""
    if not isinstance(raw, str):
        return None
    head, found, tail = raw.partition(separator)
    first, second = database_id(head), database_id(tail)
    return (first, second) if found and first is not None and second is not None else None


def control_message(text):
    """Why `text` cannot be saved for the characters it holds (NUL_MESSAGE or
    CONTROL_MESSAGE), or None."""
    if not isinstance(text, str) or not CONTROL.search(text):
        return None
    return NUL_MESSAGE if NUL in text else CONTROL_MESSAGE


def clean_text(raw, max_length, *, strip=True, too_long=None):
    """Typed text ready to save: "" when absent, stripped unless `strip=False` (where
    whitespace is content, as in a section's text).

    Raises BadValue when it holds a NUL or another control character (CONTROL) or is
    longer than `max_length` (`too_long` is then the message).
    """
    text = raw if isinstance(raw, str) else ""
    if strip:
        text = text.strip()
    if control_message(text):
        raise BadValue(control_message(text))
    if len(text) > max_length:
        limit = f"{max_length:,}"
        raise BadValue(too_long or _("Keep this text under %(num)s characters.", num=limit))
    return text


def choice(raw, allowed):
    """`raw` when it is one of the allowed values, else None."""
    return raw if isinstance(raw, str) and raw in allowed else None


def finite_number(raw):
    """A number typed with ASCII digits ("12", "-3.5", "1e3"), finite, else None."""
    if not isinstance(raw, str) or not raw.isascii() or "_" in raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


# Reading fields whose names are built from data ------------------------------------------

def _posted(form):
    return request.form if form is None else form


def posted_text(name, max_length, *, default="", form=None, **options):
    """The text posted under `name` through `clean_text` (raises BadValue); `default`
    when nothing is posted under that name."""
    raw = _posted(form).get(name)
    return default if raw is None else clean_text(raw, max_length, **options)


def posted_choice(name, allowed, default=None, *, form=None):
    """The value posted under `name`: `default` when absent, None when not allowed."""
    raw = _posted(form).get(name)
    return default if raw is None else choice(raw, allowed)


def posted_id_pairs(name, *, form=None):
    """Every well-formed id pair posted under `name` (a list of checkboxes); others are
    left out."""
    pairs = (id_pair(raw) for raw in _posted(form).getlist(name))
    return [pair for pair in pairs if pair is not None]


# Forms with fixed fields -------------------------------------------------------------------

def stripped(value):
    """A field filter: text without surrounding whitespace."""
    return value.strip() if isinstance(value, str) else value


def _refuse_control_characters(form, field):
    """The one message of a field whose text holds a control character (what the field
    said while reading that text, "Not a valid choice" or the like, is left out)."""
    for value in field.raw_data or ():
        message = control_message(value)
        if message:
            field.errors.clear()
            raise StopValidation(message)


class Finite:
    """A number field's validator: the number was typed with ASCII digits and is finite
    ("Infinity", "NaN", "1E+400", "sNaN", "²", "١٢" and "1_000" are refused, though
    Python's int(), float() and Decimal() read some of them), and a whole number fits the
    database's INTEGER. `Form` puts it first on each of its number fields."""

    def __init__(self, message=None):
        self.message = message

    def __call__(self, form, field):
        raw = (field.raw_data or [""])[0]
        if field.process_errors or not isinstance(raw, str) or not raw.strip():
            return  # the field's own message, or nothing typed (Optional decides)
        value = finite_number(raw.strip())
        whole = isinstance(field, IntegerField)
        if value is None or (whole and abs(value) > MAX_DATABASE_ID):
            raise StopValidation(self.message or (INTEGER_MESSAGE if whole else NUMBER_MESSAGE))


class Form(FlaskForm):
    """A FlaskForm whose every field refuses control characters first, with a message
    next to the field, before any validator can take the text to the database; whose
    number fields check `Finite` next; and whose text fields read as "" when the post
    left them out (a browser sends every text field, if only empty), never None."""

    class Meta:
        def get_translations(self, form):
            """WTForms' own messages in the page's language, as Flask-WTF gives them, but
            with its catalog read once per language and process: Flask-WTF reads and
            parses the file again for every request that builds a form, a twentieth of
            a save (issue 12)."""
            if not current_app.config.get("WTF_I18N_ENABLED", True):
                return super().get_translations(form)
            return _wtforms_catalog(str(get_locale()))

        def bind_field(self, form, unbound_field, options):
            field = super().bind_field(form, unbound_field, options)
            checks = [_refuse_control_characters]
            if isinstance(field, (IntegerField, FloatField, DecimalField)):
                checks.append(Finite())
            field.validators = [*checks, *field.validators]
            return field

    def process(self, *args, **kwargs):
        super().process(*args, **kwargs)
        for field in self:
            if (isinstance(field, StringField) and not isinstance(field, IdField)
                    and field.data is None and field.raw_data == []):
                field.data = ""


@functools.lru_cache(maxsize=None)
def _wtforms_catalog(language):
    return Translations.load(messages_path(), [language], domain="wtforms")


class IdField(HiddenField):
    """A hidden id the page filled in, read with `database_id`: None when left empty,
    an error (DAMAGED_MESSAGE, or `message`) when it is anything but an id."""

    def __init__(self, label=None, validators=None, message=DAMAGED_MESSAGE, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.message = message

    def process_formdata(self, valuelist):
        raw = valuelist[0] if valuelist else ""
        self.data = database_id(raw)
        if raw and self.data is None:
            raise ValueError(self.message)

    def _value(self):
        return "" if self.data is None else str(self.data)


def first_error(form):
    """The first message of an invalid form, for pages that show one notice."""
    for field in form:
        if field.errors:
            return field.errors[0]
    return None


def damaged(form):
    """After validating, the message of an `IdField` that came back wrong, or None: the
    page filled it in, so the form did not come from it as it was drawn."""
    return next((field.errors[0] for field in form
                 if isinstance(field, IdField) and field.errors), None)

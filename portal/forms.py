"""Shared form helpers."""
from wtforms.fields.choices import SelectChoice


def options(pairs):
    """Select options from (value, label) pairs, as WTForms 3.3+ wants them."""
    return [SelectChoice(value, label) for value, label in pairs]

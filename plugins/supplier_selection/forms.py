"""Reading numbers typed into the selection's forms.

The weights and moderation tables are built by the templates (one field per criterion,
or per candidate and criterion), not with WTForms, so their values are read here.
"""
import math


def parse_weight(raw):
    """A number of 0 or more as typed ("12,5" and "20 %" too), or None."""
    try:
        value = float(raw.replace(",", ".").replace("%", "").strip())
    except (ValueError, AttributeError):
        return None
    if math.isnan(value) or math.isinf(value) or value < 0:
        return None
    return value

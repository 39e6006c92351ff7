"""The bands of the health score and the weights of its measures: one table that both
the score and the page's "How this score is made" read, so the page cannot drift."""
import math

from flask_babel import lazy_gettext as _l

#: (lowest score in the band, key, words for users), best band first.
BANDS = ((70.0, "healthy", _l("Healthy")), (50.0, "watch", _l("Watch")),
         (0.0, "at_risk", _l("At risk")))
NO_DATA = ("no_data", _l("No data"))
TONES = {"healthy": "good", "watch": "warning", "at_risk": "bad", "no_data": "neutral"}

#: The portal's own measures: key -> (label, weight, what it is). A plugin's measures
#: (`portal_health_measures`) bring their own weight.
WEIGHTS = {
    "trust": (_l("Trust"), 25, _l("the trust indicator below")),
    "survey": (_l("Relational survey"), 20, _l("the average of all fifteen items of the latest "
                                               "relational survey")),
    "benefits": (_l("Benefits against target"), 20, _l("how far each benefit with a target has "
                                                       "got towards it, both parties' benefits "
                                                       "together")),
    "ratings": (_l("Both sides' ratings"), 15, _l("the ratings of the partnership and of the "
                                                  "other party given on this page by people of "
                                                  "both sides")),
    "actions": (_l("Actions on time"), 10, _l("the share of open joint actions that are not "
                                              "overdue")),
    "enablement": (_l("Enablement"), 5, _l("the share of members who used the library or a "
                                           "cohort in the last 30 days")),
}


def band_of(score):
    """(key, label) of a score from 0 to 100; NO_DATA for None."""
    if score is None or not math.isfinite(score):
        return NO_DATA
    for lowest, key, label in BANDS:
        if round(score, 1) >= lowest:
            return key, label
    return BANDS[-1][1:]


def band_ranges():
    """[(label, from, to)] for the page, best band first: 70-100, 50-69.9, 0-49.9."""
    out, upper = [], 100.0
    for lowest, _key, label in BANDS:
        out.append((label, lowest, upper))
        upper = round(lowest - 0.1, 1)
    return out


def from_scale(mean, low=1.0, high=5.0):
    """A mean on a rating scale as 0-100 (1 of 5 is 0, 5 of 5 is 100)."""
    return None if mean is None else max(0.0, min(100.0, (mean - low) / (high - low) * 100))

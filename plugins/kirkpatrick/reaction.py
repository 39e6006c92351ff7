"""The level-1 reaction form, run by the portal's instrument engine like any survey.

Kept apart from the program pages: the instrument (`kirkpatrick_reaction`) and its
score function may be adapted on their own.
"""
from flask_babel import gettext as _

from portal import Instrument, Interpretation, Question

from .tracking import SOURCE


def score_reaction(results):
    means = [item.mean for item in results.items.values()
             if item.question.type == "scale" and item.mean is not None]
    if not means:
        return Interpretation(headline=_("No ratings yet"), tone="neutral")
    mean = sum(means) / len(means)
    tone = "good" if round(mean, 2) >= 4 else ("warning" if round(mean, 2) > 3 else "bad")
    return Interpretation(headline=_("Reaction averages %(mean).1f of 5", mean=mean), tone=tone,
                          metrics={"Reaction": mean},
                          notes=(_("Reaction (level 1) says how the session was received, not "
                                   "what changed; enter the mean as a level-1 measurement of the "
                                   "program and look to levels 3 and 4 for impact."),))


REACTION = Instrument(
    id="kirkpatrick_reaction", version="1.0.0", title="Training reaction (Kirkpatrick level 1)",
    summary="Four questions after a session: relevance, engagement, intention to apply.",
    source=SOURCE, score=score_reaction, anonymous=True, min_responses=3,
    questions=(
        Question("relevance", "The session was relevant to my work.", low_label="Not at all",
                 high_label="Completely"),
        Question("engagement", "The session kept me engaged.", low_label="Not at all",
                 high_label="Completely"),
        Question("apply", "I intend to apply what I learned within the next month.",
                 low_label="Not at all", high_label="Certainly"),
        Question("recommend", "I would recommend this session to a colleague.",
                 low_label="Never", high_label="Certainly"),
        Question("comment", "What would have made the session more useful?", type="text",
                 required=False),
    ))

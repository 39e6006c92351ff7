"""The records an instrument plugin declares and receives.

Plugins import these from `portal` (see docs/plugins.md). An instrument is data — its
questions and texts can live in a TOML file beside the plugin — plus one scoring
function that turns aggregated results into an interpretation. Declaring is in
`declarations` (Question, Instrument) and `toml_declarations` (instrument_from_toml);
this module holds what scoring and result pages exchange, and gathers the names.
"""
from dataclasses import dataclass, field

from portal.instruments.declarations import (
    MAX_SCALE_POINTS, MIN_RESPONSES, QUESTION_TYPES, SCALE_RANGE, Instrument, InstrumentError,
    Question,
)
from portal.instruments.toml_declarations import instrument_from_toml

__all__ = [
    "QUESTION_TYPES", "SCALE_RANGE", "MAX_SCALE_POINTS", "MIN_RESPONSES", "InstrumentError",
    "Question", "Instrument", "instrument_from_toml", "Flag", "Interpretation",
    "ItemResult", "Results", "ResultsPanel",
]


@dataclass(frozen=True)
class Flag:
    """A result that needs the team's attention; the results page offers it as an action."""

    title: str
    question_id: str | None = None
    detail: str = ""
    suggested_action: str = ""


@dataclass(frozen=True)
class Interpretation:
    """What a scoring function says about a run's results.

    `tone` is good, warning, bad or neutral (how the headline is styled). `strengths`
    are question ids. `metrics` are named numbers charted across runs as trends.
    """

    headline: str
    band: str = ""
    tone: str = "neutral"
    flags: tuple = ()
    strengths: tuple = ()
    notes: tuple = ()
    metrics: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ItemResult:
    """Aggregates of one question over the responses, computed in the database.

    `distribution` maps each answer value to how many gave it. Its keys are typed: ints
    for scale (every point of the declared range, 0 included), yesno (1 yes, 0 no) and
    step (1 done, 0 not yet) questions; for a choice question the declared values (ints
    when every value is a whole number, else strings), every choice listed; for a
    number question the numbers given. `mean` is set for scale, yesno, number, step and
    all-number choice questions once someone answered.
    """

    question: Question
    count: int = 0
    mean: float | None = None
    distribution: dict = field(default_factory=dict)  # answer value -> how many
    texts: tuple = ()  # free-text answers and step notes, in no particular order
    dates: tuple = ()  # step: the dates steps were done

    @property
    def yes(self):
        return self.distribution.get(1, 0)

    @property
    def no(self):
        return self.distribution.get(0, 0)


@dataclass(frozen=True)
class Results:
    """What a scoring function receives: the run's aggregates, never single answers.

    `responses` is the number of responses, `items` maps question ids to ItemResults,
    `context` holds facts about the partnership: `today`, `stage`, `contract_end` (a
    date or None). `by_side` maps "client" and "supplier" to a Results of the same
    shape for the answers of that side (its `side` says which, its own `by_side` is
    empty); it is `{}` when the run does not record sides or showing them would reveal
    a group below the run's threshold.
    """

    instrument_id: str
    responses: int
    items: dict
    by_side: dict = field(default_factory=dict)
    context: dict = field(default_factory=dict)
    side: str | None = None  # "client" or "supplier" in `by_side`; None for the whole run

    def item(self, question_id):
        return self.items[question_id]


@dataclass(frozen=True)
class ResultsPanel:
    """A panel a plugin adds to its instrument's results page (`portal_results_panels`).

    `body` is HTML (render it with flask.render_template, which escapes what it should);
    lower `weight` comes first, then the title.
    """

    title: str
    body: str
    weight: int = 100

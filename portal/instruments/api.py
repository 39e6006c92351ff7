"""The records an instrument plugin declares and receives.

Plugins import these from `portal` (see docs/plugins.md). An instrument is data — its
questions and texts can live in a TOML file beside the plugin — plus one scoring
function that turns aggregated results into an interpretation.
"""
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

QUESTION_TYPES = ("scale", "yesno", "number", "choice", "text", "step")


class InstrumentError(ValueError):
    """An instrument declaration the portal cannot use; the message says why."""


@dataclass(frozen=True)
class Question:
    """One question. `type` is one of QUESTION_TYPES:

    scale  — 1 to 5, with `low_label` / `high_label` naming the ends
    yesno  — yes (1) or no (0)
    number — a number between `minimum` and `maximum`, in `unit`
    choice — one of `choices`, a list of (value, label) pairs
    text   — free text
    step   — a checklist step: done or not yet, the date it was done, a note
    """

    id: str
    text: str
    type: str = "scale"
    required: bool = True
    section: str = ""
    help: str = ""
    low_label: str = ""
    high_label: str = ""
    choices: tuple = ()
    minimum: float | None = None
    maximum: float | None = None
    unit: str = ""
    guidance: str = ""  # what to do when the answer calls for action (flags show it)

    def __post_init__(self):
        if not self.id or not str(self.id).replace("_", "").replace("-", "").isalnum():
            raise InstrumentError(f"question id {self.id!r} must be letters, digits, _ or -")
        if self.type not in QUESTION_TYPES:
            raise InstrumentError(
                f"question {self.id!r}: type {self.type!r} is not one of {', '.join(QUESTION_TYPES)}")
        if not self.text:
            raise InstrumentError(f"question {self.id!r} has no text")
        if self.type == "choice" and not self.choices:
            raise InstrumentError(f"question {self.id!r} is a choice with no choices")
        object.__setattr__(self, "choices", tuple(tuple(c) for c in self.choices))

    @property
    def numeric(self):
        """Answers that averages and distributions make sense for."""
        return self.type in ("scale", "yesno", "number", "step")


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
    """Aggregates of one question over the responses, computed in the database."""

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

    `by_side` maps "client" / "supplier" to item results of that side, and is empty when
    the run does not record sides or showing them would break anonymity. `context` holds
    facts about the partnership: `today`, `stage`, `contract_end` (a date or None).
    """

    instrument_id: str
    responses: int
    items: dict
    by_side: dict = field(default_factory=dict)
    context: dict = field(default_factory=dict)

    def item(self, question_id):
        return self.items[question_id]


@dataclass(frozen=True)
class Instrument:
    """An instrument a plugin registers with `portal_instruments`.

    `score(results)` returns an Interpretation. `cadence_days` is the usual time between
    runs (365 for an annual audit) and drives the "next due" date. `anonymous` is the
    default for new runs. `shared` instruments keep one jointly edited record per run
    (a checklist) instead of one answer per person.
    """

    id: str
    version: str
    title: str
    summary: str
    source: str
    questions: tuple
    score: Callable
    cadence_days: int | None = None
    cadence_label: str = ""
    anonymous: bool = False
    shared: bool = False
    min_responses: int = 3

    def __post_init__(self):
        if not self.id or not self.id.replace("_", "").replace("-", "").isalnum():
            raise InstrumentError(f"instrument id {self.id!r} must be letters, digits, _ or -")
        questions = tuple(self.questions)
        if not questions:
            raise InstrumentError(f"instrument {self.id!r} has no questions")
        if not all(isinstance(q, Question) for q in questions):
            raise InstrumentError(f"instrument {self.id!r}: questions must be Question records")
        ids = [q.id for q in questions]
        if len(set(ids)) != len(ids):
            raise InstrumentError(f"instrument {self.id!r} repeats a question id")
        if not callable(self.score):
            raise InstrumentError(f"instrument {self.id!r}: score must be a function")
        if self.min_responses < 3:
            raise InstrumentError(f"instrument {self.id!r}: min_responses cannot be below 3")
        object.__setattr__(self, "questions", questions)

    def question(self, question_id):
        for q in self.questions:
            if q.id == question_id:
                return q
        raise KeyError(question_id)


def instrument_from_toml(path, score, **overrides):
    """Build an Instrument from a TOML file with an [instrument] table and [[question]]s.

    The TOML holds the data (id, version, title, summary, source, cadence_days,
    cadence_label, anonymous, shared, min_responses; each question's fields as in
    Question); the code supplies `score`.
    """
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise InstrumentError(f"{path}: {exc}") from exc
    meta = dict(data.get("instrument", {}))
    try:
        questions = tuple(Question(**q) for q in data.get("question", []))
    except TypeError as exc:
        raise InstrumentError(f"{path}: {exc}") from exc
    meta.update(overrides)
    try:
        return Instrument(questions=questions, score=score, **meta)
    except TypeError as exc:
        raise InstrumentError(f"{path}: {exc}") from exc

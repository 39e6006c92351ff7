"""Declaring an instrument: its questions and itself, checked as they are made.

Every declaration is checked when it is made: a `Question(...)` or `Instrument(...)`
the portal could not use raises InstrumentError saying why (and, through `question_id`
and `key`, where), so a plugin with a mistake is listed as failed at start-up instead of
misbehaving later. Plugins import these names from `portal`.
"""
import math
from dataclasses import dataclass, fields
from typing import Callable

from portal.instruments.translated_text import CatalogText, localized

QUESTION_TYPES = ("scale", "yesno", "number", "choice", "text", "step")
SCALE_RANGE = (1, 5)  # a scale's minimum and maximum when it declares none
MAX_SCALE_POINTS = 11  # 0 to 10: every point is a button; wider ranges are numbers
MIN_RESPONSES = 3  # never below: fewer would let a member identify colleagues' answers
_TEXT_FIELDS = ("text", "section", "help", "low_label", "high_label", "unit", "guidance")
#: An instrument's texts a person reads (its `source` is a citation, kept as written).
_INSTRUMENT_TEXT_FIELDS = ("title", "summary", "cadence_label")


def N_(message):
    """Marks a message for the catalog (pybabel's N_); CatalogText translates it."""
    return message


# The answers of yes/no questions and of checklist steps, in the portal's catalog.
_YES, _NO = CatalogText(N_("Yes")), CatalogText(N_("No"))
_DONE, _NOT_YET = CatalogText(N_("Done")), CatalogText(N_("Not yet"))


class InstrumentError(ValueError):
    """An instrument declaration the portal cannot use; the message says why.

    `question_id` and `key` say where the mistake is (None when it is not about one
    question or one key), which `instrument_from_toml` turns into a line number.
    """

    def __init__(self, message, question_id=None, key=None):
        super().__init__(message)
        self.question_id = question_id
        self.key = key


def _valid_id(value):
    return isinstance(value, str) and bool(value) and value.replace("_", "").replace(
        "-", "").isalnum()


def _is_number(value):
    return (isinstance(value, (int, float)) and not isinstance(value, bool)
            and math.isfinite(value))


@dataclass(frozen=True)
class Question:
    """One question. `type` is one of QUESTION_TYPES:

    scale  — whole numbers from `minimum` to `maximum` (1 to 5 unless declared; at most
             11 points, so 0 to 10 works), with `low_label` / `high_label` naming the ends
    yesno  — yes (1) or no (0)
    number — a number between `minimum` and `maximum` (each optional), in `unit`
    choice — one of `choices`, a list of (value, label) pairs; values are whole numbers
             or text, each used once
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
        if not _valid_id(self.id):
            raise InstrumentError(f"question id {self.id!r} must be letters, digits, _ or -",
                                  key="id")
        if not isinstance(self.type, str) or self.type not in QUESTION_TYPES:
            self._refuse(f"type {self.type!r} is not one of {', '.join(QUESTION_TYPES)}",
                         "type")
        for name in _TEXT_FIELDS:
            if not isinstance(getattr(self, name), str):
                self._refuse(f"{name} must be text, not {getattr(self, name)!r}", name)
        if not self.text.strip():
            self._refuse("has no text", "text")
        if not isinstance(self.required, bool):
            self._refuse(f"required must be true or false, not {self.required!r}", "required")
        self._check_keys_fit_the_type()
        if self.type == "scale":
            self._settle_scale_range()
        elif self.type == "number":
            self._check_number_range()
        elif self.type == "choice":
            self._check_choices()
        object.__setattr__(self, "choices", tuple(tuple(c) for c in self.choices))
        self._localize()

    def _localize(self):
        """Each text as a LocalizedText: the English, shown translated in a request
        (portal/instruments/translated_text.py) when a translation of that very English
        is known for this question id."""
        for name in _TEXT_FIELDS:
            object.__setattr__(self, name,
                               localized(getattr(self, name), ("question", self.id, name)))
        choices = []
        for choice in self.choices:
            if isinstance(choice, tuple) and len(choice) == 2:
                value, label = choice
                choice = (value, localized(label, ("question", self.id, "choices", str(value))))
            choices.append(choice)
        choices = tuple(choices)
        object.__setattr__(self, "choices", choices)

    def _refuse(self, message, key=None):
        raise InstrumentError(f"question {self.id!r}: {message}", question_id=self.id, key=key)

    def _check_keys_fit_the_type(self):
        if self.type not in ("scale", "number"):
            for key in ("minimum", "maximum"):
                if getattr(self, key) is not None:
                    self._refuse(f"{key} applies to scale and number questions only, not to "
                                 f"a {self.type} question", key)
        if self.type != "scale":
            for key in ("low_label", "high_label"):
                if getattr(self, key):
                    self._refuse(f"{key} applies to scale questions only, not to a "
                                 f"{self.type} question", key)
        if self.type != "number" and self.unit:
            self._refuse(f"unit applies to number questions only, not to a {self.type} "
                         "question", "unit")
        if self.type != "choice" and self.choices:
            self._refuse(f"choices apply to choice questions only, not to a {self.type} "
                         "question", "choices")

    def _settle_scale_range(self):
        """Whole-number ends, at least two points, at most MAX_SCALE_POINTS."""
        ends = {}
        for key, default in zip(("minimum", "maximum"), SCALE_RANGE):
            value = getattr(self, key)
            if value is None:
                value = default
            if not _is_number(value) or value != int(value):
                self._refuse(f"a scale's {key} must be a whole number, not {value!r}", key)
            ends[key] = int(value)
        low, high = ends["minimum"], ends["maximum"]
        blame = "maximum" if self.maximum is not None else "minimum"
        if high < low:
            self._refuse(f"the scale range {low} to {high} is empty: maximum must be "
                         "greater than minimum", blame)
        if high == low:
            self._refuse(f"the scale range {low} to {high} has a single point: maximum "
                         "must be greater than minimum", blame)
        if high - low + 1 > MAX_SCALE_POINTS:
            self._refuse(f"the scale range {low} to {high} has {high - low + 1} points; a "
                         f"scale has at most {MAX_SCALE_POINTS} (0 to 10): use a number "
                         "question for a wider range", blame)
        object.__setattr__(self, "minimum", low)
        object.__setattr__(self, "maximum", high)

    def _check_number_range(self):
        for key in ("minimum", "maximum"):
            value = getattr(self, key)
            if value is not None and not _is_number(value):
                self._refuse(f"{key} must be a number, not {value!r}", key)
        if (self.minimum is not None and self.maximum is not None
                and self.maximum < self.minimum):
            self._refuse(f"the range {self.minimum:g} to {self.maximum:g} is empty: "
                         "maximum must not be below minimum", "maximum")

    def _check_choices(self):
        choices = self.choices
        if isinstance(choices, (str, bytes)) or not isinstance(choices, (list, tuple)):
            self._refuse("choices must be a list of [value, label] pairs", "choices")
        if not choices:
            self._refuse("a choice question needs at least one choice", "choices")
        seen = {}
        for number, choice in enumerate(choices, start=1):
            if isinstance(choice, (str, bytes)) or not isinstance(choice, (list, tuple)) \
                    or len(choice) != 2:
                self._refuse(f"choice {number} must be a [value, label] pair, not "
                             f"{choice!r}", "choices")
            value, label = choice
            if isinstance(value, bool) or not isinstance(value, (int, str)) or value == "":
                self._refuse(f"choice {number}: the value {value!r} must be a whole number "
                             "or text", "choices")
            if not isinstance(label, str) or not label.strip():
                self._refuse(f"choice {number} ({value!r}) has no label", "choices")
            if str(value) in seen:  # answers arrive as text: 1 and "1" are one answer
                self._refuse(f"the choice value {value!r} is used twice (choices "
                             f"{seen[str(value)]} and {number})", "choices")
            seen[str(value)] = number

    @classmethod
    def from_snapshot(cls, data):
        """A question as a run stored it when it opened.

        Old runs must stay readable even if a later release checks declarations more
        strictly than the one that opened them, so a stored question the checks now
        refuse is restored as it was, unchecked.
        """
        known = {f.name for f in fields(cls)}
        data = {k: v for k, v in data.items() if k in known}
        try:
            return cls(**data)
        except (InstrumentError, TypeError):
            question = object.__new__(cls)
            for f in fields(cls):
                value = data.get(f.name, f.default)
                object.__setattr__(question, f.name, value)
            object.__setattr__(question, "choices",
                               tuple(tuple(c) for c in question.choices or ()))
            if _valid_id(question.id):
                question._localize()
            return question

    @property
    def numeric_choices(self):
        """A choice question whose values are all whole numbers (so it has a mean)."""
        return self.type == "choice" and bool(self.choices) and all(
            isinstance(v, int) and not isinstance(v, bool) for v, _ in self.choices)

    @property
    def numeric(self):
        """Answers that averages make sense for."""
        return self.type in ("scale", "yesno", "number", "step") or self.numeric_choices

    @property
    def points(self):
        """A scale's values, lowest first: range(minimum, maximum + 1)."""
        if self.type != "scale":
            return range(0)
        return range(int(self.minimum if self.minimum is not None else SCALE_RANGE[0]),
                     int(self.maximum if self.maximum is not None else SCALE_RANGE[1]) + 1)

    @property
    def options(self):
        """((answer value, label), …) in declared order, the values typed as they are in
        a distribution; empty for number and text questions."""
        if self.type == "scale":
            return tuple((p, str(p)) for p in self.points)
        if self.type == "yesno":
            return ((0, _NO), (1, _YES))
        if self.type == "step":
            return ((0, _NOT_YET), (1, _DONE))
        if self.type == "choice":
            typed = self.numeric_choices
            return tuple((v if typed else str(v), label) for v, label in self.choices)
        return ()

    def answer_key(self, stored):
        """A stored choice (text) as the key it has in a distribution."""
        if self.numeric_choices:
            try:
                return int(stored)
            except (TypeError, ValueError):
                return stored
        return stored


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
    min_responses: int = MIN_RESPONSES

    def __post_init__(self):
        if not _valid_id(self.id):
            raise InstrumentError(f"instrument id {self.id!r} must be letters, digits, _ or -",
                                  key="id")
        for name in ("version", "title"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip():
                self._refuse(f"{name} must be non-empty text, not {value!r}", name)
        for name in ("summary", "source", "cadence_label"):
            if not isinstance(getattr(self, name), str):
                self._refuse(f"{name} must be text, not {getattr(self, name)!r}", name)
        for name in ("anonymous", "shared"):
            if not isinstance(getattr(self, name), bool):
                self._refuse(f"{name} must be true or false, not {getattr(self, name)!r}", name)
        days = self.cadence_days
        if days is not None and (isinstance(days, bool) or not isinstance(days, int) or days < 1):
            self._refuse(f"cadence_days must be a whole number of days of at least 1, not "
                         f"{days!r}", "cadence_days")
        minimum = self.min_responses
        if isinstance(minimum, bool) or not isinstance(minimum, int):
            self._refuse(f"min_responses must be a whole number, not {minimum!r}",
                         "min_responses")
        if minimum < MIN_RESPONSES:
            self._refuse(f"min_responses cannot be below {MIN_RESPONSES} (fewer would let "
                         f"people work out who answered what), not {minimum}", "min_responses")
        if isinstance(self.questions, (str, bytes)):
            self._refuse("questions must be Question records", "questions")
        try:
            questions = tuple(self.questions)
        except TypeError:
            self._refuse("questions must be Question records", "questions")
        if not questions:
            self._refuse("has no questions", "questions")
        if not all(isinstance(q, Question) for q in questions):
            self._refuse("questions must be Question records", "questions")
        seen = set()
        for q in questions:
            if q.id in seen:
                raise InstrumentError(f"instrument {self.id!r}: question id {q.id!r} is used "
                                      "twice", question_id=q.id, key="id")
            seen.add(q.id)
        if not callable(self.score):
            self._refuse("score must be a function", "score")
        object.__setattr__(self, "questions", questions)
        for name in _INSTRUMENT_TEXT_FIELDS:  # shown translated, English underneath
            object.__setattr__(self, name, localized(getattr(self, name),
                                                     ("instrument", self.id, name)))

    def _refuse(self, message, key=None):
        raise InstrumentError(f"instrument {self.id!r}: {message}", key=key)

    def question(self, question_id):
        for q in self.questions:
            if q.id == question_id:
                return q
        raise KeyError(question_id)

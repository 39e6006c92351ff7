"""Declaring an instrument: what the portal accepts, and how it refuses the rest.

Every mistake is refused when the plugin loads, with the file and line of the TOML that
declares it (`path:LINE: question 'x': message`), and the plugin is listed as failed —
or, with PORTAL_PLUGINS_STRICT=1, start-up stops with that message.
"""
import pytest
from instrument_helpers import NPS_TOML, write_nps

from portal import Instrument, InstrumentError, Question, instrument_from_toml
from portal.plugins.host import PluginError


def line_of(text, anchor, occurrence=-1):
    """The line number of the `occurrence`-th line of `text` that starts with `anchor`."""
    found = [n for n, line in enumerate(text.splitlines(), start=1)
             if line.strip().startswith(anchor)]
    assert found, anchor
    return found[occurrence]


def score(results):
    return None


# --- what is accepted -------------------------------------------------------------

def test_a_scale_is_one_to_five_unless_it_declares_its_range():
    assert list(Question("q", "Q").points) == [1, 2, 3, 4, 5]
    nps = Question("renew", "Renew?", minimum=0, maximum=10)
    assert list(nps.points) == list(range(0, 11))
    assert (nps.minimum, nps.maximum) == (0, 10) and isinstance(nps.minimum, int)
    assert [value for value, _ in nps.options] == list(range(0, 11))
    assert list(Question("q", "Q", minimum=-3, maximum=3.0).points) == [-3, -2, -1, 0, 1, 2, 3]


def test_choice_values_keep_their_type():
    numbers = Question("n", "N", type="choice", choices=[[2, "Two"], [4, "Four"]])
    assert numbers.options == ((2, "Two"), (4, "Four")) and numbers.numeric
    mixed = Question("m", "M", type="choice", choices=[[1, "One"], ["many", "Many"]])
    assert mixed.options == (("1", "One"), ("many", "Many")) and not mixed.numeric


def test_the_nps_declaration_loads(tmp_path):
    path = tmp_path / "instrument.toml"
    path.write_text(NPS_TOML)
    instrument = instrument_from_toml(path, score=score)
    renew = instrument.question("renew")
    assert (renew.minimum, renew.maximum, renew.low_label) == (0, 10, "Not at all likely")
    assert "minimum = 3" in instrument.summary  # a key-like line inside a text is text
    assert instrument.question("meetings").options == ((2, "Two"), (4, "Four"), (12, "Twelve"))


def test_every_shipped_instrument_declaration_loads():
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    files = sorted(root.glob("plugins/*/instrument.toml")) + sorted(
        root.glob("tests/example_plugin/*/instrument.toml"))
    assert len(files) >= 6
    for path in files:
        assert instrument_from_toml(path, score=score).questions


def test_other_top_level_tables_belong_to_the_plugin(tmp_path):
    path = tmp_path / "instrument.toml"
    path.write_text(NPS_TOML + '\n[actions]\nrenew = "Talk to the detractors."\n')
    assert instrument_from_toml(path, score=score).id == "nps"


def test_a_stored_question_the_checks_now_refuse_stays_readable():
    old = {"id": "meets", "text": "Do we meet?", "type": "yesno", "minimum": 0,
           "maximum": 1, "retired_field": "x"}
    question = Question.from_snapshot(old)
    assert (question.id, question.type, question.options[1]) == ("meets", "yesno", (1, "Yes"))
    assert Question.from_snapshot({"id": "trust", "text": "Trust", "type": "scale",
                                   "minimum": None, "maximum": None}).maximum == 5


# --- refused in Python ----------------------------------------------------------------

@pytest.mark.parametrize("fields, message", [
    ({"minimum": 0.5}, "question 'q': a scale's minimum must be a whole number, not 0.5"),
    ({"maximum": "10"}, "question 'q': a scale's maximum must be a whole number, not '10'"),
    ({"minimum": 5, "maximum": 1}, "question 'q': the scale range 5 to 1 is empty"),
    ({"minimum": 3, "maximum": 3}, "question 'q': the scale range 3 to 3 has a single point"),
    ({"minimum": 0, "maximum": 100}, "question 'q': the scale range 0 to 100 has 101 points"),
    ({"type": "yesno", "minimum": 0}, "question 'q': minimum applies to scale and number "
                                      "questions only, not to a yesno question"),
    ({"type": "text", "maximum": 9}, "question 'q': maximum applies to scale and number"),
    ({"type": "step", "minimum": 1}, "question 'q': minimum applies to scale and number"),
    ({"type": "choice", "choices": [[1, "A"]], "maximum": 9},
     "question 'q': maximum applies to scale and number"),
    ({"type": "yesno", "low_label": "Never"}, "question 'q': low_label applies to scale "
                                              "questions only"),
    ({"unit": "hours"}, "question 'q': unit applies to number questions only"),
    ({"choices": [[1, "A"]]}, "question 'q': choices apply to choice questions only"),
    ({"type": "choice"}, "question 'q': a choice question needs at least one choice"),
    ({"type": "choice", "choices": []}, "question 'q': a choice question needs at least one"),
    ({"type": "choice", "choices": [[1, "A"], [1, "B"]]},
     "question 'q': the choice value 1 is used twice (choices 1 and 2)"),
    ({"type": "choice", "choices": [[1, "A"], ["1", "B"]]},
     "question 'q': the choice value '1' is used twice"),
    ({"type": "choice", "choices": [[0.5, "Half"]]},
     "question 'q': choice 1: the value 0.5 must be a whole number or text"),
    ({"type": "choice", "choices": [[True, "Yes"]]},
     "question 'q': choice 1: the value True must be a whole number or text"),
    ({"type": "choice", "choices": [[1, ""]]}, "question 'q': choice 1 (1) has no label"),
    ({"type": "choice", "choices": ["a", "b"]}, "question 'q': choice 1 must be a [value, label]"),
    ({"type": "number", "minimum": 10, "maximum": 1}, "question 'q': the range 10 to 1 is empty"),
    ({"type": "number", "minimum": float("inf")}, "question 'q': minimum must be a number"),
    ({"type": "slider"}, "question 'q': type 'slider' is not one of scale, yesno, number, "
                         "choice, text, step"),
    ({"required": "no"}, "question 'q': required must be true or false, not 'no'"),
    ({"help": 3}, "question 'q': help must be text, not 3"),
    ({"text": " "}, "question 'q': has no text"),
])
def test_question_declarations_that_are_refused(fields, message):
    with pytest.raises(InstrumentError) as refused:
        Question(**{"id": "q", "text": "Q?", **fields})
    assert str(refused.value).startswith(message)


def test_question_ids_must_be_names():
    with pytest.raises(InstrumentError, match="question id 'two words' must be letters"):
        Question("two words", "Q?")


def instrument(**fields):
    base = dict(id="nps", version="1", title="T", summary="S", source="S",
                questions=(Question("a", "A?"),), score=score)
    return Instrument(**{**base, **fields})


@pytest.mark.parametrize("fields, message", [
    ({"min_responses": 2}, "instrument 'nps': min_responses cannot be below 3"),
    ({"min_responses": "3"}, "instrument 'nps': min_responses must be a whole number"),
    ({"questions": ()}, "instrument 'nps': has no questions"),
    ({"questions": "nope"}, "instrument 'nps': questions must be Question records"),
    ({"questions": (Question("a", "A?"), Question("a", "Again?"))},
     "instrument 'nps': question id 'a' is used twice"),
    ({"score": "score"}, "instrument 'nps': score must be a function"),
    ({"cadence_days": 0}, "instrument 'nps': cadence_days must be a whole number of days"),
    ({"anonymous": "yes"}, "instrument 'nps': anonymous must be true or false"),
    ({"title": ""}, "instrument 'nps': title must be non-empty text"),
    ({"id": "n p s"}, "instrument id 'n p s' must be letters, digits, _ or -"),
])
def test_instrument_declarations_that_are_refused(fields, message):
    with pytest.raises(InstrumentError) as refused:
        instrument(**fields)
    assert str(refused.value).startswith(message)


# --- refused in TOML, with the file and line ----------------------------------------------

MEETINGS_CHOICES = '''choices = [
  [2, "Two"],
  [4, "Four"],
  [12, "Twelve"]
]'''

#: (name, text to replace, replacement, the line the error is on, message after "path:LINE: ")
TOML_MISTAKES = [
    ("unknown-instrument-key", 'title = "Likelihood', 'titel = "Likelihood', "titel =",
     "instrument 'nps': unknown key 'titel' (did you mean 'title'?)"),
    ("unknown-question-key", "minimum = 0", "minimun = 0", "minimun =",
     "question 'renew': unknown key 'minimun' (did you mean 'minimum'?)"),
    ("empty-range", "maximum = 10", "maximum = -1", "maximum =",
     "question 'renew': the scale range 0 to -1 is empty: maximum must be greater than minimum"),
    ("single-point", "maximum = 10", "maximum = 0", "maximum =",
     "question 'renew': the scale range 0 to 0 has a single point: maximum must be greater "
     "than minimum"),
    ("not-integral", "minimum = 0", "minimum = 0.5", "minimum =",
     "question 'renew': a scale's minimum must be a whole number, not 0.5"),
    ("too-many-points", "maximum = 10", "maximum = 20", "maximum =",
     "question 'renew': the scale range 0 to 20 has 21 points; a scale has at most 11 (0 to "
     "10): use a number question for a wider range"),
    ("range-on-text", 'type = "text"', 'type = "text"\nminimum = 1', "minimum = 1",
     "question 'why': minimum applies to scale and number questions only, not to a text "
     "question"),
    ("labels-on-choice", 'type = "choice"', 'type = "choice"\nlow_label = "Few"', "low_label =",
     "question 'meetings': low_label applies to scale questions only, not to a choice question"),
    ("empty-choices", MEETINGS_CHOICES, "choices = []", "choices =",
     "question 'meetings': a choice question needs at least one choice"),
    ("repeated-choice", '[4, "Four"]', '[2, "Four"]', "choices =",
     "question 'meetings': the choice value 2 is used twice (choices 1 and 2)"),
    ("repeated-choice-as-text", '[4, "Four"]', '["2", "Four"]', "choices =",
     "question 'meetings': the choice value '2' is used twice (choices 1 and 2)"),
    ("duplicate-id", 'id = "why"', 'id = "renew"', 'id = "renew"',
     "question 'renew': the id is already used by the question on line 15"),
    ("unknown-type", 'type = "text"', 'type = "slider"', 'type = "slider"',
     "question 'why': type 'slider' is not one of scale, yesno, number, choice, text, step"),
    ("low-threshold", "min_responses = 3", "min_responses = 2", "min_responses =",
     "instrument 'nps': min_responses cannot be below 3 (fewer would let people work out who "
     "answered what), not 2"),
    ("not-a-boolean", "anonymous = false", 'anonymous = "no"', "anonymous =",
     "instrument 'nps': anonymous must be true or false, not 'no'"),
    ("missing-text", 'text = "What is the main reason for your score?"\n', "", "[[question]]",
     "question 'why': 'text' is missing"),
    ("not-toml", "cadence_days = 91", "cadence_days = ", "cadence_days =",
     "not valid TOML: Invalid value"),
]


def mistaken(name):
    _, old, new, anchor, message = next(m for m in TOML_MISTAKES if m[0] == name)
    assert old in NPS_TOML, old
    text = NPS_TOML.replace(old, new, 1)
    return text, line_of(text, anchor), message


@pytest.mark.parametrize("name", [m[0] for m in TOML_MISTAKES])
def test_toml_mistakes_name_the_file_and_line(tmp_path, name):
    text, line, message = mistaken(name)
    path = tmp_path / "instrument.toml"
    path.write_text(text)
    with pytest.raises(InstrumentError) as refused:
        instrument_from_toml(path, score=score)
    assert str(refused.value).startswith(f"{path}:{line}: {message}")


def test_a_missing_instrument_table_is_refused(tmp_path):
    path = tmp_path / "instrument.toml"
    path.write_text('[[question]]\nid = "a"\ntext = "A?"\n')
    with pytest.raises(InstrumentError, match=r"instrument\.toml:1: the \[instrument\] table is missing"):
        instrument_from_toml(path, score=score)


def test_every_mistake_fails_its_plugin_and_names_the_line(make_app):
    expected = {}
    for number, (name, *_rest) in enumerate(TOML_MISTAKES):
        text, line, message = mistaken(name)
        path = write_nps(make_app.plugins_dir, text, name=f"bad_{number}")
        expected[f"bad_{number}"] = f"{path}:{line}: {message}"
    write_nps(make_app.plugins_dir)  # and one good one
    app = make_app()
    plugins = app.extensions["portal_plugins"].plugins
    for plugin, message in expected.items():
        assert plugins[plugin].status == "failed", plugin
        assert message in plugins[plugin].error, plugin
    assert plugins["nps"].status == "loaded"
    assert {"nps", "relational_survey"} <= set(app.extensions["portal_instruments"])


def test_strict_plugins_stop_start_up_with_the_line(make_app, monkeypatch):
    text, line, message = mistaken("empty-range")
    path = write_nps(make_app.plugins_dir, text)
    monkeypatch.setenv("PORTAL_PLUGINS_STRICT", "1")
    with pytest.raises(PluginError) as refused:
        make_app()
    assert f"{path}:{line}: {message}" in str(refused.value)

"""Reading an instrument declared in TOML, and saying on which line it is wrong.

tomllib reports line numbers for syntax errors only; an instrument whose TOML parses
but declares something the portal refuses (an unknown key, an empty scale range) must
still be reported as `path:LINE: question 'x': message`. `TomlLines` is a small line
scanner, not a TOML parser: it finds table headers, `[[array]]` elements and the keys
written in each, skipping multi-line strings and arrays so that their contents are not
mistaken for either.
"""
import difflib
import re
import tomllib
from dataclasses import fields
from pathlib import Path

from portal.instruments.declarations import Instrument, InstrumentError, Question
from portal.instruments.translated_text import (TranslationError,
                                                register_instrument_translations)

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\[\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"""^\s*("(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_-]+)\s*[=.]""")
_STRINGS = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\]|\\.)*"|\'[^\']*\'')
_AT_LINE = re.compile(r"\s*\(at line (\d+), column \d+\)$")
_AT_END = re.compile(r"\s*\(at end of document\)$")


def _unquote(name):
    return ".".join(part.strip().strip("\"'") for part in name.split("."))


def _open_brackets(text):
    """How many `[` the text leaves open, strings and comments left out."""
    text = _STRINGS.sub("", text).split("#", 1)[0]
    return text.count("[") + text.count("{") - text.count("]") - text.count("}")


class TomlLines:
    """Line numbers of the tables, `[[array]]` elements and keys of one TOML text.

    A block is addressed as (table name, index): `("instrument", None)` for
    `[instrument]`, `("question", 2)` for the third `[[question]]`, `("", None)` for
    the keys before the first header.
    """

    def __init__(self, text):
        self.line_count = max(1, len(text.splitlines()))
        self.blocks = {("", None): (1, {})}
        current, counts = ("", None), {}
        string_end, depth = None, 0
        for number, line in enumerate(text.splitlines(), start=1):
            if string_end:  # inside a multi-line string
                if line.count(string_end) % 2 == 1:
                    string_end = None
                continue
            if depth > 0:  # inside a multi-line array or inline table
                depth += _open_brackets(line)
                continue
            header = _HEADER.match(line)
            if header and not _KEY.match(line):
                name = _unquote(header.group(2))
                if header.group(1) == "[[":
                    index = counts.get(name, 0)
                    counts[name] = index + 1
                    current = (name, index)
                else:
                    current = (name, None)
                self.blocks.setdefault(current, (number, {}))
                continue
            key = _KEY.match(line)
            if key is None:
                continue
            self.blocks.setdefault(current, (number, {}))[1].setdefault(
                _unquote(key.group(1)), number)
            rest = line[key.end():]
            for quotes in ('"""', "'''"):
                if rest.count(quotes) % 2 == 1:
                    string_end = quotes
                    break
            else:
                depth = max(0, _open_brackets(rest))

    def line(self, table, index=None, key=None):
        """The line of `key` in a block, else of the block's header, else of the table's
        name at the top level (an inline array of tables), else 1."""
        header, keys = self.blocks.get((table, index), (None, {}))
        if key is not None and key in keys:
            return keys[key]
        if key is not None and (f"{table}.{key}", None) in self.blocks:
            return self.blocks[(f"{table}.{key}", None)][0]
        if header is not None:
            return header
        return self.blocks[("", None)][1].get(table, 1)


def syntax_error(exc, line_count):
    """(line, message) of a tomllib.TOMLDecodeError, whose text ends with its place."""
    message = str(exc)
    found = _AT_LINE.search(message)
    if found:
        return int(found.group(1)), message[:found.start()]
    if _AT_END.search(message):
        return line_count, _AT_END.sub("", message)
    return 1, message


QUESTION_KEYS = tuple(f.name for f in fields(Question))
INSTRUMENT_KEYS = tuple(f.name for f in fields(Instrument) if f.name not in ("questions", "score"))
REQUIRED_INSTRUMENT_KEYS = ("id", "version", "title", "summary", "source")


def _unknown_key(key, known):
    close = difflib.get_close_matches(key, known, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"unknown key {key!r}{hint}; known keys are {', '.join(known)}"


def instrument_from_toml(path, score, **overrides):
    """Build an Instrument from a TOML file with an [instrument] table and [[question]]s.

    The TOML holds the data (id, version, title, summary, source, cadence_days,
    cadence_label, anonymous, shared, min_responses; each question's fields as in
    Question); the code supplies `score`. Other top-level tables are the plugin's own.
    A mistake raises InstrumentError as `path:LINE: question 'x': message`.

    Translations of its texts shipped beside it (`translations/<language>/<file name>`,
    portal/instruments/translated_text.py) are checked and registered, so that its
    texts read in the request's language; a mistake in one is refused the same way.
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InstrumentError(f"{path}: cannot be read: {exc}") from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line, message = syntax_error(exc, max(1, len(text.splitlines())))
        raise InstrumentError(f"{path}:{line}: not valid TOML: {message}") from exc
    lines = TomlLines(text)

    def refuse(line, message, cause=None):
        raise InstrumentError(f"{path}:{line}: {message}") from cause

    meta = data.get("instrument")
    if not isinstance(meta, dict):
        refuse(lines.line("instrument"), "the [instrument] table is missing")
    name = f"instrument {meta['id']!r}" if "id" in meta else "[instrument]"
    for key in meta:
        if key not in INSTRUMENT_KEYS:
            refuse(lines.line("instrument", None, key), f"{name}: {_unknown_key(key, INSTRUMENT_KEYS)}")

    declared = data.get("question", [])
    if not isinstance(declared, list) or not all(isinstance(q, dict) for q in declared):
        refuse(lines.line("question"), "questions must be [[question]] tables")
    questions, first_line = [], {}
    for index, raw in enumerate(declared):
        block = lines.line("question", index)
        label = f"question {raw['id']!r}" if isinstance(raw.get("id"), str) else f"question #{index + 1}"
        for key in raw:
            if key not in QUESTION_KEYS:
                refuse(lines.line("question", index, key), f"{label}: {_unknown_key(key, QUESTION_KEYS)}")
        for key in ("id", "text"):
            if key not in raw:
                refuse(block, f"{label}: {key!r} is missing")
        try:
            question = Question(**raw)
        except InstrumentError as exc:
            refuse(lines.line("question", index, exc.key), str(exc), exc)
        if question.id in first_line:
            refuse(lines.line("question", index, "id"),
                   f"question {question.id!r}: the id is already used by the question on "
                   f"line {first_line[question.id]}")
        first_line[question.id] = block
        questions.append(question)

    meta = {**meta, **overrides}
    for key in REQUIRED_INSTRUMENT_KEYS:
        if key not in meta:
            refuse(lines.line("instrument"), f"{name}: {key!r} is missing")
    try:
        instrument = Instrument(questions=tuple(questions), score=score, **meta)
    except InstrumentError as exc:
        line = (lines.line("instrument", None, exc.key) if exc.key not in overrides
                else lines.line("instrument"))
        refuse(line, str(exc), exc)
    except TypeError as exc:
        refuse(lines.line("instrument"), f"{name}: {exc}", exc)
    try:
        register_instrument_translations(path, instrument.id, data)
    except TranslationError as exc:
        raise InstrumentError(str(exc)) from exc
    return instrument

"""Texts declared in English in a plugin's TOML, read in the request's language.

A plugin ships `translations/<language>/<file name>.toml` beside a TOML file it declares
texts in (`plugins/prm_assessment/translations/de/instrument.toml` beside
`plugins/prm_assessment/instrument.toml`). The translation holds only texts, addressed
as in the declaration: `[instrument]` title, summary, cadence_label;
`[question.<question id>]` text, section, help, guidance, low_label, high_label, unit
and `choices = { <value> = "label" }`; the plugin's own tables by their keys, an
`[[array]]` element with an `id` by `[<array>.<id>]`, a list of texts as a list of the
same length. Keys named id, type, version and source are never texts.

A declared text is a `LocalizedText`: a `str` whose value is the English, so that
snapshots (JSON), comparisons, hashing, sorting and every use outside a request see
the English exactly as declared; only `str()`, `format()` and `__html__` (what Jinja
prints) give the translation for the current request's locale, resolved each time it
is shown. A translation is kept with the English it translates, and applies to a text
only when the text's English equals it: a run's snapshot of a question that has since
been reworded keeps its own English words instead of a translation of other words.
"""
import tomllib
from pathlib import Path

from markupsafe import escape

DEFAULT_LANGUAGE = "en"
#: Keys whose values are never texts a person reads.
NOT_TEXT = frozenset({"id", "type", "version", "source"})

# {language: {key: {English of the current declaration: translation}}}
_CATALOG = {}


class TranslationError(ValueError):
    """A translation file that cannot be used; the message starts with `path:LINE:`."""


def current_language():
    """The request's language ("de"), or None outside a request (then English)."""
    from flask import has_request_context

    if not has_request_context():
        return None
    try:
        from flask_babel import get_locale

        locale = get_locale()
    except Exception:  # an app without Babel, or a locale selector that fails
        return None
    return getattr(locale, "language", None) or (str(locale) if locale else None)


class LocalizedText(str):
    """English underneath (`==`, `hash`, JSON, `len`, slicing, `+`), shown translated.

    `str(text)`, `f"{text}"` and Jinja's `{{ text }}` give the text in the request's
    language when a translation of exactly this English is known, else the English.
    `key` names the text: ("question", question id, field), ("instrument", instrument
    id, field) or ("toml", file, *address).
    """

    def __new__(cls, english, key=None):
        text = super().__new__(cls, english)
        text.key = key
        return text

    @property
    def english(self):
        return str.__str__(self)

    def localized(self, language=None):
        """The text in `language` (default: the request's), else the English."""
        english = self.english
        language = language or current_language()
        if not language or language == DEFAULT_LANGUAGE:
            return english
        return _CATALOG.get(language, {}).get(self.key, {}).get(english) or english

    def __str__(self):
        return self.localized()

    def __format__(self, spec):
        return format(self.localized(), spec)

    def __html__(self):
        return escape(self.localized())

    def __reduce__(self):
        return (type(self), (self.english, self.key))


class CatalogText(LocalizedText):
    """A portal label ("Yes", "Done") translated through the message catalog."""

    def localized(self, language=None):
        english = self.english
        if (language or current_language() or DEFAULT_LANGUAGE) == DEFAULT_LANGUAGE:
            return english
        try:
            from flask_babel import gettext

            return gettext(english)
        except Exception:
            return english


def localized(value, key):
    """`value` as a LocalizedText named `key`; non-texts and empty texts as they are."""
    if not isinstance(value, str) or not value:
        return value
    if type(value) is LocalizedText and value.key == key:
        return value
    return LocalizedText(str.__str__(value), key)


def register(language, key, english, translation):
    """Know `translation` as `language` for the text `key` whose English is `english`."""
    if isinstance(translation, str) and translation.strip():
        _CATALOG.setdefault(language, {}).setdefault(key, {})[str.__str__(english)] = \
            str.__str__(translation)


# --- addressing texts in a TOML file -------------------------------------------------

def _is_pairs(items):
    return bool(items) and all(
        isinstance(item, list) and len(item) == 2 and isinstance(item[0], (int, str))
        and not isinstance(item[0], bool) and isinstance(item[1], str) for item in items)


def _has_ids(items):
    return bool(items) and all(isinstance(item, dict) and isinstance(item.get("id"), str)
                               for item in items)


def declared_texts(data, address=()):
    """{address: English} of every text in parsed TOML `data`.

    An `[[array]]` element with an id is addressed by its id, a `[value, label]` pair
    (a question's choices) by its value (as text), an item of a list by its position.
    """
    found = {}
    if isinstance(data, dict):
        for key, value in data.items():
            if key in NOT_TEXT and isinstance(value, str):
                continue
            found.update(declared_texts(value, (*address, key)))
    elif isinstance(data, list):
        if _has_ids(data):
            for item in data:
                found.update(declared_texts(item, (*address, item["id"])))
        elif _is_pairs(data):
            for value, label in data:
                if label:
                    found[(*address, str(value))] = label
        else:
            for index, item in enumerate(data):
                found.update(declared_texts(item, (*address, index)))
    elif isinstance(data, str) and data:
        found[address] = data
    return found


def _translated_texts(data, address=()):
    """{address: value} of every leaf of a translation (texts, and mistakes)."""
    found = {}
    if isinstance(data, dict):
        for key, value in data.items():
            found.update(_translated_texts(value, (*address, key)))
    elif isinstance(data, list):
        for index, item in enumerate(data):
            found.update(_translated_texts(item, (*address, index)))
    else:
        found[address] = data
    return found


def address_text(address):
    """An address as written in a translation file: question.trust.text, steps[2]."""
    text = ""
    for part in address:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def translation_files(path):
    """{language: translation file} shipped beside the TOML file `path`."""
    path = Path(path)
    folder = path.parent / "translations"
    if not folder.is_dir():
        return {}
    return {lang.name: lang / path.name for lang in sorted(folder.iterdir())
            if lang.is_dir() and (lang / path.name).is_file()}


def _line(text, address):
    from portal.instruments.toml_declarations import TomlLines

    names = [str(part) for part in address if not isinstance(part, int)]
    if not names:
        return 1
    return TomlLines(text).line(".".join(names[:-1]), None, names[-1])


def read_translation(path, language, declared):
    """{address: translation} of the `language` file beside `path`, checked against the
    declared texts {address: English}: a text the declaration lacks, a value that is
    not text or a file that is not TOML raises TranslationError with the line."""
    file = translation_files(path).get(language)
    if file is None:
        return {}
    try:
        text = file.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (OSError, UnicodeDecodeError) as exc:
        raise TranslationError(f"{file}: cannot be read: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        from portal.instruments.toml_declarations import syntax_error

        line, message = syntax_error(exc, max(1, len(text.splitlines())))
        raise TranslationError(f"{file}:{line}: not valid TOML: {message}") from exc
    found = {}
    for address, value in _translated_texts(data).items():
        if address not in declared:
            raise TranslationError(
                f"{file}:{_line(text, address)}: {address_text(address)} is not a text "
                f"of {Path(path).name}")
        if not isinstance(value, str):
            raise TranslationError(
                f"{file}:{_line(text, address)}: {address_text(address)} must be text, "
                f"not {value!r}")
        found[address] = value
    return found


def _file_key(path, address):
    return ("toml", str(Path(path).resolve()), *address)


def load_toml(path):
    """Parsed TOML whose texts are LocalizedText, with the translations shipped beside
    it registered. For a plugin's own data: `STAGES = load_toml(path)["stage"]`."""
    path = Path(path)
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    declared = declared_texts(data)
    for language in translation_files(path):
        for address, text in read_translation(path, language, declared).items():
            register(language, _file_key(path, address), declared[address], text)
    return _wrap(data, path, ())


def _wrap(data, path, address):
    if isinstance(data, dict):
        return {key: (value if key in NOT_TEXT and isinstance(value, str)
                      else _wrap(value, path, (*address, key)))
                for key, value in data.items()}
    if isinstance(data, list):
        if _has_ids(data):
            return [_wrap(item, path, (*address, item["id"])) for item in data]
        if _is_pairs(data):
            return [[value, localized(label, _file_key(path, (*address, str(value))))]
                    for value, label in data]
        return [_wrap(item, path, (*address, index)) for index, item in enumerate(data)]
    if isinstance(data, str):
        return localized(data, _file_key(path, address))
    return data


def instrument_key(instrument_id, address):
    """The key of an instrument's text from its address in the TOML file, or None
    when the address is in one of the plugin's own tables."""
    if address[0] == "instrument" and len(address) == 2:
        return ("instrument", instrument_id, address[1])
    if address[0] == "question" and len(address) >= 3:
        return ("question", *address[1:])
    return None


def register_instrument_translations(path, instrument_id, data):
    """Register the translations shipped beside an instrument's TOML file `path`
    (parsed as `data`): the instrument's and its questions' texts, and the texts of the
    plugin's own tables (read with `load_toml`)."""
    declared = declared_texts(data)
    for language in translation_files(path):
        for address, text in read_translation(path, language, declared).items():
            key = instrument_key(instrument_id, address)
            if key is not None:
                register(language, key, declared[address], text)
            register(language, _file_key(path, address), declared[address], text)


def missing_translations(path, language):
    """The addresses of the texts in the TOML file `path` that the `language` file
    beside it does not translate (for a plugin's tests)."""
    declared = declared_texts(tomllib.loads(Path(path).read_text(encoding="utf-8")))
    translated = read_translation(path, language, declared)
    return [address for address in declared if not (translated.get(address) or "").strip()]

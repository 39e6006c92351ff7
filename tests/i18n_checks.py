"""Finds text a person would read that is not marked for translation (issue 14).

Used by tests/test_i18n.py, and from the command line while marking messages:

    python tests/i18n_checks.py [FILE_OR_FOLDER ...] [--po CATALOG.po]

With --po it also lists the marked messages of those files that the catalog has no
(complete, not fuzzy) translation for.

- Templates: the text between tags and the attributes people read (title, placeholder,
  aria-label, alt, the value of a button) in the template's own HTML, that is outside
  `{{ _("…") }}` and `{% trans %}`; and string constants passed to macros or set as
  variables that read as words ("Save", "Your name"), which the page shows as they are.
- Python: the first argument (and `message=`, `title=`, `label=`, `description=`) of the
  calls that put text on a page: flash, form fields and validators' messages, error
  pages, navigation items, a string literal where a translation call belongs.
"""
import ast
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

from jinja2 import Environment, nodes

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = " "  # where an expression was: a space, which fits inside a tag too
READ_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt", "aria-description", "label",
                   "aria-roledescription", "aria-valuetext"}
BUTTON_TYPES = {"submit", "button", "reset"}
#: Words that are the same in every language the portal speaks.
SAME_IN_EVERY_LANGUAGE = {"PRM", "AHP", "CSV", "ICS", "iCal", "OK", "E-mail", "htmx", "×",
                          "Partnership Portal", "axe", "Markdown", "UTC", "ID", "URL", "4 I's"}
WORDS = re.compile(r"[^\W\d_]{2,}")
#: Calls whose string arguments are code, not text: endpoints, names, formats, classes.
CODE_CALLS = {"url_for", "_", "gettext", "ngettext", "pgettext", "npgettext", "lazy_gettext",
              "theme_file_url", "asset_url", "plugin_static", "navigation", "get", "format",
              "strftime", "local_time", "day", "dateformat", "datetimeformat", "join",
              "startswith", "endswith", "replace", "split", "selectattr", "rejectattr", "map",
              "sort", "groupby", "attr", "default", "is_current", "render", "include",
              "icon", "pluralize"}
PROSE = re.compile(r"^(?:[A-Z][a-z'’]+|[A-Z][a-z'’]*\s.*[a-z].*)$")


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found, self.skipping = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skipping += 1
        values = dict(attrs)
        for name, value in attrs:
            if value and (name in READ_ATTRIBUTES or (
                    name == "value" and tag == "input"  # a <button>'s value is never shown
                    and (values.get("type") or "").lower() in BUTTON_TYPES)):
                self.found.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self.skipping:
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping:
            self.found.append(data)


def _reads_as_words(text):
    text = " ".join(text.replace(PLACEHOLDER, " ").split())
    return bool(text) and text not in SAME_IN_EVERY_LANGUAGE and bool(WORDS.search(
        " ".join(w for w in text.split() if w not in SAME_IN_EVERY_LANGUAGE)))


def _callee(call):
    target = call.node
    return getattr(target, "name", None) or getattr(target, "attr", None)


def template_literals(source, environment=None):
    """The untranslated texts of one template's source, in order."""
    environment = environment or Environment(extensions=["jinja2.ext.i18n"])
    tree = environment.parse(source)
    html = PLACEHOLDER.join(
        "".join(child.data if isinstance(child, nodes.TemplateData) else PLACEHOLDER
                for child in output.nodes)
        for output in tree.find_all(nodes.Output))
    reader = _Reader()
    reader.feed(html)
    reader.close()
    found = [" ".join(text.replace(PLACEHOLDER, " ").split()) for text in reader.found
             if _reads_as_words(text)]
    # Constants that read as words, given to a macro or set as a variable.
    code = set()
    for call in tree.find_all(nodes.Call):
        if _callee(call) in CODE_CALLS:
            code.update(id(c) for arg in [*call.args, *(k.value for k in call.kwargs)]
                        for c in [arg, *arg.find_all(nodes.Const)])
    for test in tree.find_all((nodes.Compare, nodes.Getitem, nodes.Test, nodes.Filter)):
        code.update(id(c) for c in test.find_all(nodes.Const))
    for const in tree.find_all(nodes.Const):
        value = const.value
        if (isinstance(value, str) and id(const) not in code and PROSE.match(value.strip())
                and _reads_as_words(value) and not value.isupper()):
            found.append(value)
    return found


#: Calls that show their text argument to a person, and the keywords that carry text.
TEXT_CALLS = {"flash", "ValidationError", "error_page", "NavItem", "InputRequired",
              "DataRequired", "Length", "NumberRange", "Email", "Optional", "Regexp",
              "EqualTo", "AnyOf", "NoneOf", "abort"}
TEXT_KEYWORDS = {"message", "title", "label", "description", "placeholder"}


def _python_literals(path):
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found = []
    for call in ast.walk(tree):
        if not isinstance(call, ast.Call):
            continue
        name = getattr(call.func, "id", None) or getattr(call.func, "attr", None) or ""
        candidates = []
        if name in TEXT_CALLS or (name.endswith("Field") and name != "ForeignKeyField"):
            if name != "abort":
                candidates += call.args[:1]
            candidates += [k.value for k in call.keywords if k.arg in TEXT_KEYWORDS]
        for value in candidates:
            if (isinstance(value, ast.Constant) and isinstance(value.value, str)
                    and _reads_as_words(value.value)):
                found.append(f"line {value.lineno}: {value.value!r}")
            elif isinstance(value, ast.JoinedStr):
                found.append(f"line {value.lineno}: an f-string (use _('…%(name)s…', name=…))")
    return found


def literals_in(path, environment=None):
    path = Path(path)
    if path.suffix == ".html":
        return template_literals(path.read_text(encoding="utf-8"), environment)
    if path.suffix == ".py":
        return _python_literals(path)
    return []


def files_under(*places):
    for place in places:
        place = Path(place).resolve()
        if place.is_file():
            yield place
            continue
        for path in sorted(place.rglob("*")):
            if path.suffix == ".html" and "templates" in path.parts:
                yield path
            elif path.suffix == ".py" and "migrations" not in path.parts:
                yield path


JINJA_OPTIONS = {"extensions": "jinja2.ext.i18n", "trimmed": "true", "newstyle_gettext": "true"}
#: Flask-Babel's lazy forms, as `pybabel extract -k _l -k lazy_gettext` finds them.
LAZY_KEYWORDS = {"_l": None, "lazy_gettext": None, "lazy_ngettext": (1, 2)}


def messages_in(*places):
    """{(context, msgid): [where]} of the marked messages, as `pybabel extract -F
    babel.cfg -k _l -k lazy_gettext` finds them; msgid is a tuple for plurals, context
    None but for pgettext."""
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file

    keywords = {**DEFAULT_KEYWORDS, **LAZY_KEYWORDS}
    found = {}
    for path in files_under(*places):
        method = "jinja2" if path.suffix == ".html" else "python"
        options = JINJA_OPTIONS if method == "jinja2" else {}
        for lineno, message, _comments, context in extract_from_file(
                method, str(path), keywords=keywords, options=options):
            found.setdefault((context, message), []).append(f"{path.relative_to(ROOT)}:{lineno}")
    return found


def untranslated(po_path, messages):
    """The messages a catalog lacks, or holds without a (complete) translation or fuzzy."""
    from babel.messages.pofile import read_po

    with open(po_path, "rb") as handle:
        catalog = read_po(handle)
    missing = []
    for context, message_id in messages:
        key = message_id[0] if isinstance(message_id, tuple) else message_id
        entry = catalog.get(key, context=context)
        strings = (entry.string if entry else None) or ""
        strings = strings if isinstance(strings, tuple) else (strings,)
        if (entry is None or entry.fuzzy or not all(strings)
                or isinstance(message_id, tuple) != isinstance(entry.id, tuple)):
            missing.append((context, message_id))
    return missing


def main(argv):
    po = None
    if "--po" in argv:
        at = argv.index("--po")
        po, argv = argv[at + 1], argv[:at] + argv[at + 2:]
    places = argv or [ROOT / "portal", ROOT / "plugins", ROOT / "themes"]
    total = 0
    for path in files_under(*places):
        found = literals_in(path)
        if found:
            total += len(found)
            print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}:")
            for text in found:
                print(f"    {text}")
    print(f"{total} untranslated")
    if po:
        messages = messages_in(*places)
        missing = untranslated(po, messages)
        for message_id in missing:
            print(f"not in {po}: {message_id!r} ({messages[message_id][0]})")
        print(f"{len(messages)} messages, {len(missing)} without a translation in {po}")
        total += len(missing)
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

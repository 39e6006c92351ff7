"""Markdown to safe HTML, once, when text is saved (never per request: DESIGN §8).

The one pipeline for every text users write: the agreement's sections, library items
and cohort posts all go through `convert` and then `sanitize` (nh3 with one allow-list:
no script, no event handlers, no javascript: URLs), each turning on only what it needs.
"""
import re
import threading

import markdown
import nh3
from markdown.extensions import Extension
from markdown.inlinepatterns import (
    BACKTICK_RE, IMAGE_LINK_RE, IMAGE_REFERENCE_RE, LINK_RE, REFERENCE_RE,
    BacktickInlineProcessor, ImageInlineProcessor, ImageReferenceInlineProcessor,
    LinkInlineProcessor, ReferenceInlineProcessor, ShortImageReferenceInlineProcessor,
    ShortReferenceInlineProcessor)
from markdown.preprocessors import Preprocessor

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4",
    "h5", "h6", "hr", "i", "ins", "li", "ol", "p", "pre", "s", "strong", "sub", "sup",
    "table", "tbody", "td", "th", "thead", "tr", "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}


class _OnlyWhenPossible:
    """Inline patterns that look no further when their text cannot hold what they find.

    Python-Markdown 3.11 meets every `[` by scanning the whole paragraph, character by
    character in Python, once per link pattern: converting a section with bracketed
    placeholders such as "[Client]" took 1.3 ms, four times as long as without the
    brackets (issue 12). Yet an inline link or image needs `](` right after its text,
    and a reference link (`[text][id]`, `[id]`) a definition (`[id]: https://…`) in the
    same text; without them each pattern finds nothing, and now says so at once. The
    code-span pattern, whose expression starts with a look-behind the regular expression
    engine tries at every character (0.1 ms for a 2 KB paragraph), needs a backtick. So a
    pattern matches nowhere when the whole text lacks what it needs (`possible_in_text`),
    and an inline link turns down each `[` of a paragraph without `](` (`possible`). The
    output is unchanged (tests/test_markup.py)."""

    def possible(self, data):
        """Whether this piece of the text could hold the match."""
        return True

    def possible_in_text(self):
        """Whether the text being converted could hold the match anywhere."""
        return True

    def handleMatch(self, m, data):
        if not self.possible(data):
            return None, None, None
        return super().handleMatch(m, data)

    def getCompiledRegExp(self):
        return self.compiled_re if self.possible_in_text() else _NOWHERE


class _Inventory(Preprocessor):
    """What the whole text holds, noted after every other preprocessor (fenced code and
    raw HTML are set aside by then) and before any inline pattern runs: an inline pattern
    only ever sees pieces of these lines, never a character they lack."""

    def __init__(self, md):
        super().__init__(md)
        self.found = {}

    def run(self, lines):
        text = "\n".join(lines)
        self.found = {"`": "`" in text, "](": "](" in text}
        return lines

    def holds(self, chars):
        return self.found.get(chars, True)


class _Faster(Extension):
    #: The patterns as Python-Markdown registers them: name, class, pattern, priority,
    #: and what a match needs.
    PATTERNS = (
        ("backtick", BacktickInlineProcessor, BACKTICK_RE, 190, "code"),
        ("reference", ReferenceInlineProcessor, REFERENCE_RE, 170, "references"),
        ("link", LinkInlineProcessor, LINK_RE, 160, "inline"),
        ("image_link", ImageInlineProcessor, IMAGE_LINK_RE, 150, "inline"),
        ("image_reference", ImageReferenceInlineProcessor, IMAGE_REFERENCE_RE, 140, "references"),
        ("short_reference", ShortReferenceInlineProcessor, REFERENCE_RE, 130, "references"),
        ("short_image_ref", ShortImageReferenceInlineProcessor, IMAGE_REFERENCE_RE, 125,
         "references"),
    )

    def extendMarkdown(self, md):
        inventory = _Inventory(md)
        md.preprocessors.register(inventory, "portal_inventory", 0)
        checks = {
            "code": {"possible_in_text": lambda self: inventory.holds("`")},
            "references": {"possible_in_text": lambda self: bool(md.references)},
            "inline": {"possible_in_text": lambda self: inventory.holds("]("),
                       "possible": lambda self, data: "](" in data},
        }
        for name, processor, pattern, priority, needs in self.PATTERNS:
            faster = type(processor.__name__, (_OnlyWhenPossible, processor), checks[needs])
            # The code-span pattern is made without the Markdown instance, as in the library.
            made = faster(pattern) if needs == "code" else faster(pattern, md)
            md.inlinePatterns.register(made, name, priority)


#: Matches nowhere, and says so at once (`\A`: only the start of the text is tried).
_NOWHERE = re.compile(r"\A(?!)")


EXTENSIONS = ["tables", "sane_lists", "fenced_code", _Faster()]


def convert(text, *, html_as_text=False, anchored_headings=False):
    """(html, headings) from Markdown, before sanitizing.

    `html_as_text`: HTML in the text is shown as typed instead of interpreted, so a
    `<script>` in a post appears as characters rather than vanishing in the sanitizer.
    `anchored_headings`: headings get ids, and `headings` lists them (level, id, name)
    for a table of contents; otherwise it is empty.
    """
    md = _converter(html_as_text, anchored_headings)
    html = md.reset().convert(text or "")
    headings = [(t["level"], t["id"], t["name"]) for t in _flatten(getattr(md, "toc_tokens", []))]
    return html, headings


_converters = threading.local()


def _converter(html_as_text, anchored_headings):
    """A Markdown instance per thread and set of options, reset before each text:
    building one (its parser, its extensions) took longer than converting a section."""
    made = getattr(_converters, "made", None)
    if made is None:
        made = _converters.made = {}
    key = (html_as_text, anchored_headings)
    if key not in made:
        md = markdown.Markdown(extensions=EXTENSIONS + (["toc"] if anchored_headings else []),
                               extension_configs={"toc": {"permalink": False}},
                               output_format="html")
        if html_as_text:
            md.preprocessors.deregister("html_block")
            md.inlinePatterns.deregister("html")
        made[key] = md
    return made[key]


def sanitize(html, *, images=False, heading_ids=False, rewrite_url=None):
    """The allow-list applied to every rendered text; images and heading ids on request.

    `rewrite_url(tag, attribute, value)` may change or drop (None) a URL, as nh3's
    attribute filter does.
    """
    tags = ALLOWED_TAGS | ({"img"} if images else set())
    attributes = dict(ALLOWED_ATTRIBUTES)
    if images:
        attributes["img"] = {"src", "alt", "title"}
    if heading_ids:
        attributes.update({h: {"id"} for h in ("h2", "h3", "h4")})
    return nh3.clean(html, tags=tags, attributes=attributes, url_schemes=URL_SCHEMES,
                     link_rel="noopener noreferrer nofollow", attribute_filter=rewrite_url)


def render_markdown(text, *, html_as_text=False):
    """Rendered and sanitized text, for sections of the agreement and posts."""
    html, _ = convert(text, html_as_text=html_as_text)
    return sanitize(html)


def _flatten(tokens):
    for token in tokens:
        yield token
        yield from _flatten(token.get("children", []))

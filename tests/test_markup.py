"""The portal's faster link patterns (portal/markup.py) give Python-Markdown's own HTML."""
import random
from pathlib import Path

import markdown
import pytest

from portal import markup

ROOT = Path(__file__).resolve().parent.parent


def texts():
    """The shipped library and docs, and strings made of what link patterns look at:
    brackets, parentheses, escapes, backticks, and half of them with definitions."""
    found = [path.read_text(encoding="utf-8") for folder in ("content", "docs")
             for path in sorted((ROOT / folder).rglob("*.md"))]
    found += ["[a][b]\n\n[b]: http://x.example", "[Client] and [Supplier]",
              "![img][i]\n\n[i]: https://i.example/x.png", "[a [b] c](http://u) [unclosed [ [ ] ]",
              "`[code]` \\[esc\\] [a]\n[a]: http://x", "```\n[x][y]\n```\n\n[y]: http://y"]
    chosen = random.Random(3)
    for _ in range(800):
        text = "".join(chosen.choice("[]()!ab \n:*_`<>\\h") for _ in range(chosen.randint(1, 60)))
        if chosen.random() < 0.5:
            text += "\n\n[a]: http://a.example\n[b]: http://b.example 'x'"
        found.append(text)
    return found


@pytest.mark.parametrize("html_as_text", [False, True])
@pytest.mark.parametrize("anchored_headings", [False, True])
def test_every_text_converts_as_python_markdown_converts_it(html_as_text, anchored_headings):
    extensions = ["tables", "sane_lists", "fenced_code"] + (["toc"] if anchored_headings else [])
    plain = markdown.Markdown(extensions=extensions, output_format="html",
                              extension_configs={"toc": {"permalink": False}})
    if html_as_text:
        plain.preprocessors.deregister("html_block")
        plain.inlinePatterns.deregister("html")
    all_texts = texts()
    assert len(all_texts) > 800  # the library and docs were found too
    for text in all_texts:
        html, _ = markup.convert(text, html_as_text=html_as_text,
                                 anchored_headings=anchored_headings)
        assert html == plain.reset().convert(text), text

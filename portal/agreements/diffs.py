"""Readable diffs: line by line, with the changed words marked inside changed lines."""
import difflib
import re

from markupsafe import Markup, escape

WORDS = re.compile(r"\s+|[^\s]+")


def _words(old, new):
    """One changed line pair as HTML with <del>/<ins> around the words that differ."""
    a, b = WORDS.findall(old), WORDS.findall(new)
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(escape("".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(Markup("<del>{}</del>").format("".join(a[i1:i2])))
        if j2 > j1:
            out.append(Markup("<ins>{}</ins>").format("".join(b[j1:j2])))
    return Markup("").join(out)


def diff_rows(old, new):
    """[(kind, html)] with kind same / removed / added / changed, for a diff table."""
    a, b = old.splitlines(), new.splitlines()
    rows = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            rows.extend(("same", escape(line)) for line in a[i1:i2])
        elif op == "delete":
            rows.extend(("removed", escape(line)) for line in a[i1:i2])
        elif op == "insert":
            rows.extend(("added", escape(line)) for line in b[j1:j2])
        else:
            pairs = max(i2 - i1, j2 - j1)
            for k in range(pairs):
                left = a[i1 + k] if i1 + k < i2 else None
                right = b[j1 + k] if j1 + k < j2 else None
                if left is None:
                    rows.append(("added", escape(right)))
                elif right is None:
                    rows.append(("removed", escape(left)))
                else:
                    rows.append(("changed", _words(left, right)))
    return rows


def changed(rows):
    return any(kind != "same" for kind, _ in rows)

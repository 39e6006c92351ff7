"""Three-way merge of an agreement section's Markdown when someone saves on a stale base.

The approach is MediaWiki's: a line-level merge with merge3 (patiencediff as the
matcher), then a character-level retry of each conflicting region with
diff-match-patch, accepted only when applying "base -> mine" to theirs and
"base -> theirs" to mine give the same text. Anything else stays a conflict that a
person resolves; a merge never guesses. That is why a CRDT is not used: two people
changing "48 hours" to 24 and to 72 must be asked, not be given "7224 hours".

Every piece of a result is made of whole lines, each ending in "\\n". Whether the
document ends with a newline is merged separately (see ``MergeResult.final_newline``)
so that a textarea that posts "a" and one that posts "a\\n" do not collide on the last
line.
"""
from dataclasses import dataclass

import merge3
import patiencediff
from diff_match_patch import diff_match_patch

SAME = "same"
CONFLICT = "conflict"

# diff-match-patch pads the text with these characters while applying patches; a
# text that contains them could match the padding, so such regions are not retried.
_DMP_PADDING_CHARS = "\x01\x02\x03\x04"

# A fuzzy match of a pattern of at most Match_MaxBits (32) characters with e >= 1
# errors scores at least 1/32; exact matches score distance / Match_Distance. With
# this threshold and distance only exact matches pass, at any distance that a
# section can have, and the nearest one wins.
_EXACT_MATCH_THRESHOLD = 0.01
_EXACT_MATCH_DISTANCE = 10**12

# diff-match-patch gives a patch Patch_Margin characters of context on each side (and
# twice that before a pure insertion). The default 4 makes two edits of one line
# collide when they are a short word apart ("grow" -> "build" and " together" before
# the full stop of "grow skills."); 2 still catches any edit that touches the other
# side's changed characters, because a patch's text always includes what it replaces.
_PATCH_MARGIN = 2

# Bounds the time diff-match-patch spends on one conflicting region. A diff cut short
# is still correct, only coarser, so at worst the region stays a conflict.
_DIFF_TIMEOUT_SECONDS = 0.5


@dataclass(frozen=True)
class Hunk:
    """One piece of a merge result, in document order.

    A "same" hunk holds agreed text. A "conflict" hunk holds the base text of the
    region and what each side made of it, so that the conflict view can show them
    side by side and nobody's text is lost.
    """

    kind: str
    text: str = ""
    base: str = ""
    theirs: str = ""
    mine: str = ""


@dataclass(frozen=True)
class MergeResult:
    """The hunks of a merge, and whether the merged document ends with a newline.

    ``final_newline`` is kept apart from the hunks because every hunk is made of whole
    lines: it is three-way merged on its own (a boolean cannot conflict) and applied
    when the document is put together.
    """

    hunks: tuple
    final_newline: bool = True

    @property
    def clean(self) -> bool:
        """True when no region needs a person to choose."""
        return not self.conflicts

    @property
    def conflicts(self) -> tuple:
        """The conflict hunks, in document order."""
        return tuple(hunk for hunk in self.hunks if hunk.kind == CONFLICT)

    @property
    def text(self) -> str:
        """The merged document; only a clean merge has one without a person's choice."""
        if not self.clean:
            raise ValueError(f"merge has {len(self.conflicts)} unresolved conflict(s)")
        return self._assemble(hunk.text for hunk in self.hunks)

    def resolve(self, choices) -> str:
        """Build the document with one chosen text per conflict, in order.

        A choice comes from a conflict's theirs/mine/base or from a textarea, so it
        is normalized the way posted text is: CRLF becomes LF, and a non-empty choice
        gets its closing newline so that it cannot run into the next line.
        """
        choices = list(choices)
        if len(choices) != len(self.conflicts):
            raise ValueError(
                f"{len(self.conflicts)} conflict(s) need a choice each, got {len(choices)}"
            )
        remaining = iter(choices)
        pieces = []
        for hunk in self.hunks:
            if hunk.kind == CONFLICT:
                pieces.append(_close_last_line(_normalize_newlines(_as_text(next(remaining)))))
            else:
                pieces.append(hunk.text)
        return self._assemble(pieces)

    def _assemble(self, pieces) -> str:
        """Join whole-line pieces and give the document its merged final newline."""
        document = "".join(pieces)
        if not self.final_newline and document.endswith("\n"):
            document = document[:-1]
        return document


def three_way_merge(base: str, theirs: str, mine: str) -> MergeResult:
    """Merge the user's text (mine) with the text saved since their base (theirs)."""
    base, theirs, mine = (_normalize_newlines(text) for text in (base, theirs, mine))
    final_newline = _merge_flag(
        _has_final_newline(base), _has_final_newline(theirs), _has_final_newline(mine)
    )
    if mine == theirs or theirs == base:
        return _clean_result(mine)
    if mine == base:
        return _clean_result(theirs)
    hunks = _line_merge(_lines(base), _lines(theirs), _lines(mine))
    return MergeResult(hunks=_join_same_hunks(hunks), final_newline=final_newline)


def _as_text(choice) -> str:
    """Refuse anything but text, so a stray None never becomes the string "None"."""
    if not isinstance(choice, str):
        raise TypeError(f"a conflict choice must be a str, not {type(choice).__name__}")
    return choice


def _normalize_newlines(text: str) -> str:
    """Browsers post CRLF; old Mac text has lone CR. Merging compares LF-only text."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _has_final_newline(text: str) -> bool:
    """An empty text has no unterminated last line, so it counts as terminated."""
    return text == "" or text.endswith("\n")


def _close_last_line(text: str) -> str:
    """Give a non-empty text its final newline, so that it splits into whole lines."""
    return text if _has_final_newline(text) else text + "\n"


def _merge_flag(base: bool, theirs: bool, mine: bool) -> bool:
    """Three-way merge of a boolean: whoever changed it wins; both changing it agree."""
    return theirs if mine == base else mine


def _lines(text: str) -> list:
    """Split into lines that each end with "\\n".

    str.splitlines() would also split on form feeds, U+2028 and the like, which are
    ordinary characters in Markdown text, and a piece ending in one of them would
    break the rule that every piece is whole "\\n" lines. So only "\\n" splits here.
    """
    closed = _close_last_line(text)
    return [line + "\n" for line in closed.split("\n")[:-1]]


def _clean_result(document: str) -> MergeResult:
    """A merge that needs no work: the document as one agreed hunk."""
    closed = _close_last_line(document)
    hunks = (Hunk(SAME, text=closed),) if closed else ()
    return MergeResult(hunks=hunks, final_newline=_has_final_newline(document))


def _line_merge(base_lines: list, theirs_lines: list, mine_lines: list) -> list:
    """merge3 over lines; each conflicting region gets a character-level retry."""
    merger = merge3.Merge3(
        base_lines,
        theirs_lines,
        mine_lines,
        sequence_matcher=patiencediff.PatienceSequenceMatcher,
    )
    hunks = []
    for region in merger.merge_regions():
        kind = region[0]
        if kind == "unchanged":
            hunks.append(Hunk(SAME, text="".join(base_lines[region[1] : region[2]])))
        elif kind in ("a", "same"):
            hunks.append(Hunk(SAME, text="".join(theirs_lines[region[1] : region[2]])))
        elif kind == "b":
            hunks.append(Hunk(SAME, text="".join(mine_lines[region[1] : region[2]])))
        elif kind == "conflict":
            _, z1, z2, a1, a2, b1, b2 = region
            hunks.append(
                _resolve_region(
                    "".join(base_lines[z1:z2]),
                    "".join(theirs_lines[a1:a2]),
                    "".join(mine_lines[b1:b2]),
                )
            )
        else:
            raise AssertionError(f"unknown merge3 region kind {kind!r}")
    return hunks


def _resolve_region(base: str, theirs: str, mine: str) -> Hunk:
    """A conflicting region becomes agreed text only if the character merge is sure."""
    merged = _character_merge(base, theirs, mine)
    if merged is None:
        return Hunk(CONFLICT, base=base, theirs=theirs, mine=mine)
    return Hunk(SAME, text=merged)


def _character_merge(base: str, theirs: str, mine: str):
    """Apply each side's character changes to the other; None unless both agree.

    Both directions must apply every patch exactly and reach the same text. When two
    edits touch the same characters (or come within the patches' few characters of
    context), a patch cannot find its context and the region stays a conflict. The
    result must also be whole lines, or it would run into the next hunk.
    """
    if any(char in text for text in (base, theirs, mine) for char in _DMP_PADDING_CHARS):
        return None
    dmp = _strict_dmp()
    mine_into_theirs = _apply_exactly(dmp, dmp.patch_make(base, mine), theirs)
    theirs_into_mine = _apply_exactly(dmp, dmp.patch_make(base, theirs), mine)
    if mine_into_theirs is None or mine_into_theirs != theirs_into_mine:
        return None
    if not _has_final_newline(mine_into_theirs):
        return None
    return mine_into_theirs


def _strict_dmp() -> diff_match_patch:
    """diff-match-patch that applies a patch only where its text matches exactly.

    The defaults (Match_Threshold 0.5, Patch_DeleteThreshold 0.5) accept a patch whose
    text only roughly matches: with them, "Respond within 48 hours." edited to 24 and
    to 72 comes out as "272 hours" one way and "27 hours" the other. Here a fuzzy
    match can never pass and a large deletion must match character for character.
    """
    dmp = diff_match_patch()
    dmp.Match_Threshold = _EXACT_MATCH_THRESHOLD
    dmp.Match_Distance = _EXACT_MATCH_DISTANCE
    dmp.Patch_DeleteThreshold = 0.0
    dmp.Patch_Margin = _PATCH_MARGIN
    dmp.Diff_Timeout = _DIFF_TIMEOUT_SECONDS
    return dmp


def _apply_exactly(dmp: diff_match_patch, patches: list, text: str):
    """The patched text, or None when any patch failed to apply."""
    patched, applied = dmp.patch_apply(patches, text)
    return patched if all(applied) else None


def _join_same_hunks(hunks: list) -> tuple:
    """Adjacent agreed pieces read as one hunk; empty agreed pieces carry nothing.

    Pieces are gathered and joined once per run: adding them one by one would copy
    the growing text for every piece of a long section.
    """
    joined, run = [], []
    for hunk in hunks:
        if hunk.kind == SAME:
            run.append(hunk.text)
            continue
        _flush_same_run(joined, run)
        joined.append(hunk)
    _flush_same_run(joined, run)
    return tuple(joined)


def _flush_same_run(joined: list, run: list) -> None:
    """Close a run of agreed pieces into one hunk, unless it holds no text."""
    text = "".join(run)
    if text:
        joined.append(Hunk(SAME, text=text))
    run.clear()

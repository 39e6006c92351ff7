"""The three-way merge of a section saved on a stale base: merged when sure, else asked.

The promise to users is twofold: changes that do not touch are merged, and changes
that do are shown side by side instead of being blended ("7224 hours"). The property
tests check both halves over generated documents; the unit tests pin the cases the
issue names.
"""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.agreements.merge import Hunk, MergeResult, three_way_merge

WORDS = ("client", "supplier", "trainer", "report", "session", "review", "goal", "plan")

SLA_BASE = "# Service levels\n\nRespond within 48 hours.\nEscalate after two days.\n"


def _sla(hours: str) -> str:
    """The service-level section with the response time set to ``hours``."""
    return SLA_BASE.replace("48 hours", f"{hours} hours")


# --- the "48 hours" clash ------------------------------------------------------------


def test_two_different_numbers_for_the_same_deadline_are_a_conflict():
    result = three_way_merge(SLA_BASE, _sla("24"), _sla("72"))

    assert not result.clean
    assert result.conflicts == (
        Hunk(
            "conflict",
            base="Respond within 48 hours.\n",
            theirs="Respond within 24 hours.\n",
            mine="Respond within 72 hours.\n",
        ),
    )


def test_the_deadline_clash_never_blends_the_numbers():
    """What a CRDT or a fuzzy patch would produce must not appear anywhere."""
    for theirs, mine in (("24", "72"), ("72", "24"), ("24", "42"), ("480", "148")):
        result = three_way_merge(SLA_BASE, _sla(theirs), _sla(mine))
        assert not result.clean, (theirs, mine)
        agreed = "".join(hunk.text for hunk in result.hunks)
        for blend in ("7224", "2472", "272", "27 hours", "2442", "4224"):
            assert blend not in agreed


def test_the_deadline_clash_keeps_the_agreed_parts_around_the_conflict():
    result = three_way_merge(SLA_BASE, _sla("24"), _sla("72"))

    kinds = [hunk.kind for hunk in result.hunks]
    assert kinds == ["same", "conflict", "same"]
    assert result.hunks[0].text == "# Service levels\n\n"
    assert result.hunks[2].text == "Escalate after two days.\n"


def test_text_of_a_conflicted_merge_is_refused():
    result = three_way_merge(SLA_BASE, _sla("24"), _sla("72"))

    with pytest.raises(ValueError):
        result.text


def test_resolving_with_each_side_gives_that_sides_document():
    result = three_way_merge(SLA_BASE, _sla("24"), _sla("72"))

    assert result.resolve([result.conflicts[0].mine]) == _sla("72")
    assert result.resolve([result.conflicts[0].theirs]) == _sla("24")


def test_resolving_with_an_edited_text_from_a_textarea():
    """A textarea posts CRLF and no final newline; the choice must not run into the next line."""
    result = three_way_merge(SLA_BASE, _sla("24"), _sla("72"))

    assert result.resolve(["Respond within 36 hours."]) == _sla("36")
    assert result.resolve(["Respond within 36 hours.\r\n"]) == _sla("36")


def test_resolve_needs_one_text_per_conflict():
    result = three_way_merge(SLA_BASE, _sla("24"), _sla("72"))

    with pytest.raises(ValueError):
        result.resolve([])
    with pytest.raises(ValueError):
        result.resolve(["a", "b"])
    with pytest.raises(TypeError):
        result.resolve([None])


# --- what merges cleanly ---------------------------------------------------------------


def test_two_edits_of_one_line_in_different_words_merge_at_character_level():
    base = "# Vision\n\nVision: grow skills.\n"
    theirs = "# Vision\n\nVision: build skills.\n"
    mine = "# Vision\n\nVision: grow skills together.\n"

    result = three_way_merge(base, theirs, mine)

    assert result.clean
    assert result.text == "# Vision\n\nVision: build skills together.\n"


def test_two_edits_on_different_lines_merge_at_line_level():
    base = "Scope: onboarding.\nBudget: fixed.\nLength: six months.\nReview: monthly.\n"
    theirs = "Scope: onboarding and coaching.\nBudget: fixed.\nLength: six months.\nReview: monthly.\n"
    mine = "Scope: onboarding.\nBudget: fixed.\nLength: six months.\nReview: every two weeks.\n"

    result = three_way_merge(base, theirs, mine)

    assert result.clean
    assert result.text == (
        "Scope: onboarding and coaching.\nBudget: fixed.\nLength: six months.\n"
        "Review: every two weeks.\n"
    )


def test_deleting_a_line_the_other_side_edited_is_a_conflict():
    base = "Intro.\nThe supplier reports monthly.\nOutro.\n"
    theirs = "Intro.\nOutro.\n"
    mine = "Intro.\nThe supplier reports weekly.\nOutro.\n"

    result = three_way_merge(base, theirs, mine)

    assert not result.clean
    (conflict,) = result.conflicts
    assert conflict.theirs == ""
    assert conflict.mine == "The supplier reports weekly.\n"
    assert result.resolve([conflict.mine]) == mine
    assert result.resolve([conflict.theirs]) == theirs


def test_the_same_change_on_both_sides_is_clean():
    base = "Respond within 48 hours.\nEscalate after two days.\n"
    changed = "Respond within 24 hours.\nEscalate after two days.\n"

    result = three_way_merge(base, changed, changed)

    assert result.clean
    assert result.text == changed


def test_the_same_change_among_other_changes_is_clean():
    base = "one\ntwo\nthree\nfour\nfive\n"
    theirs = "ONE\ntwo\nTHREE\nfour\nfive\n"
    mine = "one\ntwo\nTHREE\nfour\nFIVE\n"

    assert three_way_merge(base, theirs, mine).text == "ONE\ntwo\nTHREE\nfour\nFIVE\n"


@pytest.mark.parametrize(
    ("base", "theirs", "mine", "merged"),
    [
        ("a\n", "a\n", "b\n", "b\n"),  # only mine changed
        ("a\n", "b\n", "a\n", "b\n"),  # only theirs changed
        ("a\n", "", "a\n", ""),  # theirs emptied the section
        ("", "", "", ""),
    ],
)
def test_trivial_cases(base, theirs, mine, merged):
    result = three_way_merge(base, theirs, mine)

    assert result.clean
    assert result.text == merged


def test_clean_result_hunks_join_adjacent_agreed_pieces():
    base = "a\nb\nc\nd\ne\n"
    result = three_way_merge(base, "A\nb\nc\nd\ne\n", "a\nb\nc\nd\nE\n")

    assert result.hunks == (Hunk("same", text="A\nb\nc\nd\nE\n"),)


# --- line endings ------------------------------------------------------------------


def test_crlf_from_the_browser_merges_with_lf_from_the_database():
    base = "Scope: onboarding.\nBudget: fixed.\nReview: monthly.\n"
    theirs = "Scope: coaching.\nBudget: fixed.\nReview: monthly.\n"
    mine = "Scope: onboarding.\r\nBudget: fixed.\r\nReview: weekly.\r\n"

    result = three_way_merge(base, theirs, mine)

    assert result.text == "Scope: coaching.\nBudget: fixed.\nReview: weekly.\n"


def test_texts_without_a_final_newline_merge_on_their_last_line():
    """Textareas post no final newline; "c" and "c\\n" must not be two different lines."""
    base = "a\nb\nc"
    theirs = "A\nb\nc"
    mine = "a\nb\nc\nd"

    assert three_way_merge(base, theirs, mine).text == "A\nb\nc\nd"


def test_adding_a_final_newline_is_a_change_that_merges():
    assert three_way_merge("a\nb", "a\nb\n", "a\nB").text == "a\nB\n"
    assert three_way_merge("a\nb\n", "a\nb", "A\nb\n").text == "A\nb"


def test_a_and_a_newline_are_the_same_line():
    result = three_way_merge("a", "a\n", "b")

    assert result.clean
    assert result.text == "b\n"


def test_only_newline_splits_lines():
    """U+2028 and form feeds are text in Markdown; splitting on them would break pieces."""
    base = "one\u2028two\nthree\x0cfour\n"
    theirs = "ONE\u2028two\nthree\x0cfour\n"
    mine = "one\u2028two\nthree\x0cFOUR\n"

    result = three_way_merge(base, theirs, mine)

    assert result.text == "ONE\u2028two\nthree\x0cFOUR\n"
    assert all(hunk.text.endswith("\n") for hunk in result.hunks)


def test_conflict_at_the_end_of_a_text_without_final_newline_resolves_to_mine():
    base = "Intro.\nRespond within 48 hours."
    theirs = "Intro.\nRespond within 24 hours."
    mine = "Intro.\nRespond within 72 hours."

    result = three_way_merge(base, theirs, mine)

    assert not result.clean
    assert result.resolve([c.mine for c in result.conflicts]) == mine


def test_control_characters_used_as_patch_padding_are_never_merged_by_characters():
    """diff-match-patch pads with \\x01-\\x04; text holding them could match the padding."""
    result = three_way_merge("a\x01\nb\n", "a\x01\nB\n", "A\x01\nb\n")

    assert not result.clean
    assert result.resolve([result.conflicts[0].mine]) == "A\x01\nb\n"


def test_merge_result_can_be_built_from_hunks_alone():
    result = MergeResult(hunks=(Hunk("same", text="a\n"), Hunk("same", text="b\n")))

    assert result.clean
    assert result.text == "a\nb\n"


# --- properties ------------------------------------------------------------------------

line_words = st.lists(st.sampled_from(WORDS), min_size=1, max_size=5).map(" ".join)


@st.composite
def non_overlapping_edits(draw):
    """A base of numbered lines and two disjoint sets of lines to replace.

    Every line of A is at least two indexes away from every line of B, so one
    unchanged line separates them: edits on adjacent lines may legitimately
    conflict in a line merge.
    """
    size = draw(st.integers(min_value=4, max_value=30))
    base = [f"{i}. {draw(line_words)}\n" for i in range(size)]
    owners = draw(st.lists(st.sampled_from("AB-"), min_size=size, max_size=size))
    a_lines, b_lines = set(), set()
    for index, owner in enumerate(owners):
        if owner == "A" and not {index - 1, index + 1} & b_lines:
            a_lines.add(index)
        elif owner == "B" and not {index - 1, index + 1} & a_lines:
            b_lines.add(index)
    texts = {i: draw(line_words) for i in a_lines | b_lines}
    return base, a_lines, b_lines, texts


def _replace(base, indexes, marker, texts):
    """The base with each chosen line replaced by a line only this user writes."""
    return [f"{marker}{i} {texts[i]}\n" if i in indexes else line for i, line in enumerate(base)]


@settings(max_examples=60, deadline=None)
@given(non_overlapping_edits())
def test_non_overlapping_edits_merge_cleanly_with_both_users_changes(case):
    base, a_lines, b_lines, texts = case
    theirs = _replace(base, a_lines, "A", texts)
    mine = _replace(base, b_lines, "B", texts)

    result = three_way_merge("".join(base), "".join(theirs), "".join(mine))

    assert result.clean
    merged = result.text
    expected = [mine[i] if i in b_lines else theirs[i] for i in range(len(base))]
    assert merged == "".join(expected)
    for i in a_lines:
        assert theirs[i] in merged
    for i in b_lines:
        assert mine[i] in merged
    for i in set(range(len(base))) - a_lines - b_lines:
        assert base[i] in merged


@st.composite
def overlapping_edits(draw):
    """A document in which both users change the "48" of one line to different numbers."""
    before = draw(st.lists(line_words, max_size=6))
    after = draw(st.lists(line_words, max_size=6))
    numbers = st.integers(min_value=0, max_value=9999).map(str).filter(lambda n: n != "48")
    theirs_hours = draw(numbers)
    mine_hours = draw(numbers.filter(lambda n: n != theirs_hours))

    def document(hours):
        lines = [f"{i}. {text}" for i, text in enumerate(before)]
        lines.append(f"Respond within {hours} hours.")
        lines += [f"{i + len(before) + 1}. {text}" for i, text in enumerate(after)]
        return "\n".join(lines) + "\n"

    return document("48"), document(theirs_hours), document(mine_hours), theirs_hours, mine_hours


@settings(max_examples=60, deadline=None)
@given(overlapping_edits())
def test_overlapping_edits_are_a_conflict_that_keeps_both_texts(case):
    base, theirs, mine, theirs_hours, mine_hours = case

    result = three_way_merge(base, theirs, mine)

    assert not result.clean
    (conflict,) = result.conflicts
    assert f"Respond within {theirs_hours} hours.\n" in conflict.theirs
    assert f"Respond within {mine_hours} hours.\n" in conflict.mine
    assert "Respond within" not in "".join(h.text for h in result.hunks if h.kind == "same")
    assert result.resolve([conflict.mine]) == mine
    assert result.resolve([conflict.theirs]) == theirs


small_documents = st.lists(st.sampled_from(("a\n", "b\n", "c\n", "a b\n", "b c\n", "")), max_size=8).map(
    "".join
)


@settings(max_examples=60, deadline=None)
@given(small_documents, small_documents, small_documents)
def test_the_merge_does_not_depend_on_who_saved_first(base, theirs, mine):
    """Swapping the sides gives the same verdict, and the same text when clean."""
    forward = three_way_merge(base, theirs, mine)
    backward = three_way_merge(base, mine, theirs)

    assert forward.clean == backward.clean
    if forward.clean:
        assert forward.text == backward.text


@settings(max_examples=60, deadline=None)
@given(small_documents, small_documents, small_documents)
def test_every_piece_is_kept_whole_and_mine_survives_when_theirs_is_base(base, theirs, mine):
    """Any merge splits into whole lines, and resolving to mine never loses the user's text."""
    result = three_way_merge(base, theirs, mine)

    for hunk in result.hunks:
        for piece in (hunk.text, hunk.base, hunk.theirs, hunk.mine):
            assert piece == "" or piece.endswith("\n")
    if not result.clean:
        choices = [conflict.mine for conflict in result.conflicts]
        assert all(conflict.mine in result.resolve(choices) for conflict in result.conflicts)
    assert three_way_merge(base, base, mine).text == mine

"""Time the three-way merge of a 50 KB agreement section with 20 edits on each side.

The issue asks for this figure; DESIGN measured about 3 ms for the merge3 line merge,
0.7 ms for the patiencediff matcher and about 11 ms with a diff-match-patch retry.
A save on a stale base runs one merge inside the request, so the merge has to stay
far below a page's budget even for a long section. Wall times depend on the machine,
so the merge is timed next to the bare merge3 line merge and a difflib unified diff of
the same text, in the same process, and the ratios are printed as well.

    python benchmarks/merge_section.py [--lines 800] [--edits 20] [--runs 30] [--seed 7]

Cases:
- clean: 20 edited lines per side, never the same or adjacent lines;
- char retry: the same, plus 3 lines that both sides edit in different words, which the
  line merge reports as conflicts and the character retry merges;
- real conflicts: the same, plus 3 lines where both sides change the same deadline
  (to 24 and to 72 hours), so the character retry runs, fails and 3 conflicts are
  reported.
"""
import argparse
import difflib
import random
import re
import statistics
import sys
import time

import merge3
import patiencediff

from portal.agreements.merge import three_way_merge

VOCABULARY = (
    "the client and the supplier agree that every training session is prepared "
    "together reviewed within five working days and reported to the steering group "
    "with attendance feedback scores and the actions that follow from them"
).split()

MERGE_CLEAN = "three_way_merge, clean"
MERGE_RETRY = "three_way_merge, 3 lines char retry"
MERGE_CLASH = "three_way_merge, 3 real conflicts"
LINE_MERGE = "merge3 line merge alone (patience)"
MATCHER = "patiencediff matcher alone"
UNIFIED_DIFF = "difflib unified diff base -> mine"

DEADLINE = re.compile(r"deadline \d+ hours")


def build_section(rng: random.Random, lines: int) -> list:
    """Numbered prose lines of about 62 characters, a heading every 40 lines.

    Numbering keeps every line distinct, as real agreement text mostly is; 800 lines
    make the 50 KB the issue names.
    """
    section = []
    for number in range(lines):
        if number % 40 == 0:
            section.append(f"## Part {number // 40 + 1}\n")
            continue
        words = " ".join(rng.choice(VOCABULARY) for _ in range(5))
        section.append(f"{number}. The {words} and deadline {48 + number % 7} hours.\n")
    return section


def pick_lines(rng: random.Random, lines: int, edits: int, extra: int) -> tuple:
    """Line indexes for each side and for shared lines, two apart at least.

    Adjacent edits by the two sides may legitimately conflict in a line merge, so
    every chosen line keeps an untouched neighbour on both sides. Headings are left
    alone, since the edits below rewrite prose lines.
    """
    candidates = [index for index in range(1, lines - 1, 3) if index % 40]
    chosen = rng.sample(candidates, 2 * edits + extra)
    return chosen[:edits], chosen[edits : 2 * edits], chosen[2 * edits :]


def make_case(section: list, theirs_at: list, mine_at: list, shared_at: list, shared: str):
    """Base, theirs, mine and the expected merge; ``shared`` says how shared lines clash.

    With "words" both sides edit different words of a shared line, which merges; with
    "numbers" both change its deadline, which cannot, and the expected merge takes
    mine for those lines (what resolving every conflict with mine gives).
    """
    theirs, mine, merged = list(section), list(section), list(section)
    for index in theirs_at:
        theirs[index] = merged[index] = section[index].replace("The ", "The revised ", 1)
    for index in mine_at:
        mine[index] = merged[index] = section[index].rstrip("\n") + " Both teams sign.\n"
    for index in shared_at:
        if shared == "words":
            theirs[index] = section[index].replace("The ", "Each ", 1)
            mine[index] = section[index].replace(" hours.", " working hours.", 1)
            merged[index] = theirs[index].replace(" hours.", " working hours.", 1)
        else:
            theirs[index] = DEADLINE.sub("deadline 24 hours", section[index])
            mine[index] = merged[index] = DEADLINE.sub("deadline 72 hours", section[index])
    return tuple("".join(text) for text in (section, theirs, mine, merged))


def median_ms(function, runs: int) -> float:
    """Median wall time of ``function()`` over ``runs`` calls, after one warm-up."""
    function()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def line_merge_only(base: str, theirs: str, mine: str):
    """The bare merge3 line merge with the patience matcher, as the library does it."""
    merger = merge3.Merge3(
        base.splitlines(True),
        theirs.splitlines(True),
        mine.splitlines(True),
        sequence_matcher=patiencediff.PatienceSequenceMatcher,
    )
    return list(merger.merge_regions())


def unified_diff(base: str, mine: str):
    """A plain difflib unified diff of the same text, as a familiar yardstick."""
    return list(difflib.unified_diff(base.splitlines(True), mine.splitlines(True)))


def check(name: str, case: tuple, conflicts: int) -> None:
    """Refuse to print times for a merge that did not do what the case is about."""
    result = three_way_merge(*case[:3])
    if len(result.conflicts) != conflicts:
        sys.exit(f"{name}: expected {conflicts} conflict(s), got {len(result.conflicts)}")
    if result.resolve([conflict.mine for conflict in result.conflicts]) != case[3]:
        sys.exit(f"{name}: the merged text is not the expected one")


def matcher_only(base: str, mine: str):
    """The patiencediff matcher alone, one of the two diffs merge3 runs."""
    matcher = patiencediff.PatienceSequenceMatcher(
        None, base.splitlines(True), mine.splitlines(True)
    )
    return matcher.get_matching_blocks()


def main(argv=None) -> None:
    """Build the cases, check that each merges as intended, then time them."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, default=800)
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)

    rng = random.Random(args.seed)
    section = build_section(rng, args.lines)
    theirs_at, mine_at, shared_at = pick_lines(rng, args.lines, args.edits, 3)
    clean = make_case(section, theirs_at, mine_at, [], "words")
    retry = make_case(section, theirs_at, mine_at, shared_at, "words")
    clash = make_case(section, theirs_at, mine_at, shared_at, "numbers")

    check("clean", clean, 0)
    check("char retry", retry, 0)
    check("real conflicts", clash, 3)
    line_conflicts = sum(region[0] == "conflict" for region in line_merge_only(*retry[:3]))
    if line_conflicts != 3:
        sys.exit(f"char retry: the line merge should see 3 conflicts, saw {line_conflicts}")

    measurements = [
        (MERGE_CLEAN, lambda: three_way_merge(*clean[:3])),
        (MERGE_RETRY, lambda: three_way_merge(*retry[:3])),
        (MERGE_CLASH, lambda: three_way_merge(*clash[:3])),
        (LINE_MERGE, lambda: line_merge_only(*clean[:3])),
        (MATCHER, lambda: matcher_only(clean[0], clean[2])),
        (UNIFIED_DIFF, lambda: unified_diff(clean[0], clean[2])),
    ]
    rows = [(name, median_ms(function, args.runs)) for name, function in measurements]
    print_report(args, len(clean[0].encode()), rows)


def print_report(args, size: int, rows: list) -> None:
    """The table of medians, then the ratios that stay meaningful across machines."""
    print(
        f"section: {size / 1000:.1f} KB, {args.lines} lines, {args.edits} edits per side, "
        f"median of {args.runs} runs"
    )
    width = max(len(name) for name, _ in rows)
    print(f"{'measurement':<{width}}  median ms")
    for name, value in rows:
        print(f"{name:<{width}}  {value:9.2f}")
    times = dict(rows)
    print()
    for label, numerator, denominator in (
        ("clean merge / merge3 alone", MERGE_CLEAN, LINE_MERGE),
        ("clean merge / difflib unified diff", MERGE_CLEAN, UNIFIED_DIFF),
        ("char retry / clean merge", MERGE_RETRY, MERGE_CLEAN),
        ("real conflicts / clean merge", MERGE_CLASH, MERGE_CLEAN),
    ):
        print(f"{label:<36}{times[numerator] / times[denominator]:6.2f}")


if __name__ == "__main__":
    main()

"""Keeping an audit's evidence and reading what the auditors said of it.

`store` writes the lines once, when the audit opens; `lines_of` reads them with every
review in two statements, whatever their number; each line then says who confirmed it
and who corrected it (the latest review of each auditor counts); `prefill` writes the
text each I's evidence question starts with for one auditor.
"""
from dataclasses import dataclass, field

from portal import FOUR_IS, audit_evidence, write_transaction

from .models import EvidenceLine, EvidenceReview

INSTRUMENT_ID = "four_is_audit"
#: The free-text evidence question of each I (instrument.toml).
EVIDENCE_QUESTION = {"Integrity": "integrity_evidence", "Integration": "integration_evidence",
                     "Insights": "insights_evidence", "Impact": "impact_evidence"}
MAX_TEXT, MAX_REASON = 1000, 1000


def store(run, partnership):
    """Gather the evidence as the partnership stands and keep it with the run (once)."""
    if EvidenceLine.select().where(EvidenceLine.run_id == run.id).exists():
        return 0
    lines = audit_evidence(partnership)
    with write_transaction():
        for position, line in enumerate(lines, 1):
            EvidenceLine.create(run_id=run.id, partnership_id=partnership.id, position=position,
                                i=line.i, text=line.text[:MAX_TEXT], url=line.url[:500],
                                figure=line.figure[:80], starts_on=line.start, ends_on=line.end)
    return len(lines)


@dataclass
class Line:
    """A stored line with the current verdict of each auditor who reviewed it."""

    row: EvidenceLine
    confirmed: list = field(default_factory=list)  # EvidenceReview, latest per auditor
    corrected: list = field(default_factory=list)
    history: list = field(default_factory=list)  # every review, oldest first

    def verdict_of(self, user_id):
        for review in self.confirmed + self.corrected:
            if review.user_id == user_id:
                return review
        return None


def lines_of(run_id, partnership_id):
    """[Line] of a run, in the order they were gathered (empty for another partnership's run)."""
    rows = list(EvidenceLine.select().where(EvidenceLine.run_id == run_id,
                                            EvidenceLine.partnership_id == partnership_id)
                .order_by(EvidenceLine.position))
    lines = {row.id: Line(row) for row in rows}
    if rows:
        latest = {}
        for review in (EvidenceReview.select().where(EvidenceReview.line.in_(list(lines)))
                       .order_by(EvidenceReview.at, EvidenceReview.id)):
            lines[review.line_id].history.append(review)
            latest[(review.line_id, review.user_id)] = review
        for (line_id, _), review in latest.items():
            target = lines[line_id].confirmed if review.verdict == "confirmed" else lines[line_id].corrected
            target.append(review)
    return list(lines.values())


def by_i(lines):
    """[(I, [Line])] in the audit's order, each I listed even when it has no line."""
    return [(name, [line for line in lines if line.row.i == name]) for name in FOUR_IS]


def review(line, user, verdict, text="", reason=""):
    """Record one auditor's confirmation or correction of a line."""
    with write_transaction():
        return EvidenceReview.create(line=line.id, user_id=user.id, user_name=user.name[:200],
                                     verdict=verdict, text=text, reason=reason)


def prefill(lines, user_id):
    """{evidence question id: text} for one auditor: the lines of each I they confirmed, as
    gathered, and those they corrected, as corrected; a line they did not review is left
    out, so the answer holds only what this auditor stands behind."""
    answers = {}
    for name, group in by_i(lines):
        texts = []
        for line in group:
            mine = line.verdict_of(user_id)
            if mine is not None:
                texts.append("- " + (mine.text if mine.verdict == "corrected" else line.row.text))
        if texts:
            answers[EVIDENCE_QUESTION[name]] = "\n".join(texts)
    return answers


def summaries(run_ids):
    """{run id: (lines, lines confirmed by someone, lines corrected by someone)}, in two
    statements whatever the number of runs."""
    from peewee import fn

    found = {run_id: [0, 0, 0] for run_id in run_ids}
    if not run_ids:
        return {}
    for run_id, count in (EvidenceLine.select(EvidenceLine.run_id, fn.COUNT(EvidenceLine.id))
                          .where(EvidenceLine.run_id.in_(run_ids))
                          .group_by(EvidenceLine.run_id).tuples()):
        found[run_id][0] = count
    latest = {}
    for run_id, line_id, user_id, verdict in (
            EvidenceReview.select(EvidenceLine.run_id, EvidenceReview.line, EvidenceReview.user_id,
                                  EvidenceReview.verdict).join(EvidenceLine)
            .where(EvidenceLine.run_id.in_(run_ids))
            .order_by(EvidenceReview.at, EvidenceReview.id).tuples()):
        latest[(run_id, line_id, user_id)] = verdict
    for verdict, slot in (("confirmed", 1), ("corrected", 2)):
        for run_id, line_id in {(r, l) for (r, l, _), v in latest.items() if v == verdict}:
            found[run_id][slot] += 1
    return {run_id: tuple(counts) for run_id, counts in found.items()}

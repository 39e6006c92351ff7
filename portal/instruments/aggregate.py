"""From counted answers to ItemResults: the one place that decides what results say.

A Tally holds a run's answers counted: every answer value with how often it was given,
per question and side, what was written (in the order of the text, never the order it
came in) and how many responses each side gave. The portal keeps one per run, folded
forward as responses arrive (tallies.py), and rebuilds it from the answers with GROUP BY
queries when it has none; portal.testing folds a plugin author's answers the same way.
Both end in `item_results`, so a scoring function sees the same shape, keys and means
in a unit test as in the portal.
"""
import bisect
import datetime as dt

from portal.instruments.api import ItemResult

SIDES = ("client", "supplier")
MAX_TEXTS = 200


def number_key(value):
    """Distribution keys of numeric answers: 7, not 7.0; 2.5 stays 2.5."""
    return int(value) if float(value).is_integer() else value


def _iso(date):
    return date.isoformat() if isinstance(date, (dt.date, dt.datetime)) else (date or "")


class Tally:
    """Answers counted per (question, side).

    Written answers are kept per side sorted by their text, the first MAX_TEXTS of each
    (what a results page lists), and counted apart, so the tally's size does not grow
    with the number of responses.
    """

    def __init__(self):
        self.values = {}  # (question id, side) -> {value: how many}
        self.written = {}  # (question id, side) -> sorted [(text, ISO date), ...]
        self.text_counts = {}  # (question id, side) -> texts written, all of them
        self.sides = {}  # side (None when not recorded) -> responses
        self._index = {}  # see _by_question

    @property
    def responses(self):
        return sum(self.sides.values())

    def side_counts(self):
        return {side: n for side, n in self.sides.items() if side is not None}

    def count(self, question_id, side, value, how_many=1):
        values = self.values.setdefault((question_id, side), {})
        values[value] = values.get(value, 0) + how_many

    def write(self, question_id, side, text, date):
        """A text or a step's date, kept in text order; the count of texts goes on."""
        if not text and not date:
            return
        entries = self.written.setdefault((question_id, side), [])
        bisect.insort(entries, (text or "", _iso(date)))
        del entries[MAX_TEXTS:]
        if text:
            self.text_counts[(question_id, side)] = self.text_counts.get((question_id, side), 0) + 1

    def responded(self, side, how_many=1):
        self.sides[side] = self.sides.get(side, 0) + how_many

    def add(self, questions_by_id, side, answers):
        """Fold in one response: {question id: (number, text, date)} as stored."""
        self.responded(side)
        for qid, (num, text, date) in answers.items():
            question = questions_by_id.get(qid)
            if num is not None:
                self.count(qid, side, number_key(num))
            if question is not None and question.type == "choice":
                self.count(qid, side, question.answer_key(text))
            if question is not None and question.type in ("text", "step"):
                self.write(qid, side, text, date)

    # Stored as JSON: lists, so typed keys (7, 2.5, "7") and a None side survive.
    def to_json(self):
        return {"sides": [[side, n] for side, n in self.sides.items()],
                "values": [[qid, side, value, n] for (qid, side), values in self.values.items()
                           for value, n in values.items()],
                "written": [[qid, side, text, date] for (qid, side), entries in self.written.items()
                            for text, date in entries],
                "text_counts": [[qid, side, n] for (qid, side), n in self.text_counts.items()]}

    @classmethod
    def from_json(cls, data):
        tally = cls()
        tally.sides = {side: n for side, n in data["sides"]}
        for qid, side, value, n in data["values"]:
            tally.count(qid, side, value, n)
        for qid, side, text, date in data["written"]:
            tally.written.setdefault((qid, side), []).append((text, date))
        tally.text_counts = {(qid, side): n for qid, side, n in data["text_counts"]}
        return tally

    def _scoped(self, mapping, question_id, scope):
        """The mapping's values for one question, whole run (scope None) or one side."""
        by_question = self._by_question(mapping)
        return [value for side, value in by_question.get(question_id, ())
                if scope in (None, side)]

    def _by_question(self, mapping):
        """{question id: [(side, value)]} of a mapping, made once per mapping and size (a
        page asks for every question, overall and per side)."""
        key = (id(mapping), len(mapping))
        index = self._index
        if key not in index:
            grouped = {}
            for (qid, side), value in mapping.items():
                grouped.setdefault(qid, []).append((side, value))
            index[key] = grouped
        return index[key]

    def entries(self, question_id, scope):
        """What was written for a question, whole run (scope None) or one side, by text."""
        return sorted(e for entries in self._scoped(self.written, question_id, scope)
                      for e in entries)


def _distribution(question, found):
    """{answer value: how many}, every declared value listed (in declared order) first."""
    dist = {value: 0 for value, _ in question.options}
    for value in sorted(found, key=lambda v: (isinstance(v, str), v)):
        dist[value] = dist.get(value, 0) + found[value]
    return dist


def item_results(questions, tally, scope):
    """{question id: ItemResult} for the whole run (scope None) or for one side."""
    out = {}
    for q in questions:
        found = {}
        for values in tally._scoped(tally.values, q.id, scope):
            for value, n in values.items():
                found[value] = found.get(value, 0) + n
        dist = _distribution(q, found)
        numeric = {v: n for v, n in dist.items() if not isinstance(v, str)}
        total = sum(numeric.values())
        mean = sum(v * n for v, n in numeric.items()) / total if total and q.numeric else None
        entries = tally.entries(q.id, scope)
        count = (sum(tally._scoped(tally.text_counts, q.id, scope)) if q.type == "text"
                 else sum(dist.values()))
        out[q.id] = ItemResult(question=q, count=count, mean=mean, distribution=dist,
                               texts=tuple(text for text, _ in entries if text)[:MAX_TEXTS],
                               dates=tuple(dt.date.fromisoformat(date)
                                           for _, date in entries if date))
    return out

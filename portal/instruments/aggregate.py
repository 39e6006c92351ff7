"""From counted answers to ItemResults: the one place that decides what results say.

The engine counts answers with GROUP BY queries (results.py); portal.testing counts a
plugin author's answers in Python. Both feed a Tally and get their ItemResults here,
so a scoring function sees the same shape, keys and means in a unit test as in the
portal.
"""
import datetime as dt

from portal.instruments.api import ItemResult

SIDES = ("client", "supplier")
MAX_TEXTS = 200


def number_key(value):
    """Distribution keys of numeric answers: 7, not 7.0; 2.5 stays 2.5."""
    return int(value) if float(value).is_integer() else value


def _as_date(value):
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


class Tally:
    """Answers counted per (question, side): values with how often, texts and dates."""

    def __init__(self):
        self.values = {}  # (question id, side) -> {value: how many}
        self.texts = {}  # (question id, side or None) -> [text, ...] in the order given
        self.dates = {}  # (question id, side or None) -> [date, ...]

    def count(self, question_id, side, value, how_many=1):
        values = self.values.setdefault((question_id, side), {})
        values[value] = values.get(value, 0) + how_many

    def write(self, question_id, side, text, date):
        """A text or a date, kept for the whole run and for its side (once, without one)."""
        for scope in dict.fromkeys((None, side)):
            if text:
                self.texts.setdefault((question_id, scope), []).append(text)
            if date:
                self.dates.setdefault((question_id, scope), []).append(_as_date(date))


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
        for (qid, side), values in tally.values.items():
            if qid == q.id and scope in (None, side):
                for value, n in values.items():
                    found[value] = found.get(value, 0) + n
        dist = _distribution(q, found)
        numeric = {v: n for v, n in dist.items() if not isinstance(v, str)}
        total = sum(numeric.values())
        mean = sum(v * n for v, n in numeric.items()) / total if total and q.numeric else None
        written = tally.texts.get((q.id, scope), [])
        count = len(written) if q.type == "text" else sum(dist.values())
        out[q.id] = ItemResult(question=q, count=count, mean=mean, distribution=dist,
                               texts=tuple(written[:MAX_TEXTS]),
                               dates=tuple(tally.dates.get((q.id, scope), ())))
    return out

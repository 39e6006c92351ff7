"""The "Across runs" charts of a run's results page: one chart per unit.

Metrics are named numbers (`Interpretation.metrics`) with no declared unit, so they are
grouped by what they are: a share ("… (%)") on an axis from 0 to 100; a metric whose
values stay inside the instrument's rating scale (averages such as "Overall" or
"Trust") on an axis from the scale's minimum to its maximum; anything else (a count, a
gap between the sides) on its own chart. Two units never share one axis.
"""
from flask_babel import gettext as _

from portal import charts


def scale_of(questions):
    """(minimum, maximum) shared by every scale question, or None."""
    ranges = {(q.minimum if q.minimum is not None else 1, q.maximum if q.maximum is not None else 5)
              for q in questions if q.type == "scale"}
    return ranges.pop() if len(ranges) == 1 else None


def groups(series_by_name, scale):
    """[(what, low, high, unit, {name: values})] in a stable order; `what` names the
    chart: ("scale", None), ("shares", None) or ("metric", name)."""
    shares, on_scale, own = {}, {}, []
    for name, values in series_by_name.items():
        known = [v for v in values if v is not None]
        if name.endswith("(%)"):
            shares[name] = values
        elif scale and known and all(scale[0] <= v <= scale[1] for v in known) \
                and not name.lower().startswith("gap"):
            on_scale[name] = values
        else:
            own.append((("metric", name), None, None, "", {name: values}))
    out = []
    if on_scale:
        out.append((("scale", None), scale[0], scale[1],
                    _("score, %(low)s to %(high)s", low=format(scale[0], "g"), high=format(scale[1], "g")),
                    on_scale))
    if shares:
        out.append((("shares", None), 0, 100, "%", shares))
    return out + own


def across_runs(title, series, questions):
    """The charts for `series` ([(run, results)] oldest first)."""
    names = sorted({k for _run, r in series if r.interpretation for k in r.interpretation.metrics})
    by_name = {n: [(r.interpretation.metrics.get(n) if r.interpretation else None) for _run, r in series]
               for n in names}
    labels = [run.title for run, _results in series]
    return [charts.trend_lines(labels, values, _chart_title(title, what),
                               low=low, high=high, unit=unit)
            for what, low, high, unit, values in groups(by_name, scale_of(questions))]


def _chart_title(title, what):
    kind, name = what
    if kind == "shares":
        return _("Trends across runs of %(title)s: shares", title=title)
    if kind == "metric":
        return _("Trends across runs of %(title)s: %(metric)s", title=title, metric=name)
    return _("Trends across runs of %(title)s", title=title)

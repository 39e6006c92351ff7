"""The rules of tracking a program: the four levels, its status, the behaviour
follow-ups that fall due after it ends, progress of a metric, and the Phillips ROI.

`today()` is looked up here at call time by every rule and page that needs the date,
so a test moves time for all of them by patching this module's `today`.
"""
import datetime
from decimal import Decimal

from portal import charts

from .models import Benefit, FollowUp, Measurement

SOURCE = ("Kirkpatrick's four levels as recommended in \u201cBeyond the Classroom\u201d (seed 002, "
          "pillar 5); ROI after Phillips (level 5), as asked in seed 004")

LEVELS = {1: "Reaction", 2: "Learning", 3: "Behavior", 4: "Results"}
FOLLOW_UP_DAYS = (30, 60, 90)
MONEY = Decimal("0.01")


def today():
    """The current date; a function so tests can move time."""
    return datetime.date.today()


def status(program, on=None):
    on = on or today()
    if on < program.starts_on:
        return "upcoming"
    if on <= program.ends_on:
        return "running"
    return "ended"


def follow_ups(program, on=None):
    """[{day, due_on, state}] with state done, due or scheduled."""
    on = on or today()
    done = {f.day: f for f in FollowUp.select().where(FollowUp.program == program)}
    rows = []
    for day in FOLLOW_UP_DAYS:
        due_on = program.ends_on + datetime.timedelta(days=day)
        state = "done" if day in done else ("due" if on >= due_on else "scheduled")
        rows.append({"day": day, "due_on": due_on, "state": state})
    return rows


def _fmt_number(value, places=1):
    text = f"{value:,.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def roi(program):
    """Phillips level 5: benefits B, costs C, BCR = B / C, ROI % = (B - C) / C x 100."""
    benefits = list(Benefit.select().where(Benefit.program == program).order_by(Benefit.id))
    total = sum((Decimal(b.amount) for b in benefits), Decimal("0"))
    cost = Decimal(program.cost)
    result = {"benefits": benefits, "total": total.quantize(MONEY), "cost": cost.quantize(MONEY),
              "net": (total - cost).quantize(MONEY), "bcr": None, "percent": None,
              "bcr_text": None, "percent_text": None}
    if cost > 0:
        bcr = total / cost
        percent = (total - cost) / cost * 100
        result.update(bcr=bcr, percent=percent, bcr_text=f"{bcr:.2f}",
                      percent_text=f"{_fmt_number(percent)} %")
    return result


def progress(metric, latest):
    """Share of the way from baseline to target (may pass 100 or fall below 0)."""
    if latest is None or metric.target == metric.baseline:
        return None
    return (latest - metric.baseline) / (metric.target - metric.baseline) * 100


def metric_view(metric):
    points = list(Measurement.select().where(Measurement.metric == metric)
                  .order_by(Measurement.measured_on, Measurement.id))
    latest = points[-1].value if points else None
    share = progress(metric, latest)
    chart = charts.trend_lines(
        [p.measured_on.isoformat() for p in points],
        {metric.name: [p.value for p in points], "Target": [metric.target] * len(points)},
        f"{metric.name} ({metric.unit}) over time", low=metric.baseline) if points else ""
    return {"metric": metric, "points": points, "latest": latest, "progress": share,
            "bar": None if share is None else max(0, min(100, round(share))),
            "reached": share is not None and share >= 100, "chart": chart}

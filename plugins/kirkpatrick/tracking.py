"""The rules of tracking a program: the four levels, its status, the behaviour
follow-ups that fall due after it ends, progress of a metric, and the Phillips ROI.

`today()` is looked up here at call time by every rule and page that needs the date,
so a test moves time for all of them by patching this module's `today`.

Stored numbers are read through `finite` and `money`: a value that is not a finite
number (an Infinity or NaN saved before the forms refused them, issue 11) counts as
missing, so the pages still render and say what to correct.
"""
import datetime
import math
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _, lazy_gettext as _l

from portal import charts, dated, decimal

from .models import Benefit, FollowUp, Measurement


def N_(text):
    """Marks text for translation where it is defined; it is translated where shown."""
    return text


#: Where the method comes from: English here (the reaction form declares it as text);
#: the pages show `_(SOURCE)`, in the reader's language.
SOURCE = N_("Kirkpatrick's four levels as recommended in \u201cBeyond the Classroom\u201d (pillar 5); "
            "ROI after Phillips (level 5), as asked in \u201cBuilding Learning Culture\u201d")

#: The level names as stored text uses them (the review agenda's notes are kept in English).
LEVELS = {1: "Reaction", 2: "Learning", 3: "Behavior", 4: "Results"}
#: The level names as pages show them, in the reader's language.
LEVEL_LABELS = {1: _l("Reaction"), 2: _l("Learning"), 3: _l("Behavior"), 4: _l("Results")}
FOLLOW_UP_DAYS = (30, 60, 90)
MONEY = Decimal("0.01")
MAX_MONEY = Decimal("999999999999.99")  # the columns hold 14 digits, 2 after the point
MAX_VALUE = 1e15  # a metric's numbers: far from where differences of floats overflow


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
    """[{day, due_on, state}] with state done, due or scheduled (due_on None when it
    falls past the calendar)."""
    on = on or today()
    done = {f.day: f for f in FollowUp.select().where(FollowUp.program == program)}
    rows = []
    for day in FOLLOW_UP_DAYS:
        try:
            due_on = program.ends_on + datetime.timedelta(days=day)
        except OverflowError:  # an end date at the end of the calendar, stored before it was refused
            due_on = None
        state = "done" if day in done else ("due" if due_on and on >= due_on else "scheduled")
        rows.append({"day": day, "due_on": due_on, "state": state})
    return rows


def finite(value):
    """A stored number as a float, or None when it is missing or not finite."""
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None


def money(value):
    """A stored amount as a Decimal to the cent, or None when missing or not finite."""
    try:
        amount = Decimal(value)
        return amount.quantize(MONEY) if amount.is_finite() and abs(amount) <= MAX_MONEY else None
    except (TypeError, ValueError, InvalidOperation):
        return None


def _fmt_number(value, places=1):
    text = f"{value:,.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _shown(value):
    """As `_fmt_number(value)`, on a page: in the reader's language ("1,234.5", "1.234,5";
    "12" for 12.0)."""
    text = decimal(value, 1, grouped=True)
    return text[:-2] if text[-2:] in (".0", ",0") else text


def roi(program):
    """Phillips level 5: benefits B, costs C, BCR = B / C, ROI % = (B - C) / C x 100.

    A benefit whose amount is not a number counts for nothing (its row says so); a
    program whose cost is not a number has no ROI until the cost is corrected."""
    benefits = [{"benefit": b, "amount": money(b.amount)}
                for b in Benefit.select().where(Benefit.program == program).order_by(Benefit.id)]
    total = sum((b["amount"] for b in benefits if b["amount"] is not None), Decimal("0"))
    cost = money(program.cost)
    result = {"benefits": benefits, "total": total.quantize(MONEY), "cost": cost,
              "net": None if cost is None else (total - cost).quantize(MONEY), "bcr": None,
              "percent": None, "bcr_text": None, "percent_text": None}
    if cost is not None and cost > 0:
        bcr = total / cost
        percent = (total - cost) / cost * 100
        result.update(bcr=bcr, percent=percent, bcr_text=decimal(bcr, 2),
                      percent_text=f"{_shown(percent)} %")
    return result


def progress(metric, latest):
    """Share of the way from baseline to target (may pass 100 or fall below 0); None
    when a number is missing or the baseline is the target."""
    baseline, target = finite(metric.baseline), finite(metric.target)
    if latest is None or baseline is None or target is None or target == baseline:
        return None
    return finite((latest - baseline) / (target - baseline) * 100)


def metric_view(metric):
    """A metric as its page shows it: baseline, target, each measurement's value (None
    when not a number), the latest value and the progress towards the target."""
    points = [{"point": p, "value": finite(p.value)} for p in
              Measurement.select().where(Measurement.metric == metric)
              .order_by(Measurement.measured_on, Measurement.id)]
    values = [p["value"] for p in points]
    known = [v for v in values if v is not None]
    latest = known[-1] if known else None
    share = progress(metric, latest)
    baseline, target = finite(metric.baseline), finite(metric.target)
    series = {metric.name: values}
    if target is not None:
        series[_("Target")] = [target] * len(points)
    # A half-width column on the program page: drawn at that width, so it stays readable.
    chart = charts.trend_lines(
        [dated(p["point"].measured_on) for p in points], series,
        _("%(metric)s (%(unit)s) over time", metric=metric.name, unit=metric.unit),
        low=baseline, unit=metric.unit, width=520) if known else ""
    return {"metric": metric, "baseline": baseline, "target": target, "points": points,
            "latest": latest, "progress": share,
            "bar": None if share is None else max(0, min(100, round(share))),
            "reached": share is not None and share >= 100, "chart": chart}

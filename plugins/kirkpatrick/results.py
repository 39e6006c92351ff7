"""Where a partnership's programs stand at each level, read in two statements whatever the
number of programs and metrics: what a review's agenda reports as "Kirkpatrick results".

A metric's latest value is its newest measurement (by date, then entry); values that are
not finite numbers count as missing, as on the program page.
"""
from portal import Evidence

from .models import Measurement, Metric, Program
from .tracking import LEVELS, _fmt_number, finite, progress, roi, status, today


def latest_by_metric(partnership_id):
    """[(program, metric, latest value or None)], programs newest first, metrics by level."""
    metrics = list(Metric.select(Metric, Program).join(Program).where(
        Program.partnership_id == partnership_id).order_by(
        Program.starts_on.desc(), Program.id.desc(), Metric.level, Metric.name))
    latest = {}
    if metrics:
        for point in (Measurement.select(Measurement.metric, Measurement.value)
                      .where(Measurement.metric.in_([m.id for m in metrics]))
                      .order_by(Measurement.measured_on, Measurement.id)):
            value = finite(point.value)
            if value is not None:
                latest[point.metric_id] = value
    return [(metric.program, metric, latest.get(metric.id)) for metric in metrics]


def agenda_notes(partnership_id, on=None):
    """Markdown for the review agenda, or None when the partnership has no metrics yet."""
    on = on or today()
    rows = latest_by_metric(partnership_id)
    if not rows:
        return None
    lines, program = [], None
    for current, metric, value in rows:
        if current.id != getattr(program, "id", None):
            program = current
            lines.append(f"- **{program.name}** ({status(program, on)}, "
                         f"{program.starts_on:%d %b %Y} to {program.ends_on:%d %b %Y})")
        level = f"level {metric.level} ({LEVELS.get(metric.level, '?').lower()})"
        if value is None:
            lines.append(f"  - {metric.name}, {level}: not measured yet "
                         f"(target {_fmt_number(metric.target)} {metric.unit})")
            continue
        share = progress(metric, value)
        reached = "" if share is None else (
            ", target reached" if share >= 100 else f", {_fmt_number(share, 0)} % of the way to target")
        lines.append(f"  - {metric.name}, {level}: {_fmt_number(value)} {metric.unit} "
                     f"(baseline {_fmt_number(metric.baseline)}, target "
                     f"{_fmt_number(metric.target)}{reached})")
    return "\n".join(lines)


def audit_evidence(partnership_id, start, end, url_of):
    """Evidence for the impact of a 4 I's audit: per program that ran in the period, how
    many of its measured metrics reached their target, with its ROI when it has one.
    `url_of(program)` is the program's page."""
    by_program = {}
    for program, metric, value in latest_by_metric(partnership_id):
        by_program.setdefault(program.id, (program, []))[1].append((metric, value))
    found = []
    for program, metrics in by_program.values():
        if program.ends_on < start or program.starts_on > end:
            continue
        measured = [(m, v) for m, v in metrics if v is not None]
        reached = sum(1 for m, v in measured if (progress(m, v) or 0) >= 100)
        money = roi(program)
        count = len(money["benefits"])
        text = (f"{program.name}: {reached} of {len(measured)} measured Kirkpatrick metrics "
                f"reached their target ({len(metrics) - len(measured)} not measured yet)"
                + (f"; {count} benefit{'' if count == 1 else 's'} worth "
                   f"{_fmt_number(money['total'], 2)} against a cost of "
                   f"{_fmt_number(money['cost'], 2)}: ROI {money['percent_text']}."
                   if count and money["percent_text"] else "."))
        found.append(Evidence("Impact", text, url_of(program), f"{reached} of {len(measured)}",
                              max(start, program.starts_on), min(end, program.ends_on)))
    return found

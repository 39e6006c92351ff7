"""The Kirkpatrick measure of a partnership's health (portal_health_measures).

Seed 002 (pillar 5) puts the weight on levels 3 (behaviour) and 4 (results): the
measure is how far the partnership's level 3 and 4 metrics have got from their
baseline to their target, on average, each capped to 0-100 (a metric past its target
counts 100, one that moved away from it 0). Two statements, whatever the number of
programs and metrics.
"""
from portal import HealthMeasure

from .models import Measurement, Metric, Program
from .tracking import finite, progress

LEVELS = (3, 4)
WEIGHT = 10  # beside the portal's trust 25, survey 20, benefits 20, ratings 15, actions 10
CADENCE_DAYS = 90  # the behaviour follow-ups fall due up to 90 days after a program


def health_measure(partnership_id, on):
    """A HealthMeasure of the level 3 and 4 metrics measured on or before `on`, or None
    when the partnership has no such metric (no programs: nothing to add)."""
    metrics = {m.id: m for m in Metric.select(Metric).join(Program).where(
        Program.partnership_id == partnership_id, Metric.level.in_(LEVELS))}
    if not metrics:
        return None
    latest = {}
    for point in (Measurement.select(Measurement.metric, Measurement.value, Measurement.measured_on)
                  .where(Measurement.metric.in_(list(metrics)), Measurement.measured_on <= on)
                  .order_by(Measurement.measured_on, Measurement.id)):
        value = finite(point.value)
        if value is not None:
            latest[point.metric_id] = (value, point.measured_on)
    shares = [progress(metrics[mid], value) for mid, (value, _day) in latest.items()]
    shares = [max(0.0, min(100.0, share)) for share in shares if share is not None]
    updated = max((day for _value, day in latest.values()), default=None)
    value = sum(shares) / len(shares) if shares else None
    return HealthMeasure("kirkpatrick", "Kirkpatrick results (levels 3 and 4)", value, WEIGHT,
                         updated_on=updated, cadence_days=CADENCE_DAYS)

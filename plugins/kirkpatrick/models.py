"""The tables of Kirkpatrick tracking: a partnership's programs, their metrics per level,
measurements over time, benefits for the ROI, and behaviour follow-ups done.

Their shape is also spelled out by the steps in `migrations/`; a change here needs a
new step there (`portal db revision kirkpatrick <name>`).
"""
import datetime

import peewee

from portal import Model


def _now():
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


class Program(Model):
    partnership_id = peewee.IntegerField(index=True)
    name = peewee.CharField(max_length=160)
    audience = peewee.CharField(max_length=200, default="")
    starts_on = peewee.DateField()
    ends_on = peewee.DateField()
    cost = peewee.DecimalField(max_digits=14, decimal_places=2, default=0)
    created_at = peewee.DateTimeField(default=_now)

    class Meta:
        table_name = "kirkpatrick_program"


class Metric(Model):
    program = peewee.ForeignKeyField(Program, backref="metrics", on_delete="CASCADE")
    level = peewee.IntegerField()
    name = peewee.CharField(max_length=120)
    unit = peewee.CharField(max_length=40)
    baseline = peewee.DoubleField()
    target = peewee.DoubleField()

    class Meta:
        table_name = "kirkpatrick_metric"


class Measurement(Model):
    metric = peewee.ForeignKeyField(Metric, backref="measurements", on_delete="CASCADE")
    measured_on = peewee.DateField()
    value = peewee.DoubleField()
    source = peewee.CharField(max_length=120, default="")
    note = peewee.TextField(default="")
    created_at = peewee.DateTimeField(default=_now)

    class Meta:
        table_name = "kirkpatrick_measurement"


class Benefit(Model):
    program = peewee.ForeignKeyField(Program, backref="benefits", on_delete="CASCADE")
    description = peewee.CharField(max_length=200)
    amount = peewee.DecimalField(max_digits=14, decimal_places=2)
    isolation = peewee.TextField()
    created_at = peewee.DateTimeField(default=_now)

    class Meta:
        table_name = "kirkpatrick_benefit"


class FollowUp(Model):
    program = peewee.ForeignKeyField(Program, backref="follow_ups", on_delete="CASCADE")
    day = peewee.IntegerField()
    done_at = peewee.DateTimeField(default=_now)

    class Meta:
        table_name = "kirkpatrick_follow_up"
        indexes = ((("program", "day"), True),)


MODELS = [Program, Metric, Measurement, Benefit, FollowUp]

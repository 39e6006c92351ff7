"""Kirkpatrick tracking: training programs measured at the four levels, plus Phillips ROI.

Seed 002 (pillar 5) asks partners to define metrics at all four Kirkpatrick levels
(reaction, learning, behavior, results) with weight on levels 3 and 4; seed 004 asks
for ROI that can be demonstrated. Per partnership, programs (name, audience, dates,
cost) get metrics per level with a unit, baseline and target, measured over time by
hand or from CSV; benefits attributed to a program (each with how its effect was
isolated) give the Phillips level-5 ROI; behaviour follow-ups fall due 30/60/90 days
after a program ends. A level-1 reaction form runs through the instrument engine.

Written against the public plugin API only.
"""
import csv
import datetime
import io
from decimal import Decimal
from pathlib import Path

import peewee
from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from wtforms import (DateField, DecimalField, FloatField, Form, SelectField, StringField,
                     TextAreaField)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from portal import (DashboardCard, Interpretation, Instrument, Model, NavItem, Question,
                    charts, hookimpl, record_audit, requires_role)

__version__ = "1.0.0"
SOURCE = ("Kirkpatrick's four levels as recommended in \u201cBeyond the Classroom\u201d (seed 002, "
          "pillar 5); ROI after Phillips (level 5), as asked in seed 004")

LEVELS = {1: "Reaction", 2: "Learning", 3: "Behavior", 4: "Results"}
FOLLOW_UP_DAYS = (30, 60, 90)
CSV_COLUMNS = ("metric", "date", "value", "source", "note")
CSV_OPTIONAL = ("unit",)
MAX_CSV_ROWS = 5000
MAX_CSV_BYTES = 1_000_000
MONEY = Decimal("0.01")


def today():
    """The current date; a function so tests can move time."""
    return datetime.date.today()


def _now():
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


# --- models -----------------------------------------------------------------------

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
    baseline = peewee.FloatField()
    target = peewee.FloatField()

    class Meta:
        table_name = "kirkpatrick_metric"


class Measurement(Model):
    metric = peewee.ForeignKeyField(Metric, backref="measurements", on_delete="CASCADE")
    measured_on = peewee.DateField()
    value = peewee.FloatField()
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


# --- calculations -----------------------------------------------------------------

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


# --- forms ------------------------------------------------------------------------

def _not_before_start(form, field):
    if field.data and form.starts_on.data and field.data < form.starts_on.data:
        raise ValidationError("The program cannot end before it starts.")


class ProgramForm(Form):
    name = StringField("Program name", [InputRequired("Give the program a name."), Length(max=160)])
    audience = StringField("Audience", [Optional(), Length(max=200)])
    starts_on = DateField("Starts on", [InputRequired("Enter the start date.")])
    ends_on = DateField("Ends on", [InputRequired("Enter the end date."), _not_before_start])
    cost = DecimalField("Cost", [InputRequired("Enter the program's cost (0 if none)."),
                                 NumberRange(min=0, message="The cost cannot be negative.")],
                        places=2)


class MetricForm(Form):
    level = SelectField("Level", choices=[SelectChoice(str(k), f"{k} \u00b7 {v}") for k, v in LEVELS.items()],
                        validators=[InputRequired()])
    name = StringField("Metric name", [InputRequired("Name the metric."), Length(max=120)])
    unit = StringField("Unit", [InputRequired("Give the unit, e.g. % or score of 5."),
                                Length(max=40)])
    baseline = FloatField("Baseline", [InputRequired("Enter the baseline as a number.")])
    target = FloatField("Target", [InputRequired("Enter the target as a number.")])


class MeasurementForm(Form):
    metric = SelectField("Metric", choices=[], validators=[InputRequired("Pick a metric.")])
    measured_on = DateField("Measured on", [InputRequired("Enter the date of the measurement.")])
    value = FloatField("Value", [InputRequired("Enter the value as a number.")])
    source = StringField("Source", [Optional(), Length(max=120)])
    note = StringField("Note", [Optional()])


class BenefitForm(Form):
    description = StringField("Benefit", [InputRequired("Describe the benefit."), Length(max=200)])
    amount = DecimalField("Monetary value", [InputRequired("Enter the benefit's value."),
                                             NumberRange(min=0, message="A benefit cannot be negative.")],
                          places=2)
    isolation = TextAreaField("How the effect was isolated",
                              [InputRequired("Say how the program's effect was isolated, e.g. "
                                             "control group, trend line or estimate with confidence %.")])


# --- views ------------------------------------------------------------------------

bp = Blueprint("kirkpatrick", __name__)
PREFIX = "/partnerships/<int:partnership_id>/programs"


def _can_edit():
    return g.membership is not None and g.membership.role in ("editor", "sponsor")


def _program(partnership_id, program_id):
    program = Program.get_or_none(Program.id == program_id,
                                  Program.partnership_id == partnership_id)
    if program is None:
        abort(404)
    return program


def _summary(program):
    due = sum(1 for f in follow_ups(program) if f["state"] == "due")
    return {"program": program, "status": status(program), "due": due, "roi": roi(program)}


def _programs(partnership_id):
    return [_summary(p) for p in Program.select().where(Program.partnership_id == partnership_id)
            .order_by(Program.starts_on.desc(), Program.id.desc())]


@bp.route(PREFIX, methods=["GET", "POST"])
@requires_role("editor")
def programs(partnership_id):
    form = ProgramForm(request.form if request.method == "POST" else None)
    if request.method == "POST" and form.validate():
        program = Program.create(partnership_id=partnership_id, name=form.name.data.strip(),
                                 audience=(form.audience.data or "").strip(),
                                 starts_on=form.starts_on.data, ends_on=form.ends_on.data,
                                 cost=form.cost.data.quantize(MONEY))
        record_audit("kirkpatrick_program_created", partnership=g.partnership,
                     program=program.name, cost=str(program.cost))
        flash(f"Program \u201c{program.name}\u201d created.", "success")
        return redirect(url_for(".program", partnership_id=partnership_id, program_id=program.id))
    return render_template("kirkpatrick/programs.html", partnership=g.partnership, form=form,
                           rows=_programs(partnership_id), can_edit=_can_edit(), source=SOURCE), \
        (400 if request.method == "POST" else 200)


def _render_program(program, metric_form=None, measurement_form=None, benefit_form=None,
                    csv_errors=None, status_code=200):
    metrics = list(Metric.select().where(Metric.program == program)
                   .order_by(Metric.level, Metric.name))
    if measurement_form is None:
        measurement_form = MeasurementForm(prefix="measurement")
    measurement_form.metric.choices = [SelectChoice(str(m.id), f"{LEVELS[m.level]}: {m.name} ({m.unit})")
                                       for m in metrics]
    levels = [{"number": n, "name": name,
               "metrics": [metric_view(m) for m in metrics if m.level == n]}
              for n, name in LEVELS.items()]
    return render_template(
        "kirkpatrick/program.html", partnership=g.partnership, program=program,
        status=status(program), levels=levels, has_metrics=bool(metrics),
        roi=roi(program), follow_ups=follow_ups(program), today=today(),
        metric_form=metric_form or MetricForm(prefix="metric"),
        measurement_form=measurement_form,
        benefit_form=benefit_form or BenefitForm(prefix="benefit"),
        csv_errors=csv_errors, csv_columns=CSV_COLUMNS, can_edit=_can_edit(),
        source=SOURCE), status_code


@bp.route(f"{PREFIX}/<int:program_id>")
def program(partnership_id, program_id):
    return _render_program(_program(partnership_id, program_id))


def _back(program):
    return redirect(url_for(".program", partnership_id=program.partnership_id,
                            program_id=program.id))


@bp.route(f"{PREFIX}/<int:program_id>/metrics", methods=["POST"])
@requires_role("editor")
def add_metric(partnership_id, program_id):
    program = _program(partnership_id, program_id)
    form = MetricForm(request.form, prefix="metric")
    valid = form.validate()
    name = (form.name.data or "").strip()
    if valid and Metric.select().where(Metric.program == program,
                                       peewee.fn.LOWER(Metric.name) == name.lower()).exists():
        form.name.errors.append("This program already has a metric with that name.")
        valid = False
    if not valid:
        return _render_program(program, metric_form=form, status_code=400)
    metric = Metric.create(program=program, level=int(form.level.data), name=name,
                           unit=form.unit.data.strip(), baseline=form.baseline.data,
                           target=form.target.data)
    record_audit("kirkpatrick_metric_added", partnership=g.partnership, program=program.name,
                 metric=metric.name, level=metric.level)
    flash(f"Level {metric.level} metric \u201c{metric.name}\u201d added.", "success")
    return _back(program)


@bp.route(f"{PREFIX}/<int:program_id>/measurements", methods=["POST"])
@requires_role("editor")
def add_measurement(partnership_id, program_id):
    program = _program(partnership_id, program_id)
    form = MeasurementForm(request.form, prefix="measurement")
    form.metric.choices = [SelectChoice(str(m.id), m.name) for m in
                           Metric.select().where(Metric.program == program)]
    if not form.validate():
        return _render_program(program, measurement_form=form, status_code=400)
    metric = Metric.get(Metric.id == int(form.metric.data))
    Measurement.create(metric=metric, measured_on=form.measured_on.data, value=form.value.data,
                       source=(form.source.data or "").strip()[:120],
                       note=(form.note.data or "").strip())
    record_audit("kirkpatrick_measurement_added", partnership=g.partnership,
                 program=program.name, metric=metric.name, value=form.value.data)
    flash(f"Measurement of \u201c{metric.name}\u201d saved.", "success")
    return _back(program)


def parse_csv(program, data):
    """(rows, errors): rows ready to store, or errors as [(line, message)]; never both."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [(None, "The file is not UTF-8 text. Save it as CSV (UTF-8) and try again.")]
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader, None)
    except csv.Error as exc:
        return [], [(1, f"The file could not be read as CSV: {exc}.")]
    if not header or not any(h.strip() for h in header):
        return [], [(None, "The file is empty. The first line must name the columns: "
                           + ",".join(CSV_COLUMNS) + ".")]
    header = [h.strip().lower() for h in header]
    missing = [c for c in CSV_COLUMNS if c not in header]
    unexpected = [c for c in header if c not in CSV_COLUMNS + CSV_OPTIONAL]
    duplicated = sorted({c for c in header if header.count(c) > 1})
    if missing or unexpected or duplicated:
        parts = []
        if missing:
            parts.append("missing " + ", ".join(missing))
        if unexpected:
            parts.append("unexpected " + ", ".join(c or "(blank)" for c in unexpected))
        if duplicated:
            parts.append("repeated " + ", ".join(duplicated))
        return [], [(1, "Wrong columns (" + "; ".join(parts) + "). The first line must be "
                        + ",".join(CSV_COLUMNS) + " (a unit column may be added).")]
    metrics = {m.name.strip().lower(): m for m in Metric.select().where(Metric.program == program)}
    rows, errors = [], []
    try:
        for line, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells):
                continue
            if len(rows) + len(errors) >= MAX_CSV_ROWS:
                errors.append((line, f"Too many rows: import at most {MAX_CSV_ROWS} at a time."))
                break
            if len(cells) != len(header):
                errors.append((line, f"Expected {len(header)} values, found {len(cells)}."))
                continue
            record = {k: v.strip() for k, v in zip(header, cells)}
            problems = []
            metric = metrics.get(record["metric"].lower())
            if not record["metric"]:
                problems.append("The metric is empty.")
            elif metric is None:
                problems.append(f"No metric called \u201c{record['metric']}\u201d in this program.")
            try:
                measured_on = datetime.date.fromisoformat(record["date"])
            except ValueError:
                measured_on = None
                problems.append(f"\u201c{record['date']}\u201d is not a date (use YYYY-MM-DD).")
            try:
                value = float(record["value"])
                if value != value or value in (float("inf"), float("-inf")):
                    raise ValueError
            except ValueError:
                value = None
                problems.append(f"\u201c{record['value']}\u201d is not a number.")
            unit = record.get("unit", "")
            if metric is not None and unit and unit.lower() != metric.unit.strip().lower():
                problems.append(f"Unit \u201c{unit}\u201d does not match the metric's unit "
                                f"\u201c{metric.unit}\u201d.")
            if len(record["source"]) > 120:
                problems.append("The source is longer than 120 characters.")
            if problems:
                errors.append((line, " ".join(problems)))
            else:
                rows.append({"metric": metric, "measured_on": measured_on, "value": value,
                             "source": record["source"], "note": record["note"]})
    except csv.Error as exc:
        errors.append((reader.line_num, f"The file could not be read as CSV: {exc}."))
    if not rows and not errors:
        errors.append((None, "The file has a header but no measurements."))
    return ([], errors) if errors else (rows, [])


@bp.route(f"{PREFIX}/<int:program_id>/import", methods=["POST"])
@requires_role("editor")
def import_csv(partnership_id, program_id):
    program = _program(partnership_id, program_id)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _render_program(program, csv_errors=[(None, "Choose a CSV file to import.")],
                               status_code=400)
    data = upload.read(MAX_CSV_BYTES + 1)
    if len(data) > MAX_CSV_BYTES:
        return _render_program(program, csv_errors=[(None, "The file is larger than 1 MB.")],
                               status_code=400)
    rows, errors = parse_csv(program, data)
    if errors:
        return _render_program(program, csv_errors=errors, status_code=400)
    with Measurement._meta.database.atomic():
        for row in rows:
            Measurement.create(**row)
    record_audit("kirkpatrick_measurements_imported", partnership=g.partnership,
                 program=program.name, rows=len(rows), file=upload.filename)
    flash(f"Imported {len(rows)} measurement{'s' if len(rows) != 1 else ''}.", "success")
    return _back(program)


@bp.route(f"{PREFIX}/<int:program_id>/benefits", methods=["POST"])
@requires_role("editor")
def add_benefit(partnership_id, program_id):
    program = _program(partnership_id, program_id)
    form = BenefitForm(request.form, prefix="benefit")
    if not form.validate():
        return _render_program(program, benefit_form=form, status_code=400)
    benefit = Benefit.create(program=program, description=form.description.data.strip(),
                             amount=form.amount.data.quantize(MONEY),
                             isolation=form.isolation.data.strip())
    record_audit("kirkpatrick_benefit_added", partnership=g.partnership, program=program.name,
                 benefit=benefit.description, amount=str(benefit.amount))
    flash("Benefit added.", "success")
    return _back(program)


@bp.route(f"{PREFIX}/<int:program_id>/follow-ups/<int:day>", methods=["POST"])
@requires_role("editor")
def follow_up_done(partnership_id, program_id, day):
    program = _program(partnership_id, program_id)
    if day not in FOLLOW_UP_DAYS:
        abort(404)
    if not FollowUp.select().where(FollowUp.program == program, FollowUp.day == day).exists():
        FollowUp.create(program=program, day=day)
        record_audit("kirkpatrick_follow_up_done", partnership=g.partnership,
                     program=program.name, day=day)
    flash(f"Day-{day} behaviour follow-up marked as done.", "success")
    return _back(program)


# --- level-1 reaction form (instrument engine) ------------------------------------

def score_reaction(results):
    means = [item.mean for item in results.items.values()
             if item.question.type == "scale" and item.mean is not None]
    if not means:
        return Interpretation(headline="No ratings yet", tone="neutral")
    mean = sum(means) / len(means)
    tone = "good" if round(mean, 2) >= 4 else ("warning" if round(mean, 2) > 3 else "bad")
    return Interpretation(headline=f"Reaction averages {mean:.1f} of 5", tone=tone,
                          metrics={"Reaction": mean},
                          notes=("Reaction (level 1) says how the session was received, not "
                                 "what changed; enter the mean as a level-1 measurement of the "
                                 "program and look to levels 3 and 4 for impact.",))


REACTION = Instrument(
    id="kirkpatrick_reaction", version="1.0.0", title="Training reaction (Kirkpatrick level 1)",
    summary="Four questions after a session: relevance, engagement, intention to apply.",
    source=SOURCE, score=score_reaction, anonymous=True, min_responses=3,
    questions=(
        Question("relevance", "The session was relevant to my work.", low_label="Not at all",
                 high_label="Completely"),
        Question("engagement", "The session kept me engaged.", low_label="Not at all",
                 high_label="Completely"),
        Question("apply", "I intend to apply what I learned within the next month.",
                 low_label="Not at all", high_label="Certainly"),
        Question("recommend", "I would recommend this session to a colleague.",
                 low_label="Never", high_label="Certainly"),
        Question("comment", "What would have made the session more useful?", type="text",
                 required=False),
    ))


# --- hooks ------------------------------------------------------------------------

@hookimpl
def portal_models():
    return MODELS


@hookimpl
def portal_migrations():
    return Path(__file__).parent / "migrations"


@hookimpl
def portal_blueprints():
    return bp


@hookimpl
def portal_instruments():
    return REACTION


@hookimpl
def portal_navigation_items(partnership, membership):
    if membership is None:
        return None
    return NavItem("Programs", url_for("kirkpatrick.programs", partnership_id=partnership.id),
                   weight=58, area="partnership", endpoint="kirkpatrick.programs")


@hookimpl
def portal_dashboard_cards(partnership, membership):
    if membership is None:
        return None
    rows = _programs(partnership.id)
    tone = "warning" if any(r["due"] for r in rows) else "neutral"
    return DashboardCard("Training programs",
                         render_template("kirkpatrick/card.html", partnership=partnership,
                                         rows=rows), weight=58, tone=tone)

"""The pages of a partnership's training programs: the list, one program with its
metrics per level, measurements (by hand or CSV), benefits and follow-ups. Correcting
and removing them is in `corrections`, on the same blueprint.

Every route is partnership-scoped (`<int:partnership_id>`): the portal answers 404 to
non-members before a view runs, `current_partnership()` and `current_membership()` give
the records of the page; editors and sponsors may change things (`requires_role`).
"""
import peewee
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, ngettext
from wtforms.fields.choices import SelectChoice

from portal import (current_membership, current_partnership, partnership_blueprint, record_audit,
                    requires_role, role_at_least, write_transaction)

from . import tracking  # `tracking.today()` is looked up when called: tests move time there
from .csv_import import CSV_COLUMNS, MAX_CSV_BYTES, parse_csv
from .forms import BenefitForm, MeasurementForm, MetricForm, ProgramForm
from .models import Benefit, FollowUp, Measurement, Metric, Program
from .tracking import (FOLLOW_UP_DAYS, LEVEL_LABELS, MONEY, SOURCE, follow_ups, metric_view, roi,
                       status)

bp = partnership_blueprint("kirkpatrick", __name__, "/programs")


def can_edit():
    """Whether the page's viewer may add, correct and remove (editors and sponsors)."""
    return role_at_least(current_membership(), "editor")


def program_or_404(partnership_id, program_id):
    """The program of the URL, only within the URL's partnership."""
    program = Program.get_or_none(Program.id == program_id,
                                  Program.partnership_id == partnership_id)
    if program is None:
        abort(404)
    return program


def metric_name_taken(program, name, metric=None):
    """Whether another metric of the program has this name, ignoring case."""
    query = Metric.select().where(Metric.program == program,
                                  peewee.fn.LOWER(Metric.name) == name.lower())
    if metric is not None:
        query = query.where(Metric.id != metric.id)
    return query.exists()


def _summary(program):
    due = sum(1 for f in follow_ups(program) if f["state"] == "due")
    return {"program": program, "status": status(program), "due": due, "roi": roi(program)}


def program_summaries(partnership_id):
    """The programs of a partnership, newest first, with status, follow-ups due and ROI."""
    return [_summary(p) for p in Program.select().where(Program.partnership_id == partnership_id)
            .order_by(Program.starts_on.desc(), Program.id.desc())]


@bp.route("", methods=["GET", "POST"])
@requires_role("editor")
def programs(partnership_id):
    form = ProgramForm()
    if form.validate_on_submit():
        program = Program.create(partnership_id=partnership_id, name=form.name.data.strip(),
                                 audience=(form.audience.data or "").strip(),
                                 starts_on=form.starts_on.data, ends_on=form.ends_on.data,
                                 cost=form.cost.data.quantize(MONEY))
        record_audit("kirkpatrick_program_created", partnership=current_partnership(),
                     program=program.name, cost=str(program.cost))
        flash(_("Program \u201c%(name)s\u201d created.", name=program.name), "success")
        return redirect(url_for(".program", partnership_id=partnership_id, program_id=program.id))
    return render_template("kirkpatrick/programs.html", partnership=current_partnership(), form=form,
                           rows=program_summaries(partnership_id), can_edit=can_edit(),
                           source=_(SOURCE)), \
        (400 if request.method == "POST" else 200)


def metric_choice(metric):
    """How a metric is offered in the measurement form: its level, name and unit."""
    return _("%(level)s: %(metric)s (%(unit)s)", level=LEVEL_LABELS[metric.level],
             metric=metric.name, unit=metric.unit)


def _render_program(program, metric_form=None, measurement_form=None, benefit_form=None,
                    csv_errors=None, status_code=200):
    metrics = list(Metric.select().where(Metric.program == program)
                   .order_by(Metric.level, Metric.name))
    if measurement_form is None:
        measurement_form = MeasurementForm(prefix="measurement")
    measurement_form.metric.choices = [SelectChoice(str(m.id), metric_choice(m)) for m in metrics]
    levels = [{"number": n, "name": name,
               "metrics": [metric_view(m) for m in metrics if m.level == n]}
              for n, name in LEVEL_LABELS.items()]
    return render_template(
        "kirkpatrick/program.html", partnership=current_partnership(), program=program,
        status=status(program), levels=levels, has_metrics=bool(metrics),
        roi=roi(program), follow_ups=follow_ups(program), today=tracking.today(),
        metric_form=metric_form or MetricForm(prefix="metric"),
        measurement_form=measurement_form,
        benefit_form=benefit_form or BenefitForm(prefix="benefit"),
        csv_errors=csv_errors, csv_columns=CSV_COLUMNS, can_edit=can_edit(),
        source=_(SOURCE)), status_code


@bp.route("/<int:program_id>")
def program(partnership_id, program_id):
    return _render_program(program_or_404(partnership_id, program_id))


def back_to_program(program):
    return redirect(url_for(".program", partnership_id=program.partnership_id,
                            program_id=program.id))


@bp.route("/<int:program_id>/metrics", methods=["POST"])
@requires_role("editor")
def add_metric(partnership_id, program_id):
    program = program_or_404(partnership_id, program_id)
    form = MetricForm(prefix="metric")
    valid = form.validate_on_submit()
    name = (form.name.data or "").strip()
    if valid and metric_name_taken(program, name):
        form.name.errors.append(_("This program already has a metric with that name."))
        valid = False
    if not valid:
        return _render_program(program, metric_form=form, status_code=400)
    metric = Metric.create(program=program, level=int(form.level.data), name=name,
                           unit=form.unit.data.strip(), baseline=form.baseline.data,
                           target=form.target.data)
    record_audit("kirkpatrick_metric_added", partnership=current_partnership(), program=program.name,
                 metric=metric.name, level=metric.level)
    flash(_("Level %(level)d metric \u201c%(name)s\u201d added.", level=metric.level,
            name=metric.name), "success")
    return back_to_program(program)


@bp.route("/<int:program_id>/measurements", methods=["POST"])
@requires_role("editor")
def add_measurement(partnership_id, program_id):
    program = program_or_404(partnership_id, program_id)
    form = MeasurementForm(prefix="measurement")
    form.metric.choices = [SelectChoice(str(m.id), m.name) for m in
                           Metric.select().where(Metric.program == program)]
    if not form.validate_on_submit():
        return _render_program(program, measurement_form=form, status_code=400)
    metric = Metric.get(Metric.id == int(form.metric.data))
    Measurement.create(metric=metric, measured_on=form.measured_on.data, value=form.value.data,
                       source=(form.source.data or "").strip()[:120],
                       note=(form.note.data or "").strip())
    record_audit("kirkpatrick_measurement_added", partnership=current_partnership(),
                 program=program.name, metric=metric.name, value=form.value.data)
    flash(_("Measurement of \u201c%(name)s\u201d saved.", name=metric.name), "success")
    return back_to_program(program)


@bp.route("/<int:program_id>/import", methods=["POST"])
@requires_role("editor")
def import_csv(partnership_id, program_id):
    program = program_or_404(partnership_id, program_id)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _render_program(program, csv_errors=[(None, _("Choose a CSV file to import."))],
                               status_code=400)
    data = upload.read(MAX_CSV_BYTES + 1)
    if len(data) > MAX_CSV_BYTES:
        return _render_program(program, csv_errors=[(None, _("The file is larger than 1 MB."))],
                               status_code=400)
    rows, errors = parse_csv(program, data)
    if errors:
        return _render_program(program, csv_errors=errors, status_code=400)
    with write_transaction():
        for row in rows:
            Measurement.create(**row)
    record_audit("kirkpatrick_measurements_imported", partnership=current_partnership(),
                 program=program.name, rows=len(rows), file=upload.filename)
    flash(ngettext("Imported %(num)d measurement.", "Imported %(num)d measurements.", len(rows)),
          "success")
    return back_to_program(program)


@bp.route("/<int:program_id>/benefits", methods=["POST"])
@requires_role("editor")
def add_benefit(partnership_id, program_id):
    program = program_or_404(partnership_id, program_id)
    form = BenefitForm(prefix="benefit")
    if not form.validate_on_submit():
        return _render_program(program, benefit_form=form, status_code=400)
    benefit = Benefit.create(program=program, description=form.description.data.strip(),
                             amount=form.amount.data.quantize(MONEY),
                             isolation=form.isolation.data.strip())
    record_audit("kirkpatrick_benefit_added", partnership=current_partnership(), program=program.name,
                 benefit=benefit.description, amount=str(benefit.amount))
    flash(_("Benefit added."), "success")
    return back_to_program(program)


@bp.route("/<int:program_id>/follow-ups/<int:day>", methods=["POST"])
@requires_role("editor")
def follow_up_done(partnership_id, program_id, day):
    program = program_or_404(partnership_id, program_id)
    if day not in FOLLOW_UP_DAYS:
        abort(404)
    if not FollowUp.select().where(FollowUp.program == program, FollowUp.day == day).exists():
        FollowUp.create(program=program, day=day)
        record_audit("kirkpatrick_follow_up_done", partnership=current_partnership(),
                     program=program.name, day=day)
    flash(_("Day-%(day)d behavior follow-up marked as done.", day=day), "success")
    return back_to_program(program)

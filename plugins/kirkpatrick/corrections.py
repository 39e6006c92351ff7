"""Correcting and removing what was entered on a program's page (issue 11): the program
(removed with everything recorded for it, after a confirmation page), a metric (with its
measurements, after a confirmation page), a measurement, a benefit, and a follow-up
marked done by mistake.

Whoever may create these may correct them: editors and sponsors (`requires_role` on
every view; the edit and confirmation pages answer 403 to others as well, since a GET
passes the portal's check). A record is looked up within the program of the URL, and
the program within the URL's partnership, so another partnership's ids give 404. Every
change goes to the audit log with what it was before.
"""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, ngettext
from wtforms.fields.choices import SelectChoice

from portal import current_partnership, record_audit, requires_role, write_transaction

from .forms import BenefitForm, MeasurementForm, MetricForm, ProgramForm
from .models import Benefit, FollowUp, Measurement, Metric
from .tracking import FOLLOW_UP_DAYS, finite, money
from .views import back_to_program, bp, can_edit, metric_choice, metric_name_taken, program_or_404


def _editable(partnership_id, program_id):
    program = program_or_404(partnership_id, program_id)
    if not can_edit():
        abort(403)
    return program


def _found(record):
    if record is None:
        abort(404)
    return record


def _metric(program, metric_id):
    return _found(Metric.get_or_none(Metric.id == metric_id, Metric.program == program))


def _measurement(program, measurement_id):
    return _found(Measurement.select().join(Metric)
                  .where(Measurement.id == measurement_id, Metric.program == program).first())


def _benefit(program, benefit_id):
    return _found(Benefit.get_or_none(Benefit.id == benefit_id, Benefit.program == program))


def _initial(**values):
    """What an edit form shows first: the stored values on GET; on POST only what was sent."""
    return values if request.method == "GET" else None


def _apply(record, **values):
    """Set the values on the record; {field: [before, after]} of those that changed."""
    changed = {}
    for name, value in values.items():
        before = getattr(record, name)
        if before != value:
            changed[name] = [str(before), str(value)]
            setattr(record, name, value)
    return changed


def _save(record, event, program, message, **details):
    """Store the corrected record, note it in the audit log and flash `message`."""
    with write_transaction():
        record.save()
    record_audit(event, partnership=current_partnership(), program=program.name, **details)
    flash(message, "success")
    return back_to_program(program)


def _edit_page(program, form, title, submit, hints=None, delete=None, status_code=200):
    """The page of one edit form; `delete` is (label, url, method) of the removal, a
    link to a confirmation page ("get") or a button ("post")."""
    return render_template("kirkpatrick/edit.html", partnership=current_partnership(),
                           program=program, form=form, title=title, submit=submit,
                           hints=hints or {}, delete=delete), status_code


def _confirm_page(program, title, consequences, submit):
    return render_template("kirkpatrick/delete.html", partnership=current_partnership(),
                           program=program, title=title, consequences=consequences,
                           submit=submit), 200


@bp.route("/<int:program_id>/edit", methods=["GET", "POST"])
@requires_role("editor")
def edit_program(partnership_id, program_id):
    program = _editable(partnership_id, program_id)
    form = ProgramForm(data=_initial(name=program.name, audience=program.audience,
                                     starts_on=program.starts_on, ends_on=program.ends_on,
                                     cost=money(program.cost)))
    if form.validate_on_submit():
        changed = _apply(program, name=form.name.data.strip(),
                         audience=(form.audience.data or "").strip(),
                         starts_on=form.starts_on.data, ends_on=form.ends_on.data,
                         cost=form.cost.data)
        return _save(program, "kirkpatrick_program_edited", program,
                     _("The program is corrected."), changed=changed)
    delete = (_("Delete this program…"), url_for(".delete_program", partnership_id=partnership_id,
                                                 program_id=program.id), "get")
    return _edit_page(program, form, _("Correct the program"), _("Save the program"),
                      hints={"cost": _("Fully loaded cost of the program, 0 or more.")},
                      delete=delete,
                      status_code=400 if request.method == "POST" else 200)


@bp.route("/<int:program_id>/delete", methods=["GET", "POST"])
@requires_role("editor")
def delete_program(partnership_id, program_id):
    program = _editable(partnership_id, program_id)
    metric_ids = Metric.select(Metric.id).where(Metric.program == program)
    counts = {"metrics": metric_ids.count(),
              "measurements": Measurement.select().where(Measurement.metric.in_(metric_ids)).count(),
              "benefits": Benefit.select().where(Benefit.program == program).count(),
              "follow_ups": FollowUp.select().where(FollowUp.program == program).count()}
    if request.method == "GET":
        title = _("Delete the program \u201c%(name)s\u201d?", name=program.name)
        return _confirm_page(program, title, [
            ngettext("%(num)d metric", "%(num)d metrics", counts["metrics"]),
            ngettext("%(num)d measurement", "%(num)d measurements", counts["measurements"]),
            ngettext("%(num)d benefit", "%(num)d benefits", counts["benefits"]),
            ngettext("%(num)d follow-up marked done", "%(num)d follow-ups marked done",
                     counts["follow_ups"])], _("Delete the program"))
    with write_transaction():
        Measurement.delete().where(Measurement.metric.in_(metric_ids)).execute()
        Metric.delete().where(Metric.program == program).execute()
        Benefit.delete().where(Benefit.program == program).execute()
        FollowUp.delete().where(FollowUp.program == program).execute()
        program.delete_instance()
    record_audit("kirkpatrick_program_deleted", partnership=current_partnership(),
                 program=program.name, cost=str(program.cost), **counts)
    flash(_("Program \u201c%(name)s\u201d deleted with its metrics, measurements and benefits.",
            name=program.name), "success")
    return redirect(url_for(".programs", partnership_id=partnership_id))


@bp.route("/<int:program_id>/metrics/<int:metric_id>/edit", methods=["GET", "POST"])
@requires_role("editor")
def edit_metric(partnership_id, program_id, metric_id):
    program = _editable(partnership_id, program_id)
    metric = _metric(program, metric_id)
    form = MetricForm(prefix="metric", data=_initial(
        level=str(metric.level), name=metric.name, unit=metric.unit,
        baseline=finite(metric.baseline), target=finite(metric.target)))
    valid = form.validate_on_submit()
    name = (form.name.data or "").strip()
    if valid and metric_name_taken(program, name, metric):
        form.name.errors.append(_("This program already has a metric with that name."))
        valid = False
    if valid:
        changed = _apply(metric, level=int(form.level.data), name=name,
                         unit=form.unit.data.strip(), baseline=form.baseline.data,
                         target=form.target.data)
        return _save(metric, "kirkpatrick_metric_edited", program,
                     _("The metric \u201c%(name)s\u201d is corrected.", name=name),
                     metric=name, changed=changed)
    delete = (_("Delete this metric…"), url_for(".delete_metric", partnership_id=partnership_id,
                                                program_id=program.id, metric_id=metric.id), "get")
    return _edit_page(program, form, _("Correct the metric \u201c%(name)s\u201d", name=metric.name),
                      _("Save the metric"), delete=delete,
                      status_code=400 if request.method == "POST" else 200)


@bp.route("/<int:program_id>/metrics/<int:metric_id>/delete", methods=["GET", "POST"])
@requires_role("editor")
def delete_metric(partnership_id, program_id, metric_id):
    program = _editable(partnership_id, program_id)
    metric = _metric(program, metric_id)
    measurements = Measurement.select().where(Measurement.metric == metric).count()
    if request.method == "GET":
        title = _("Delete the metric \u201c%(name)s\u201d?", name=metric.name)
        return _confirm_page(program, title,
                             [ngettext("%(num)d measurement", "%(num)d measurements", measurements)],
                             _("Delete the metric"))
    with write_transaction():
        Measurement.delete().where(Measurement.metric == metric).execute()
        metric.delete_instance()
    record_audit("kirkpatrick_metric_deleted", partnership=current_partnership(),
                 program=program.name, metric=metric.name, level=metric.level,
                 measurements=measurements)
    flash(_("Metric \u201c%(name)s\u201d deleted with its measurements.", name=metric.name),
          "success")
    return back_to_program(program)


@bp.route("/<int:program_id>/measurements/<int:measurement_id>/edit", methods=["GET", "POST"])
@requires_role("editor")
def edit_measurement(partnership_id, program_id, measurement_id):
    program = _editable(partnership_id, program_id)
    measurement = _measurement(program, measurement_id)
    form = MeasurementForm(prefix="measurement", data=_initial(
        metric=str(measurement.metric_id), measured_on=measurement.measured_on,
        value=finite(measurement.value), source=measurement.source, note=measurement.note))
    metrics = {str(m.id): m for m in Metric.select().where(Metric.program == program)
               .order_by(Metric.level, Metric.name)}
    form.metric.choices = [SelectChoice(key, metric_choice(m)) for key, m in metrics.items()]
    if form.validate_on_submit():
        metric = metrics[form.metric.data]
        changed = _apply(measurement, metric=metric, measured_on=form.measured_on.data,
                         value=form.value.data, source=(form.source.data or "").strip()[:120],
                         note=(form.note.data or "").strip())
        return _save(measurement, "kirkpatrick_measurement_edited", program,
                     _("The measurement of \u201c%(name)s\u201d is corrected.", name=metric.name),
                     metric=metric.name, changed=changed)
    delete = (_("Delete this measurement"), url_for(
        ".delete_measurement", partnership_id=partnership_id, program_id=program.id,
        measurement_id=measurement.id), "post")
    return _edit_page(program, form,
                      _("Correct a measurement of \u201c%(name)s\u201d", name=measurement.metric.name),
                      _("Save the measurement"), delete=delete,
                      status_code=400 if request.method == "POST" else 200)


@bp.route("/<int:program_id>/measurements/<int:measurement_id>/delete", methods=["POST"])
@requires_role("editor")
def delete_measurement(partnership_id, program_id, measurement_id):
    program = program_or_404(partnership_id, program_id)
    measurement = _measurement(program, measurement_id)
    with write_transaction():
        measurement.delete_instance()
    record_audit("kirkpatrick_measurement_deleted", partnership=current_partnership(),
                 program=program.name, metric=measurement.metric.name,
                 measured_on=measurement.measured_on, value=str(measurement.value))
    flash(_("Measurement of \u201c%(name)s\u201d on %(day)s deleted.", name=measurement.metric.name,
            day=measurement.measured_on.isoformat()), "success")
    return back_to_program(program)


@bp.route("/<int:program_id>/benefits/<int:benefit_id>/edit", methods=["GET", "POST"])
@requires_role("editor")
def edit_benefit(partnership_id, program_id, benefit_id):
    program = _editable(partnership_id, program_id)
    benefit = _benefit(program, benefit_id)
    form = BenefitForm(prefix="benefit", data=_initial(
        description=benefit.description, amount=money(benefit.amount), isolation=benefit.isolation))
    if form.validate_on_submit():
        changed = _apply(benefit, description=form.description.data.strip(),
                         amount=form.amount.data, isolation=form.isolation.data.strip())
        return _save(benefit, "kirkpatrick_benefit_edited", program, _("The benefit is corrected."),
                     benefit=benefit.description, changed=changed)
    delete = (_("Delete this benefit"), url_for(".delete_benefit", partnership_id=partnership_id,
                                             program_id=program.id, benefit_id=benefit.id), "post")
    return _edit_page(program, form, _("Correct a benefit"), _("Save the benefit"), delete=delete,
                      hints={"amount": _("Monetary value, after isolation and any confidence "
                                         "adjustment.")},
                      status_code=400 if request.method == "POST" else 200)


@bp.route("/<int:program_id>/benefits/<int:benefit_id>/delete", methods=["POST"])
@requires_role("editor")
def delete_benefit(partnership_id, program_id, benefit_id):
    program = program_or_404(partnership_id, program_id)
    benefit = _benefit(program, benefit_id)
    with write_transaction():
        benefit.delete_instance()
    record_audit("kirkpatrick_benefit_deleted", partnership=current_partnership(),
                 program=program.name, benefit=benefit.description, amount=str(benefit.amount))
    flash(_("Benefit \u201c%(name)s\u201d deleted.", name=benefit.description), "success")
    return back_to_program(program)


@bp.route("/<int:program_id>/follow-ups/<int:day>/undo", methods=["POST"])
@requires_role("editor")
def follow_up_undo(partnership_id, program_id, day):
    program = program_or_404(partnership_id, program_id)
    if day not in FOLLOW_UP_DAYS:
        abort(404)
    with write_transaction():
        undone = FollowUp.delete().where(FollowUp.program == program, FollowUp.day == day).execute()
    if undone:
        record_audit("kirkpatrick_follow_up_undone", partnership=current_partnership(),
                     program=program.name, day=day)
    flash(_("Day-%(day)d behavior follow-up is no longer marked as done.", day=day), "success")
    return back_to_program(program)


"""Instrument pages of a partnership: runs, answering, results, CSV exports."""
import datetime as dt
import logging

from flask import abort, current_app, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from markupsafe import Markup

from portal import audit
from portal.exports import csv_response
from portal.forms import options
from portal import charts
from portal.instruments import answers as answer_store, registry, runs as run_ops
from portal.instruments.actions import action_form, movements, of_run
from portal.instruments.forms import AnswersForm, RunForm
from portal.instruments.models import Answer, Response, Run
from portal.instruments.results import run_results, trend
from portal.instruments.trend_charts import across_runs as trend_charts_of
from portal.prepared import Prepared
from portal.partnerships.access import partnership_blueprint, requires_role
from portal.plugins.host import call_hook
from portal.plugins.services import current_partnership, logged_in_user
from portal.records import ResponseSummary, RunInfo
from portal.rendering import is_htmx, render
from portal.vocabulary import role_at_least

log = logging.getLogger(__name__)
bp = partnership_blueprint("instruments", __name__, template_folder="templates")
# Seed 003: items averaging 3 or less on its 1-to-5 scale are discussed; the line is
# drawn on charts of 1-to-5 scales only, since it means nothing on another range.
DISCUSS_LINE = {(1, 5): 3}


def _run_or_404(run_id):
    run = _RUN.first(run_id, g.partnership.id)
    if run is None:
        abort(404)
    run.partnership = g.partnership  # read once for the page, not again through the run
    return run


_RUN = Prepared(lambda run_id, partnership_id: Run.select().where(
    Run.id == run_id, Run.partnership == partnership_id).limit(1))


def _is_editor():
    return g.membership is not None and role_at_least(g.membership.role, "editor")


@bp.route("/instruments")
def index(partnership_id):
    partnership = g.partnership
    all_runs = list(Run.select().where(Run.partnership == partnership)
                    .order_by(Run.opens_on.desc(), Run.id.desc()))
    installed = registry.installed()
    rows = []
    for instrument in installed.values():
        mine = [r for r in all_runs if r.instrument_id == instrument.id]
        rows.append({"instrument": instrument, "runs": mine,
                     "next_due": run_ops.next_due(partnership, instrument, runs=mine)})
    orphans = [r for r in all_runs if r.instrument_id not in installed]
    return render("instruments/index.html", partnership=partnership, rows=rows,
                  orphans=orphans, waiting=run_ops.waiting_for(current_user, partnership),
                  can_open=_is_editor(), today=dt.date.today())


def _member_options(partnership):
    members = run_ops.invited_members(Run(partnership=partnership, audience="both"))
    return options((m.user_id, _member_label(m.user.name, partnership.side_of(m.user.organization_id)))
                   for m in members)


def _member_label(name, side):
    if side == "client":
        return _("%(name)s (client)", name=name)
    if side == "supplier":
        return _("%(name)s (supplier)", name=name)
    return f"{name} ({side})"


@bp.route("/instruments/<instrument_id>/runs/new", methods=["GET", "POST"])
@requires_role("editor")
def new_run(partnership_id, instrument_id):
    instrument = registry.get(instrument_id)
    if instrument is None:
        abort(404)
    if not _is_editor():
        abort(403)
    form = RunForm()
    form.named.choices = _member_options(g.partnership)
    if request.method == "GET":
        count = Run.select().where(Run.partnership == g.partnership,
                                   Run.instrument_id == instrument.id).count()
        form.title.data = f"{instrument.title} #{count + 1}"
        form.opens_on.data = dt.date.today()
        form.anonymous.data = instrument.anonymous
        form.min_responses.data = instrument.min_responses
    if form.validate_on_submit():
        named = [m for m in form.named.data] if form.audience.data == "named" else []
        run = run_ops.open_run(
            g.partnership, instrument, form.title.data.strip(), form.opens_on.data,
            form.closes_on.data, form.audience.data, form.anonymous.data,
            form.min_responses.data, named_users=named, creator=current_user.id)
        flash(_("%(title)s is open.", title=run.title), "success")
        return redirect(url_for("instruments.run", partnership_id=partnership_id, run_id=run.id))
    return render("instruments/new_run.html", partnership=g.partnership, instrument=instrument,
                  form=form, status=422 if form.errors else 200)


@bp.route("/runs/<int:run_id>/close", methods=["POST"])
@requires_role("editor")
def close(partnership_id, run_id):
    run = _run_or_404(run_id)
    if FlaskForm().validate_on_submit() and run.status == "open":
        run_ops.close_run(run)
        flash(_("%(title)s is closed; no more answers are accepted.", title=run.title), "success")
    return redirect(url_for("instruments.run", partnership_id=partnership_id, run_id=run.id))


def _questions_by_section(questions):
    sections = []
    for q in questions:
        if not sections or sections[-1][0] != q.section:
            sections.append((q.section, []))
        sections[-1][1].append(q)
    return sections


@bp.route("/runs/<int:run_id>/respond", methods=["GET", "POST"])
def respond(partnership_id, run_id):
    run = _run_or_404(run_id)
    if registry.live_instrument(run) is None:
        from portal.errors import error_page

        return error_page(409, _("The instrument of this run is not installed any more, so it "
                                 "takes no answers; its results stay readable."),
                          title=_("Instrument not installed"))
    questions = registry.questions_of(run)
    shared = run.meta.get("shared")
    if shared:
        return _respond_shared(run, questions)
    if not run_ops.is_invited(run, current_user):
        abort(403)
    if run_ops.has_responded(run, current_user):
        flash(_("You have already answered this run. Thank you!"), "info")
        return redirect(url_for("instruments.run", partnership_id=partnership_id, run_id=run.id))
    if not run.accepting():
        return _refuse_closed(run)
    errors, status = {}, 200
    raw = answer_store.load_draft(run, current_user)
    draft_lost = raw is None and answer_store.has_draft(run, current_user)
    raw = raw or {}
    if request.method == "GET" and not run.anonymous:
        raw = {**raw, **{key: value for key, value in _prefilled(run).items() if not raw.get(key)}}
    if request.method == "POST":
        form = AnswersForm()
        if not form.validate_on_submit():
            abort(400)
        raw = answer_store.raw_from_form(questions, request.form)
        if form.action.data == "submit":
            answers, errors = answer_store.validate(questions, raw)
            if not errors:
                return _submit(run, answers)
            answer_store.save_draft(run, current_user, raw)
            status = 422
        else:
            answer_store.save_draft(run, current_user, raw)
            if is_htmx():
                return render("instruments/_draft_status.html", saved_at=dt.datetime.now())
            flash(_("Your answers are saved. Come back any time before the run closes to "
                    "finish and submit."), "success")
            return redirect(url_for("instruments.respond", partnership_id=partnership_id,
                                    run_id=run.id))
    return render("instruments/respond.html", partnership=g.partnership, run=run,
                  sections=_questions_by_section(questions), raw=raw, errors=errors,
                  status=status, draft_lost=draft_lost and request.method == "GET")


def _prefilled(run):
    """{question id: value} plugins pre-fill for the person (never for an anonymous run)."""
    known = {q.id for q in registry.questions_of(run)}
    return {answer.question_id: str(answer.value)[:20000] for _plugin, answer in call_hook(
        current_app.extensions["portal_plugins"], "portal_prefilled_answers",
        run=RunInfo.from_row(run), partnership=current_partnership(), user=logged_in_user())
        if answer.question_id in known}


def _refuse_closed(run):
    from portal.errors import error_page

    message = (_("This run is not open for answers yet.") if run.state() == "scheduled"
               else _("This run is closed and no longer accepts answers."))
    return error_page(409, message, title=_("Not accepting answers"))


def response_summary(run, response):
    """What plugins learn of a response: which questions were answered and the values,
    for a named run only. In the respondent's own request either could be tied to the
    person; an anonymous response is sealed (`response` is None) and says nothing."""
    if run.anonymous or response is None:
        return ResponseSummary(run=RunInfo.from_row(run), answered=(), answers={})
    given = {a.question_id: (a.value_text if a.value_num is None and a.value_date is None
                             else a.value_date or a.value_num)
             for a in response.answers}
    return ResponseSummary(run=RunInfo.from_row(run), answered=tuple(sorted(given)),
                           answers=given)


def _submit(run, answers):
    side = g.partnership.side_of(current_user.organization_id)
    try:
        response = answer_store.submit(run, current_user, side, answers)
    except answer_store.AlreadySubmitted:
        flash(_("You have already answered this run; the first submission counts."), "info")
        return redirect(url_for("instruments.run", partnership_id=g.partnership.id, run_id=run.id))
    call_hook(current_app.extensions["portal_plugins"], "portal_response_submitted",
              run=RunInfo.from_row(run), response=response_summary(run, response),
              partnership=current_partnership(),
              respondent=None if run.anonymous else logged_in_user())
    if run.anonymous:
        flash(_("Thank you — your response is submitted. It is stored without your name and "
                "reaches the results together with at least %(others)s others.",
                others=run.min_responses - 1), "success")
    else:
        flash(_("Thank you — your response is submitted."), "success")
    return redirect(url_for("instruments.run", partnership_id=g.partnership.id, run_id=run.id))


def _respond_shared(run, questions):
    """A jointly kept record (a checklist): editors update it, everyone reads it."""
    raw, response = answer_store.shared_raw(run, questions)
    errors, status = {}, 200
    if request.method == "POST":
        if not _is_editor():
            abort(403)
        if not AnswersForm().validate_on_submit():
            abort(400)
        if run.status != "open":
            return _refuse_closed(run)
        raw = answer_store.raw_from_form(questions, request.form)
        answers, errors = answer_store.validate(questions, raw)
        if not errors:
            answer_store.save_shared(run, current_user, answers)
            audit.record("checklist_updated", partnership=g.partnership, run=run.id)
            flash(_("The checklist is saved."), "success")
            return redirect(url_for("instruments.run", partnership_id=g.partnership.id, run_id=run.id))
        status = 422
    return render("instruments/respond.html", partnership=g.partnership, run=run,
                  sections=_questions_by_section(questions), raw=raw, errors=errors,
                  shared=True, last=response, can_edit=_is_editor(),
                  status=status)


@bp.route("/runs/<int:run_id>/")
def run(partnership_id, run_id):
    run = _run_or_404(run_id)
    rr = run_results(run)
    responded, invited, (invitees, respondents) = run_ops.response_rate(run)
    own_actions, earlier_actions = of_run(run)
    series = trend(rr) if rr.visible else []
    trend_charts = []
    if len(series) > 1 and series[-1][1].interpretation:
        trend_charts = trend_charts_of(run.meta["title"], series, registry.questions_of(run))
    mean_chart, side_chart = _item_charts(rr)
    panels, panel_errors = _results_panels(run, rr)
    return render("instruments/run.html", partnership=g.partnership, run=run, rr=rr,
                  responded=responded, invited=invited, charts=charts, series=series,
                  trend_charts=trend_charts, mean_chart=mean_chart, side_chart=side_chart,
                  panels=panels, panel_errors=panel_errors,
                  invited_me=current_user.id in invitees,
                  answered=current_user.id in respondents,
                  can_edit=_is_editor(), movements=movements(rr, earlier_actions),
                  action_form=action_form(g.partnership) if _is_editor() else None,
                  actions=own_actions)


def _results_panels(run, rr):
    """Panels plugins add to the results page, by weight then title, and the failures.

    Only visible results are handed to plugins: below the anonymity threshold no hook
    is called at all.
    """
    instrument = registry.live_instrument(run)
    if not rr.visible or rr.results is None or instrument is None:
        return [], []
    errors = []
    panels = [panel for _plugin, panel in call_hook(
        current_app.extensions["portal_plugins"], "portal_results_panels", errors=errors,
        instrument=instrument, run=RunInfo.from_row(run), partnership=current_partnership(),
        results=rr.results)]
    return sorted(panels, key=lambda panel: (panel.weight, panel.title)), errors


def _item_charts(rr):
    """Per-item bar charts (flagged items in red) and side comparisons, as SVG.

    Scale questions are charted together when they share a range: a 0-to-10 item and
    a 1-to-5 item on one axis would make neither readable.
    """
    if not rr.visible:
        return "", ""
    ranges = {}
    for q in rr.questions:
        if q.type == "scale":
            ranges.setdefault((q.points[0], q.points[-1]), []).append(q)
    if not ranges:
        return "", ""
    items, by_side = rr.results.items, rr.results.by_side
    flagged = {f.question_id for f in rr.interpretation.flags} if rr.interpretation else set()
    means, sides = [], []
    for (low, high), scales in ranges.items():
        means.append(charts.mean_bars(
            [(q.text, items[q.id].mean, q.id in flagged) for q in scales],
            _("Average answer per item, %(low)s to %(high)s", low=low, high=high), low=low, high=high,
            threshold=DISCUSS_LINE.get((low, high))))
        if by_side:
            sides.append(charts.side_bars(
                [(q.text, by_side["client"].items[q.id].mean,
                  by_side["supplier"].items[q.id].mean) for q in scales],
                _("Average per item, client side and supplier side, %(low)s to %(high)s",
                  low=low, high=high),
                low=low, high=high))
    return Markup("").join(means), Markup("").join(sides)


@bp.route("/runs/<int:run_id>/results.csv")
def results_csv(partnership_id, run_id):
    run = _run_or_404(run_id)
    rr = run_results(run)
    if not rr.visible:
        abort(404)
    by_side = rr.results.by_side
    rows = []
    for q in rr.questions:
        item = rr.results.items[q.id]
        # In the order of the distribution: a scale's points from its minimum up,
        # choices as declared (not 0, 1, 10, 2, … as text would sort).
        dist = ";".join(f"{k}:{v}" for k, v in item.distribution.items())
        side_means = [by_side[s].items[q.id].mean if by_side else None
                      for s in ("client", "supplier")]
        rows.append([q.id, q.section, q.text, q.type, item.count,
                     "" if item.mean is None else f"{item.mean:.3f}", dist,
                     *["" if m is None else f"{m:.3f}" for m in side_means],
                     *["" if v is None else f"{v:g}" for v in _declared_range(q)]])
    return csv_response(f"run-{run.id}-results.csv",
                ["question_id", "section", "question", "type", "answers", "mean",
                 "distribution", "client_mean", "supplier_mean", "minimum", "maximum"], rows)


def _declared_range(question):
    if question.type == "scale":
        return question.points[0], question.points[-1]
    if question.type == "number":
        return question.minimum, question.maximum
    return None, None


@bp.route("/runs/<int:run_id>/answers.csv")
def answers_csv(partnership_id, run_id):
    run = _run_or_404(run_id)
    if run.anonymous:
        abort(404)  # there is nothing that names a respondent to export
    questions = registry.questions_of(run)
    responses = list(Response.select().where(Response.run == run.id))
    by_response = {}
    for a in Answer.select().where(Answer.run == run.id):
        value = a.value_text if a.value_num is None else f"{a.value_num:g}"
        if a.value_date:
            value = f"{value} ({a.value_date.isoformat()})"
        by_response.setdefault(a.response_id, {})[a.question_id] = value
    rows = []
    for r in responses:
        who = r.user
        rows.append([who.name if who else "", who.email if who else "", r.side or "",
                     r.submitted_at.isoformat(timespec="seconds") if r.submitted_at else "",
                     *[by_response.get(r.id, {}).get(q.id, "") for q in questions]])
    return csv_response(f"run-{run.id}-answers.csv",
                ["name", "email", "side", "submitted_at", *[q.id for q in questions]], rows)

"""Supplier selection: a client organization chooses a supplier with weighted criteria.

Seeds 000 (step 5), 001 (steps 1-6) and 002 (stage 1): the need a selection serves
(strategic needs for the next 12-36 months, capability gaps), candidate suppliers,
weighted criteria (the seeds' list by default), several evaluators scoring 1-5 with a
note, sealed until every evaluator has submitted, moderated scores per criterion with
the individual scores kept, weighted totals and ranking, disagreement (spread) per
criterion and candidate, and the smallest change of one weight that changes the
winner. Choosing a supplier creates (or links) the pilot partnership, stage
"onboarding", whose overview links back to the selection record.

Evaluators are the people of the client organization who join the selection
("Join as evaluator"); the API offers no user listing, so nobody is added by name.
Written against the public plugin API only.
"""
import datetime
import math
from pathlib import Path

import peewee

from . import ahp
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from portal import (DashboardCard, Model, NavItem, create_partnership, current_organization,
                    hookimpl, organizations, partnership_url, record_audit)

__version__ = "1.0.0"

DEFAULT_CRITERIA = (
    "Content and delivery expertise and experience",
    "Breadth and depth of capabilities",
    "Alignment with our values and style",
    "Experience inside and outside our industry",
    "Flexibility with scope, timing and personnel",
    "Integrity",
    "How their strengths fill our team's gaps",
    "Measurement approach",
    "Cultural and global fit",
    "Partnering potential",
)
DEFAULT_WEIGHT = 10.0  # ten criteria of 10 points: 100 in all
SPREAD_FLAG = 2
CLIENT_KINDS = ("client", "both")


def _now():
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


# --- models -----------------------------------------------------------------------

class Selection(Model):
    client_org_id = peewee.IntegerField(index=True)
    name = peewee.CharField(max_length=160)
    needs = peewee.TextField(default="")
    gaps = peewee.TextField(default="")
    created_by_id = peewee.IntegerField()
    created_at = peewee.DateTimeField(default=_now)
    status = peewee.CharField(max_length=20, default="open")  # open | decided
    chosen_candidate_id = peewee.IntegerField(null=True)
    partnership_id = peewee.IntegerField(null=True, index=True)

    class Meta:
        table_name = "supplier_selection_selection"


class Criterion(Model):
    selection = peewee.ForeignKeyField(Selection, backref="criteria", on_delete="CASCADE")
    name = peewee.CharField(max_length=160)
    weight = peewee.FloatField(default=DEFAULT_WEIGHT)

    class Meta:
        table_name = "supplier_selection_criterion"


class Candidate(Model):
    selection = peewee.ForeignKeyField(Selection, backref="candidates", on_delete="CASCADE")
    supplier_org_id = peewee.IntegerField()
    notes = peewee.TextField(default="")

    class Meta:
        table_name = "supplier_selection_candidate"
        indexes = ((("selection", "supplier_org_id"), True),)


class Evaluator(Model):
    selection = peewee.ForeignKeyField(Selection, backref="evaluators", on_delete="CASCADE")
    user_id = peewee.IntegerField()
    name = peewee.CharField(max_length=160)
    submitted_at = peewee.DateTimeField(null=True)

    class Meta:
        table_name = "supplier_selection_evaluator"
        indexes = ((("selection", "user_id"), True),)


class Score(Model):
    evaluator = peewee.ForeignKeyField(Evaluator, backref="scores", on_delete="CASCADE")
    candidate = peewee.ForeignKeyField(Candidate, on_delete="CASCADE")
    criterion = peewee.ForeignKeyField(Criterion, on_delete="CASCADE")
    value = peewee.IntegerField()
    note = peewee.TextField(default="")

    class Meta:
        table_name = "supplier_selection_score"
        indexes = ((("evaluator", "candidate", "criterion"), True),)


class Moderated(Model):
    candidate = peewee.ForeignKeyField(Candidate, on_delete="CASCADE")
    criterion = peewee.ForeignKeyField(Criterion, on_delete="CASCADE")
    value = peewee.FloatField()
    by_user_id = peewee.IntegerField()

    class Meta:
        table_name = "supplier_selection_moderated"
        indexes = ((("candidate", "criterion"), True),)


MODELS = [Selection, Criterion, Candidate, Evaluator, Score, Moderated]


# --- calculations (pure) ------------------------------------------------------------

def weighted_totals(weights, scores):
    """{candidate: Σ w_c·s_kc / Σ w} for `weights` {criterion: w} and `scores`
    {candidate: {criterion: s}}; None when the weights add up to 0."""
    total_weight = sum(weights.values())
    if total_weight <= 0:
        return None
    return {k: sum(w * row[c] for c, w in weights.items()) / total_weight
            for k, row in scores.items()}


def ranking(totals, names):
    """Candidates best first; ties broken by name so the order is stable."""
    return sorted(totals, key=lambda k: (-totals[k], names.get(k, ""), k))


def sensitivity(weights, scores, names):
    """For each criterion, the smallest change of its weight alone (others fixed, then
    normalized) that puts another candidate strictly ahead of the leader.

    With x the criterion's weight, T_k(x) = (A_k + x·s_kc) / (B + x); B is the same for
    every candidate, so k leads L when (A_k − A_L) + x·(s_kc − s_Lc) > 0: a line in x with one root x*.
    Returns (leader, [rows]) where each row has criterion, weight, threshold (x*),
    direction ("raise"/"lower"), change and the new winner, or None for no change."""
    totals = weighted_totals(weights, scores)
    if not totals or len(totals) < 2:
        return None, []
    leader = ranking(totals, names)[0]
    rows = []
    for c, w in weights.items():
        A = {k: sum(weights[j] * scores[k][j] for j in weights if j != c) for k in scores}
        best = None
        for k in scores:
            if k == leader:
                continue
            a = A[k] - A[leader]
            b = scores[k][c] - scores[leader][c]
            if b == 0:
                continue
            root = -a / b
            if b > 0:       # k gains as the weight grows: k leads above the root
                threshold, direction = max(root, w), "raise"
            else:           # k gains as the weight shrinks: k leads below the root
                if root <= 0:
                    continue
                threshold, direction = min(root, w), "lower"
            change = abs(threshold - w)
            if best is None or change < best["change"] - 1e-12:
                best = {"criterion": c, "weight": w, "threshold": threshold,
                        "direction": direction, "change": change, "winner": k}
        rows.append(best or {"criterion": c, "weight": w, "threshold": None,
                             "direction": None, "change": None, "winner": None})
    return leader, rows


# --- access -----------------------------------------------------------------------

bp = Blueprint("supplier_selection", __name__)


def _client_org():
    org = current_organization()
    if org is None or org.kind not in CLIENT_KINDS:
        return None
    return org


def _load(selection_id):
    """The selection, for a user of its client organization only (404 for anyone else)."""
    selection = Selection.get_or_none(Selection.id == selection_id)
    org = current_organization()
    if selection is None or org is None or org.id != selection.client_org_id:
        abort(404)
    return selection


def _is_editor():
    return bool(current_user.is_org_admin)


def _supplier_names():
    return {o.id: o.name for o in organizations(kind="supplier")}


def _locked(selection):
    """Criteria and candidates freeze once someone has submitted scores."""
    return Evaluator.select().where(Evaluator.selection == selection,
                                    Evaluator.submitted_at.is_null(False)).exists()


def _state(selection):
    """Everything the selection page shows, computed from the database."""
    criteria = list(selection.criteria.order_by(Criterion.id))
    candidates = list(selection.candidates.order_by(Candidate.id))
    evaluators = list(selection.evaluators.order_by(Evaluator.id))
    names = _supplier_names()
    cand_names = {k.id: names.get(k.supplier_org_id, f"Organization {k.supplier_org_id}")
                  for k in candidates}
    me = next((e for e in evaluators if e.user_id == current_user.id), None)
    all_submitted = bool(evaluators) and all(e.submitted_at for e in evaluators)
    weight_sum = sum(c.weight for c in criteria)
    state = dict(selection=selection, criteria=criteria, candidates=candidates,
                 evaluators=evaluators, cand_names=cand_names, me=me,
                 all_submitted=all_submitted, weight_sum=weight_sum,
                 weights_normalized=bool(criteria) and abs(weight_sum - 100) > 1e-9,
                 shares={c.id: (c.weight / weight_sum if weight_sum > 0 else 0) for c in criteria},
                 locked=_locked(selection), can_edit=_is_editor(),
                 suppliers=[o for o in organizations(kind="supplier")
                            if o.id != selection.client_org_id],
                 results=None, error=None, weight_form=None, criterion_form=None)
    if all_submitted and criteria and candidates:
        state["results"] = _results(selection, criteria, candidates, evaluators, cand_names)
    return state


def _results(selection, criteria, candidates, evaluators, cand_names):
    individual = {}  # (candidate, criterion) -> [(evaluator name, value, note)]
    for s in (Score.select(Score, Evaluator).join(Evaluator)
              .where(Evaluator.selection == selection)):
        individual.setdefault((s.candidate_id, s.criterion_id), []).append(
            (s.evaluator.name, s.value, s.note))
    moderated = {(m.candidate_id, m.criterion_id): m.value for m in Moderated.select().where(
        Moderated.candidate.in_([k.id for k in candidates]))}
    unscored = [cand_names[k.id] for k in candidates
                if not any((k.id, c.id) in individual for c in criteria)]
    scores, cells = {}, {}
    for k in candidates:
        if cand_names[k.id] in unscored:
            continue
        scores[k.id] = {}
        for c in criteria:
            values = [v for _, v, _ in individual.get((k.id, c.id), [])]
            mean = sum(values) / len(values) if values else 0.0
            spread = (max(values) - min(values)) if values else 0
            used = moderated.get((k.id, c.id), mean)
            scores[k.id][c.id] = used
            cells[(k.id, c.id)] = dict(values=individual.get((k.id, c.id), []), mean=mean,
                                       spread=spread, flagged=spread >= SPREAD_FLAG,
                                       moderated=moderated.get((k.id, c.id)), used=used)
    weights = {c.id: c.weight for c in criteria}
    totals = weighted_totals(weights, scores) if scores else None
    order = ranking(totals, cand_names) if totals else []
    leader, sens = sensitivity(weights, scores, cand_names) if totals else (None, [])
    closest = min((r for r in sens if r["change"] is not None), key=lambda r: r["change"],
                  default=None)
    return dict(cells=cells, totals=totals, order=order, leader=leader, sensitivity=sens,
                closest=closest, unscored=unscored,
                flagged=[(k, c) for (k, c), cell in cells.items() if cell["flagged"]])


def _render(selection, status=200, **extra):
    state = _state(selection)
    state.update(extra)
    return render_template("supplier_selection/selection.html", **state), status


# --- views --------------------------------------------------------------------------

@bp.route("/selections", methods=["GET", "POST"])
@login_required
def index():
    org = _client_org()
    if org is None:
        abort(404)
    errors = {}
    form = {"name": "", "needs": "", "gaps": ""}
    if request.method == "POST":
        if not _is_editor():
            abort(403)
        form = {k: request.form.get(k, "").strip() for k in form}
        if not form["name"]:
            errors["name"] = "Give the selection a name."
        elif len(form["name"]) > 160:
            errors["name"] = "Keep the name under 160 characters."
        if not errors:
            selection = Selection.create(client_org_id=org.id, created_by_id=current_user.id,
                                         **form)
            for name in DEFAULT_CRITERIA:
                Criterion.create(selection=selection, name=name, weight=DEFAULT_WEIGHT)
            record_audit("supplier_selection_created", selection_id=selection.id,
                         name=selection.name)
            flash("Selection created with the default criteria. Add candidate suppliers "
                  "and adjust the criteria and weights.", "success")
            return redirect(url_for(".show", selection_id=selection.id))
    selections = list(Selection.select().where(Selection.client_org_id == org.id)
                      .order_by(Selection.created_at.desc(), Selection.id.desc()))
    return render_template("supplier_selection/index.html", selections=selections,
                           can_edit=_is_editor(), form=form, errors=errors,
                           org=org), (400 if errors else 200)


@bp.route("/selections/<int:selection_id>")
@login_required
def show(selection_id):
    return _render(_load(selection_id))


def _editable(selection, structure=False):
    """Abort unless the user may edit; `structure`: criteria and candidates themselves."""
    if not _is_editor():
        abort(403)
    if selection.status == "decided":
        return "The selection is decided; it can no longer change."
    if structure and _locked(selection):
        return ("Scores have been submitted, so criteria and candidates are locked; "
                "weights can still change.")
    return None


def _parse_weight(raw):
    try:
        value = float(raw.replace(",", ".").replace("%", "").strip())
    except (ValueError, AttributeError):
        return None
    if math.isnan(value) or math.isinf(value) or value < 0:
        return None
    return value


@bp.route("/selections/<int:selection_id>/criteria", methods=["POST"])
@login_required
def add_criterion(selection_id):
    selection = _load(selection_id)
    refused = _editable(selection, structure=True)
    if refused:
        return _render(selection, 409, error=refused)
    name = request.form.get("name", "").strip()
    weight = _parse_weight(request.form.get("weight", ""))
    if not name or len(name) > 160:
        return _render(selection, 400, error="Give the criterion a name (up to 160 characters).",
                       criterion_form=request.form)
    if weight is None:
        return _render(selection, 400, error="A weight is a number of 0 or more.",
                       criterion_form=request.form)
    if selection.criteria.where(peewee.fn.LOWER(Criterion.name) == name.lower()).exists():
        return _render(selection, 400, error=f"There is already a criterion “{name}”.",
                       criterion_form=request.form)
    Criterion.create(selection=selection, name=name, weight=weight)
    flash(f"Criterion “{name}” added.", "success")
    return redirect(url_for(".show", selection_id=selection.id))


@bp.route("/selections/<int:selection_id>/criteria/<int:criterion_id>/delete", methods=["POST"])
@login_required
def delete_criterion(selection_id, criterion_id):
    return _remove(selection_id, Criterion, criterion_id,
                   lambda criterion: f"Criterion “{criterion.name}” removed.")


def _remove(selection_id, model, row_id, message):
    """Remove a criterion or a candidate (and its scores) while the structure is open."""
    selection = _load(selection_id)
    refused = _editable(selection, structure=True)
    if refused:
        return _render(selection, 409, error=refused)
    row = model.get_or_none(model.id == row_id, model.selection == selection)
    if row is None:
        abort(404)
    row.delete_instance(recursive=True)
    flash(message(row), "success")
    return redirect(url_for(".show", selection_id=selection.id))


@bp.route("/selections/<int:selection_id>/weights", methods=["POST"])
@login_required
def set_weights(selection_id):
    selection = _load(selection_id)
    refused = _editable(selection)
    if refused:
        return _render(selection, 409, error=refused)
    criteria = list(selection.criteria)
    new, bad = {}, []
    for c in criteria:
        weight = _parse_weight(request.form.get(f"weight-{c.id}", ""))
        if weight is None:
            bad.append(c.name)
        new[c.id] = weight
    if bad:
        return _render(selection, 400, weight_form=request.form,
                       error="Weights are numbers of 0 or more; check: " + ", ".join(bad)
                       + ". Nothing was changed.")
    total = sum(new.values())
    if criteria and total <= 0:
        return _render(selection, 400, weight_form=request.form,
                       error="At least one criterion needs a weight above 0. Nothing was changed.")
    for c in criteria:
        Criterion.update(weight=new[c.id]).where(Criterion.id == c.id).execute()
    message = "Weights saved."
    if abs(total - 100) > 1e-9:
        message += (f" They add up to {total:g}, not 100, so each is divided by {total:g}: "
                    "the shares shown are normalized to 100 %.")
    flash(message, "success" if abs(total - 100) <= 1e-9 else "warning")
    return redirect(url_for(".show", selection_id=selection.id))


def _pairs(criteria):
    return [(i, j) for i in range(len(criteria)) for j in range(i + 1, len(criteria))]


@bp.route("/selections/<int:selection_id>/pairwise", methods=["GET", "POST"])
@login_required
def pairwise(selection_id):
    """Weights from pairwise judgements (AHP); inconsistent judgements go back for revision."""
    selection = _load(selection_id)
    criteria = list(selection.criteria)
    pairs = _pairs(criteria)
    values, error, strays, cr = request.form, None, [], None
    if request.method == "POST":
        refused = _editable(selection)
        if refused:
            return _render(selection, 409, error=refused)
        judgements, missing = {}, 0
        for i, j in pairs:
            value = ahp.judgement(request.form.get(f"pair-{criteria[i].id}-{criteria[j].id}"))
            if value is None:
                missing += 1
            else:
                judgements[(i, j)] = value
        if missing or len(criteria) < 2:
            error = (f"Compare every pair: {missing} of {len(pairs)} judgements are missing. "
                     "Nothing was changed.")
        else:
            found, cr, worst = ahp.weigh(len(criteria), judgements)
            if cr >= ahp.MAX_CR:
                strays = [(criteria[i].name, criteria[j].name) for i, j in worst]
                error = (f"These judgements contradict each other too much (consistency ratio "
                         f"{cr:.2f}; it must stay below {ahp.MAX_CR:.2f}). Revise them, starting "
                         "with the pairs listed below. Nothing was changed.")
            else:
                for c, weight in zip(criteria, found):
                    Criterion.update(weight=round(weight * 100, 2)).where(Criterion.id == c.id).execute()
                record_audit("supplier_selection_pairwise", selection=selection.id, cr=round(cr, 3))
                flash(f"Weights set from your pairwise judgements (consistency ratio {cr:.2f}).", "success")
                return redirect(url_for(".show", selection_id=selection.id))
    return render_template("supplier_selection/pairwise.html", selection=selection,
                           criteria=criteria, pairs=pairs, values=values, error=error,
                           strays=strays, cr=cr, scale=ahp.SCALE[1:]), 400 if error else 200


@bp.route("/selections/<int:selection_id>/candidates", methods=["POST"])
@login_required
def add_candidate(selection_id):
    selection = _load(selection_id)
    refused = _editable(selection, structure=True)
    if refused:
        return _render(selection, 409, error=refused)
    suppliers = {o.id: o.name for o in organizations(kind="supplier")
                 if o.id != selection.client_org_id}
    try:
        org_id = int(request.form.get("supplier_org_id", ""))
    except ValueError:
        org_id = None
    if org_id not in suppliers:
        return _render(selection, 400, error="Choose a supplier organization.")
    if selection.candidates.where(Candidate.supplier_org_id == org_id).exists():
        return _render(selection, 400, error=f"{suppliers[org_id]} is already a candidate.")
    Candidate.create(selection=selection, supplier_org_id=org_id,
                     notes=request.form.get("notes", "").strip())
    flash(f"{suppliers[org_id]} added as a candidate.", "success")
    return redirect(url_for(".show", selection_id=selection.id))


@bp.route("/selections/<int:selection_id>/candidates/<int:candidate_id>/delete", methods=["POST"])
@login_required
def delete_candidate(selection_id, candidate_id):
    return _remove(selection_id, Candidate, candidate_id, lambda candidate: "Candidate removed.")


@bp.route("/selections/<int:selection_id>/join", methods=["POST"])
@login_required
def join(selection_id):
    selection = _load(selection_id)
    if selection.status == "decided":
        return _render(selection, 409, error="The selection is decided; it takes no more evaluators.")
    if _locked(selection):
        return _render(selection, 409, error="Scores have been submitted; the list of evaluators "
                       "is closed.")
    Evaluator.get_or_create(selection=selection, user_id=current_user.id,
                            defaults={"name": current_user.name})
    flash("You are an evaluator of this selection. Score every candidate on every criterion.",
          "success")
    return redirect(url_for(".score", selection_id=selection.id))


def _score_page(selection, me, status=200, error=None, values=None):
    state = _state(selection)
    saved = {(s.candidate_id, s.criterion_id): s for s in me.scores}
    if values is None:
        values = {}
        for (k, c), s in saved.items():
            values[f"score-{k}-{c}"] = str(s.value)
            values[f"note-{k}-{c}"] = s.note
    state.update(values=values, error=error)
    return render_template("supplier_selection/score.html", **state), status


@bp.route("/selections/<int:selection_id>/score", methods=["GET", "POST"])
@login_required
def score(selection_id):
    selection = _load(selection_id)
    me = Evaluator.get_or_none(Evaluator.selection == selection, Evaluator.user_id == current_user.id)
    if me is None:
        flash("Join as an evaluator first.", "info")
        return redirect(url_for(".show", selection_id=selection.id))
    if request.method == "GET":
        return _score_page(selection, me)
    if me.submitted_at is not None:
        return _score_page(selection, me, 409, error="You have already submitted your scores; "
                           "they cannot be changed or submitted again.")
    if selection.status == "decided":
        return _score_page(selection, me, 409, error="The selection is decided.")
    criteria = list(selection.criteria.order_by(Criterion.id))
    candidates = list(selection.candidates.order_by(Candidate.id))
    names = _state(selection)["cand_names"]
    parsed, invalid, missing = {}, [], {}
    for k in candidates:
        for c in criteria:
            raw = request.form.get(f"score-{k.id}-{c.id}", "").strip()
            note = request.form.get(f"note-{k.id}-{c.id}", "").strip()
            if not raw:
                missing.setdefault(names[k.id], []).append(c.name)
                continue
            try:
                value = int(raw)
            except ValueError:
                value = None
            if value is None or not 1 <= value <= 5:
                invalid.append(f"{names[k.id]} / {c.name}")
                continue
            parsed[(k.id, c.id)] = (value, note)
    if invalid:
        return _score_page(selection, me, 400, values=request.form,
                           error="Scores are whole numbers from 1 to 5; check "
                           + "; ".join(invalid) + ". Nothing was saved.")
    with Selection._meta.database.atomic():
        for (k, c), (value, note) in parsed.items():
            existing = Score.get_or_none(Score.evaluator == me, Score.candidate == k,
                                         Score.criterion == c)
            if existing:
                existing.value, existing.note = value, note
                existing.save()
            else:
                Score.create(evaluator=me, candidate=k, criterion=c, value=value, note=note)
    if request.form.get("action") != "submit":
        flash("Your scores are saved as a draft; submit them when every one is given.", "success")
        return redirect(url_for(".score", selection_id=selection.id))
    if missing:
        detail = "; ".join(f"{cand}: {len(crits)} criteri{'on' if len(crits) == 1 else 'a'} "
                           f"({', '.join(crits)})" for cand, crits in missing.items())
        return _score_page(selection, me, 400, values=request.form,
                           error="Not submitted: some scores are missing — " + detail
                           + ". What you entered is saved as a draft.")
    me.submitted_at = _now()
    me.save()
    record_audit("supplier_selection_scores_submitted", selection_id=selection.id)
    flash("Your scores are submitted.", "success")
    return redirect(url_for(".show", selection_id=selection.id))


@bp.route("/selections/<int:selection_id>/moderate", methods=["POST"])
@login_required
def moderate(selection_id):
    selection = _load(selection_id)
    refused = _editable(selection)
    if refused:
        return _render(selection, 409, error=refused)
    state = _state(selection)
    if not state["all_submitted"]:
        return _render(selection, 409, error="Scores stay sealed until every evaluator has "
                       "submitted; moderate after that.")
    new, bad = {}, []
    for k in state["candidates"]:
        for c in state["criteria"]:
            raw = request.form.get(f"mod-{k.id}-{c.id}", "").strip()
            if not raw:
                new[(k.id, c.id)] = None
                continue
            value = _parse_weight(raw)
            if value is None or not 1 <= value <= 5:
                bad.append(f"{state['cand_names'][k.id]} / {c.name}")
            new[(k.id, c.id)] = value
    if bad:
        return _render(selection, 400, error="Moderated scores are numbers from 1 to 5; check "
                       + "; ".join(bad) + ". Nothing was changed.")
    with Selection._meta.database.atomic():
        for (k, c), value in new.items():
            Moderated.delete().where(Moderated.candidate == k, Moderated.criterion == c).execute()
            if value is not None:
                Moderated.create(candidate=k, criterion=c, value=value, by_user_id=current_user.id)
    flash("Moderated scores saved; the individual scores are kept.", "success")
    return redirect(url_for(".show", selection_id=selection.id))


@bp.route("/selections/<int:selection_id>/decide", methods=["POST"])
@login_required
def decide(selection_id):
    selection = _load(selection_id)
    refused = _editable(selection)
    if refused:
        return _render(selection, 409, error=refused)
    state = _state(selection)
    if not state["all_submitted"] or not state["results"] or not state["results"]["totals"]:
        return _render(selection, 409, error="Decide once every evaluator has submitted scores.")
    try:
        candidate_id = int(request.form.get("candidate_id", ""))
    except ValueError:
        candidate_id = None
    candidate = next((k for k in state["candidates"] if k.id == candidate_id), None)
    if candidate is None:
        return _render(selection, 400, error="Choose one of the candidates.")
    supplier_name = state["cand_names"][candidate.id]
    pid = create_partnership(f"{supplier_name} pilot", selection.client_org_id,
                             candidate.supplier_org_id, stage="onboarding",
                             members=[(current_user.id, "sponsor")])
    selection.status = "decided"
    selection.chosen_candidate_id = candidate.id
    selection.partnership_id = pid
    selection.save()
    record_audit("supplier_selection_decided", selection_id=selection.id,
                 supplier=supplier_name, partnership_id=pid)
    flash(f"{supplier_name} is chosen for a pilot; the partnership is in onboarding.", "success")
    return redirect(url_for(".show", selection_id=selection.id))


@bp.app_template_global("selection_partnership_url")
def _selection_partnership_url(pid):
    return partnership_url(pid)


# --- hooks --------------------------------------------------------------------------

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
def portal_navigation_items(user):
    if not getattr(user, "is_authenticated", False) or _client_org() is None:
        return None
    return NavItem("Supplier selection", url_for("supplier_selection.index"), weight=30,
                   area="main", endpoint="supplier_selection.index")


@hookimpl
def portal_dashboard_cards(partnership):
    selection = Selection.get_or_none(Selection.partnership_id == partnership.id)
    if selection is None:
        return None
    org = current_organization()
    if org is None or org.id != selection.client_org_id:
        return None
    return DashboardCard("Supplier selection",
                         render_template("supplier_selection/card.html", selection=selection),
                         weight=20)

"""Everything the selection page shows, computed from the database on each request.

Individual scores stay sealed until every evaluator has submitted; then the page shows
each cell's scores, mean and spread (flagged at SPREAD_FLAG or more), the moderated
value used instead of the mean where there is one, and the ranking and sensitivity.
"""
from flask import render_template
from flask_babel import gettext

from portal import logged_in_user, organizations, partnership_invitations

from .access import is_editor, is_locked
from .forms import OutsideCandidateForm
from .models import Candidate, Criterion, Evaluator, Moderated, Score
from .ranking import ranking, sensitivity, weighted_totals

SPREAD_FLAG = 2


def _supplier_names():
    return {o.id: o.name for o in organizations(kind="supplier")}


def selection_state(selection):
    """Everything the selection page shows, computed from the database."""
    criteria = list(selection.criteria.order_by(Criterion.id))
    candidates = list(selection.candidates.order_by(Candidate.id))
    evaluators = list(selection.evaluators.order_by(Evaluator.id))
    names = _supplier_names()
    cand_names = {k.id: names.get(k.supplier_org_id, k.name or gettext("Organization %(id)s", id=k.supplier_org_id))
                  for k in candidates}
    me = next((e for e in evaluators if e.user_id == logged_in_user().id), None)
    all_submitted = bool(evaluators) and all(e.submitted_at for e in evaluators)
    weight_sum = sum(c.weight for c in criteria)
    state = dict(selection=selection, criteria=criteria, candidates=candidates,
                 evaluators=evaluators, cand_names=cand_names, me=me,
                 all_submitted=all_submitted, weight_sum=weight_sum,
                 weights_normalized=bool(criteria) and abs(weight_sum - 100) > 1e-6,
                 shares={c.id: (c.weight / weight_sum if weight_sum > 0 else 0) for c in criteria},
                 locked=is_locked(selection), can_edit=is_editor(),
                 suppliers=[o for o in organizations(kind="supplier")
                            if o.id != selection.client_org_id],
                 results=None, error=None, weight_form=None, criterion_form=None,
                 outside_form=OutsideCandidateForm(prefix="outside", formdata=None),
                 invitations=(partnership_invitations(selection.partnership_id)
                              if selection.partnership_id else []),
                 invitation_link=None)
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


def render_selection(selection, status=200, **extra):
    state = selection_state(selection)
    state.update(extra)
    return render_template("supplier_selection/selection.html", **state), status

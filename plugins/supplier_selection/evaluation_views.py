"""Evaluating the candidates: evaluators join, score every candidate on every criterion
(a draft until submitted, then sealed), admins moderate scores; deciding is in
`decision`."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import format_number, gettext as _, ngettext
from flask_wtf import FlaskForm

from portal import first_error, logged_in_user, login_required, record_audit, write_transaction

from .access import edit_refusal, is_locked, load_selection
from .blueprint import bp
from .forms import MAX_TEXT, ScoreForm, clean_text, parse_score, parse_weight, posted
from .models import Candidate, Criterion, Evaluator, Moderated, Score, utc_now
from .state import render_selection, selection_state


@bp.route("/selections/<int:selection_id>/join", methods=["POST"])
@login_required
def join(selection_id):
    selection = load_selection(selection_id)
    if selection.status == "decided":
        return render_selection(selection, 409,
                                error=_("The selection is decided; it takes no more evaluators."))
    if is_locked(selection):
        return render_selection(selection, 409, error=_("Scores have been submitted; the list of "
                                                        "evaluators is closed."))
    Evaluator.get_or_create(selection=selection, user_id=logged_in_user().id,
                            defaults={"name": logged_in_user().name})
    flash(_("You are an evaluator of this selection. Score every candidate on every criterion."),
          "success")
    return redirect(url_for(".score", selection_id=selection.id))


def _score_page(selection, me, status=200, error=None, values=None):
    state = selection_state(selection)
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
    selection = load_selection(selection_id)
    me = Evaluator.get_or_none(Evaluator.selection == selection, Evaluator.user_id == logged_in_user().id)
    if me is None:
        flash(_("Join as an evaluator first."), "info")
        return redirect(url_for(".show", selection_id=selection.id))
    if request.method == "GET":
        return _score_page(selection, me)
    if me.submitted_at is not None:
        return _score_page(selection, me, 409, error=_("You have already submitted your scores; "
                                                       "they cannot be changed or submitted again."))
    if selection.status == "decided":
        return _score_page(selection, me, 409, error=_("The selection is decided."))
    form = ScoreForm()
    if not form.validate_on_submit():
        return _score_page(selection, me, 400, error=first_error(form))
    criteria = list(selection.criteria.order_by(Criterion.id))
    candidates = list(selection.candidates.order_by(Candidate.id))
    names = selection_state(selection)["cand_names"]
    typed = {}
    parsed, invalid, bad_notes, missing = {}, [], [], {}
    for k in candidates:
        for c in criteria:
            score_name, note_name = f"score-{k.id}-{c.id}", f"note-{k.id}-{c.id}"
            typed[score_name], typed[note_name] = posted(score_name), posted(note_name)
            raw, note = typed[score_name].strip(), clean_text(typed[note_name])
            if note is None:
                bad_notes.append(f"{names[k.id]} / {c.name}")
                continue
            if not raw:
                missing.setdefault(names[k.id], []).append(c.name)
                continue
            value = parse_score(raw)
            if value is None:
                invalid.append(f"{names[k.id]} / {c.name}")
                continue
            parsed[(k.id, c.id)] = (value, note)
    if invalid:
        return _score_page(selection, me, 400, values=typed,
                           error=_("Scores are whole numbers from 1 to 5; check %(scores)s. "
                                   "Nothing was saved.", scores="; ".join(invalid)))
    if bad_notes:
        return _score_page(selection, me, 400, values=typed,
                           error=_("A note holds at most %(num)s characters and no NUL "
                                   "character; check %(notes)s. Nothing was saved.",
                                   num=format_number(MAX_TEXT), notes="; ".join(bad_notes)))
    with write_transaction():
        for (k, c), (value, note) in parsed.items():
            existing = Score.get_or_none(Score.evaluator == me, Score.candidate == k,
                                         Score.criterion == c)
            if existing:
                existing.value, existing.note = value, note
                existing.save()
            else:
                Score.create(evaluator=me, candidate=k, criterion=c, value=value, note=note)
    if form.action.data != "submit":
        flash(_("Your scores are saved as a draft; submit them when every one is given."),
              "success")
        return redirect(url_for(".score", selection_id=selection.id))
    if missing:
        detail = "; ".join(ngettext("%(candidate)s: %(num)d criterion (%(criteria)s)",
                                    "%(candidate)s: %(num)d criteria (%(criteria)s)",
                                    len(crits), candidate=cand, criteria=", ".join(crits))
                           for cand, crits in missing.items())
        return _score_page(selection, me, 400, values=typed,
                           error=_("Not submitted: some scores are missing — %(detail)s. "
                                   "What you entered is saved as a draft.", detail=detail))
    me.submitted_at = utc_now()
    me.save()
    record_audit("supplier_selection_scores_submitted", selection_id=selection.id)
    flash(_("Your scores are submitted."), "success")
    return redirect(url_for(".show", selection_id=selection.id))


@bp.route("/selections/<int:selection_id>/moderate", methods=["POST"])
@login_required
def moderate(selection_id):
    selection = load_selection(selection_id)
    refused = edit_refusal(selection)
    if refused:
        return render_selection(selection, 409, error=refused)
    state = selection_state(selection)
    if not state["all_submitted"]:
        return render_selection(selection, 409, error=_("Scores stay sealed until every evaluator "
                                                        "has submitted; moderate after that."))
    if not FlaskForm().validate_on_submit():
        abort(400)
    new, bad = {}, []
    for k in state["candidates"]:
        for c in state["criteria"]:
            raw = posted(f"mod-{k.id}-{c.id}").strip()
            if not raw:
                new[(k.id, c.id)] = None
                continue
            value = parse_weight(raw)
            if value is None or not 1 <= value <= 5:
                bad.append(f"{state['cand_names'][k.id]} / {c.name}")
            new[(k.id, c.id)] = value
    if bad:
        return render_selection(selection, 400, error=_(
            "Moderated scores are numbers from 1 to 5; check %(scores)s. Nothing was changed.",
            scores="; ".join(bad)))
    with write_transaction():
        for (k, c), value in new.items():
            Moderated.delete().where(Moderated.candidate == k, Moderated.criterion == c).execute()
            if value is not None:
                Moderated.create(candidate=k, criterion=c, value=value, by_user_id=logged_in_user().id)
    flash(_("Moderated scores saved; the individual scores are kept."), "success")
    return redirect(url_for(".show", selection_id=selection.id))

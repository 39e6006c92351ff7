"""Reading answers from a form, keeping drafts, and storing submitted responses."""
import datetime as dt
import json

from flask_babel import gettext as _
from peewee import IntegrityError

from portal.accounts.models import utcnow
from portal.db import write_transaction
from portal.forms import BadValue, choice, clean_text, finite_number
from portal.instruments import sealing, tallies
from portal.instruments.models import Answer, Draft, Participation, Response

MAX_TEXT = 5000


class AlreadySubmitted(Exception):
    """This person has already submitted a response to this run."""


def field_name(question, part=""):
    return f"q-{question.id}" + (f"-{part}" if part else "")


def raw_from_form(questions, form):
    """The form's values per question, exactly as typed, for drafts and re-display."""
    raw = {}
    for q in questions:
        if q.type == "step":
            raw[q.id] = {"done": form.get(field_name(q)) == "1",
                         "date": form.get(field_name(q, "date"), ""),
                         "note": form.get(field_name(q, "note"), "")}
        else:
            raw[q.id] = form.get(field_name(q), "")
    return raw


def _number(text):
    """A number as typed, with a decimal comma too ("3,5")."""
    return finite_number(text.replace(",", "."))


def validate(questions, raw, today=None):
    """(answers, errors): answers as {id: (num, text, date)}, errors as {id: message}."""
    today = today or dt.date.today()
    answers, errors = {}, {}
    for q in questions:
        value = raw.get(q.id, "")
        if q.type == "step":
            value = value if isinstance(value, dict) else {}
            done_on = None
            if value.get("date"):
                try:
                    done_on = dt.date.fromisoformat(value["date"])
                except ValueError:
                    errors[q.id] = _("Enter the date as YYYY-MM-DD.")
                    continue
                if done_on > today:
                    errors[q.id] = _("The date a step was done cannot be in the future.")
                    continue
            try:
                note = clean_text(value.get("note"), MAX_TEXT,
                                  too_long=_("Keep the note under 5,000 characters."))
            except BadValue as exc:
                errors[q.id] = str(exc)
                continue
            answers[q.id] = (1.0 if value.get("done") else 0.0, note or None, done_on)
            continue
        value = (value or "").strip() if isinstance(value, str) else ""
        if value == "":
            if q.required:
                errors[q.id] = _("Answer this question.")
            continue
        if q.type == "scale":
            # Exactly the text of a point of the declared range ("7", "-2"): no other
            # spelling of a number ("٧", "7.0", "+7") is an answer.
            if choice(value, {str(point) for point in q.points}) is None:
                errors[q.id] = _("Choose a value from %(low)s to %(high)s.", low=q.points[0],
                                   high=q.points[-1])
            else:
                answers[q.id] = (float(value), None, None)
        elif q.type == "yesno":
            if choice(value, {"0", "1"}) is None:
                errors[q.id] = _("Answer yes or no.")
            else:
                answers[q.id] = (float(value), None, None)
        elif q.type == "number":
            number = _number(value)
            low = q.minimum if q.minimum is not None else float("-inf")
            high = q.maximum if q.maximum is not None else float("inf")
            if number is None:
                errors[q.id] = _("Enter a number, for example 12 or 3.5.")
            elif not low <= number <= high:
                errors[q.id] = _("Enter a number from %(low)s to %(high)s.",
                                 low=format(q.minimum, "g"), high=format(q.maximum, "g")) if (
                    q.minimum is not None and q.maximum is not None) else (
                    _("Enter a number of at least %(low)s.", low=format(q.minimum, "g"))
                    if q.minimum is not None
                    else _("Enter a number of at most %(high)s.", high=format(q.maximum, "g")))
            else:
                answers[q.id] = (number, None, None)
        elif q.type == "choice":
            if choice(value, {str(v) for v, _label in q.options}) is None:
                errors[q.id] = _("Choose one of the options.")
            else:
                answers[q.id] = (None, value, None)
        elif q.type == "text":
            try:
                answers[q.id] = (None, clean_text(value, MAX_TEXT,
                                                  too_long=_("Keep the answer under 5,000 characters.")), None)
            except BadValue as exc:
                errors[q.id] = str(exc)
    return answers, errors


def load_draft(run, user):
    """What the respondent saved before; for an anonymous run only in the session that
    saved it (the draft is sealed with a key that session alone holds)."""
    draft = Draft.get_or_none(Draft.run == run, Draft.user == user.id)
    if draft is None:
        return None
    return sealing.open_draft(run, draft.data) if run.anonymous else json.loads(draft.data)


def has_draft(run, user):
    return Draft.select().where(Draft.run == run, Draft.user == user.id).exists()


def save_draft(run, user, raw):
    """Keep what was typed (even if not valid yet) so the respondent can come back."""
    data = sealing.seal_draft(run, raw) if run.anonymous else json.dumps(raw)
    with write_transaction():
        updated = (Draft.update(data=data, updated_at=utcnow())
                   .where(Draft.run == run, Draft.user == user.id).execute())
        if not updated:
            Draft.create(run=run, user=user, data=data)


def _store(response, answers):
    rows = [{"response": response.id, "run": response.run_id, "side": response.side,
             "batch": response.batch,
             "question_id": qid, "value_num": num, "value_text": text, "value_date": date}
            for qid, (num, text, date) in answers.items()]
    if rows:
        Answer.insert_many(rows).execute()


def submit(run, user, side, answers):
    """Store a response once; an anonymous one sealed until its batch (sealing.py).

    Participation is written first: its primary key (run, user) makes a second
    submission fail inside the same transaction, even from two tabs at once. The
    response of a named run is written with it and returned; an anonymous one is sealed
    and None is returned, since no response row exists yet that could be tied to the
    person — the batch is released afterwards, in a transaction of its own.
    """
    try:
        with write_transaction():
            Participation.insert(run=run, user=user).execute()
            Draft.delete().where(Draft.run == run, Draft.user == user.id).execute()
            if run.anonymous:
                sealing.seal(run, side if run.record_side else None, answers)
                response = None
            else:
                response = Response.create(run=run, user=user, side=side,
                                           submitted_at=utcnow())
                _store(response, answers)
                tallies.add_response(run, side, answers)
    except IntegrityError as exc:
        raise AlreadySubmitted() from exc
    if run.anonymous:
        sealing.forget_draft_key(run)
        sealing.release(run)
    return response


def save_shared(run, user, answers):
    """Replace the run's single jointly kept record (checklists)."""
    with write_transaction():
        response = Response.get_or_none(Response.run == run)
        if response is None:
            response = Response.create(run=run, user=user, submitted_at=utcnow())
        else:
            response.user, response.submitted_at = user, utcnow()
            response.save()
        Answer.delete().where(Answer.response == response.id).execute()
        _store(response, answers)
        tallies.record_replaced(run)
    return response


def shared_raw(run, questions):
    """The shared record in the shape of a form, to fill the checklist form again."""
    response = Response.get_or_none(Response.run == run)
    if response is None:
        return {}, None
    stored = {a.question_id: a for a in Answer.select().where(Answer.response == response.id)}
    raw = {}
    for q in questions:
        a = stored.get(q.id)
        if a is None:
            continue
        if q.type == "step":
            raw[q.id] = {"done": a.value_num == 1.0, "note": a.value_text or "",
                         "date": a.value_date.isoformat() if a.value_date else ""}
        elif a.value_text is not None:
            raw[q.id] = a.value_text
        elif a.value_num is not None:
            raw[q.id] = f"{a.value_num:g}"
    return raw, response

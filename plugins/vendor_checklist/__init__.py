"""The vendor partnership checklist (seed 001): nine steps, kept as one shared record.

A built-in instrument written against the public API only. Scoring counts the steps
done and watches the contract: the seed asks for a review 2-3 months before the
contract expires, so the step turns into a dated reminder once that window is open.
"""
import datetime
from pathlib import Path

from flask_babel import gettext as _, ngettext

from portal import Flag, Interpretation, hookimpl, instrument_from_toml

__version__ = "1.0.0"

CONTRACT_STEP = "contract_review"
# Seed 001, step 7: "Review or make changes 2-3 months before expiration." We open the
# window at the earlier end, about three months (92 days) before the contract ends.
REVIEW_WINDOW_DAYS = 92


def is_done(item):
    """A step is done when the shared record marks it done (distribution {1: done, 0: not})."""
    return item is not None and item.distribution.get(1, 0) > 0


def _as_date(value):
    return value.date() if isinstance(value, datetime.datetime) else value


def _day(value):
    return f"{value.day} {value:%B %Y}"


def contract_review(item, context):
    """(flag or None, tone or None, note or None) for the contract-review rule."""
    end = _as_date(context.get("contract_end"))
    if end is None:
        return None, None, _("No contract end date is recorded for this partnership, so no "
                             "contract review reminder can be given.")
    today = _as_date(context.get("today")) or datetime.date.today()
    days_left = (end - today).days
    opens = end - datetime.timedelta(days=REVIEW_WINDOW_DAYS)
    if days_left > REVIEW_WINDOW_DAYS:
        return None, None, _("The contract ends on %(end)s; its review window opens on "
                             "%(opens)s.", end=_day(end), opens=_day(opens))
    if is_done(item):
        return None, None, _("The contract review is done; the contract ends on %(end)s.",
                             end=_day(end))
    if days_left < 0:
        title = ngettext("Contract review due: the contract ended %(num)d day ago",
                         "Contract review due: the contract ended %(num)d days ago",
                         -days_left)
        tone = "bad"
    elif days_left == 0:
        title, tone = _("Contract review due: the contract ends today"), "warning"
    else:
        title = ngettext("Contract review due: %(num)d day left before the contract ends",
                         "Contract review due: %(num)d days left before the contract ends",
                         days_left)
        tone = "warning"
    flag = Flag(
        title=title,
        question_id=item.question.id if item is not None else CONTRACT_STEP,
        detail=_("The contract ends on %(end)s and the review, due from %(opens)s, "
                 "is not marked done.", end=_day(end), opens=_day(opens)),
        suggested_action=_("Meet with the vendor this month to review the contract and "
                           "agree whether to renew, change or end it before it expires."))
    return flag, tone, None


def score(results):
    """Steps done, a flag per step not done, and the contract-review reminder."""
    steps = [item for item in results.items.values() if item.question.type == "step"]
    done = [item for item in steps if is_done(item)]
    review_flag, review_tone, review_note = contract_review(
        results.items.get(CONTRACT_STEP), results.context)

    flags = [review_flag] if review_flag else []
    for number, item in enumerate(steps, start=1):
        if is_done(item) or (review_flag and item.question.id == CONTRACT_STEP):
            continue
        flags.append(Flag(title=_("Step %(number)d not done: %(step)s",
                                  number=number, step=item.question.text),
                          question_id=item.question.id,
                          detail=item.question.help or _("Not marked done in the shared "
                                                         "record yet."),
                          suggested_action=item.question.guidance))

    complete = len(done) == len(steps)
    tone = review_tone or ("good" if complete else "neutral")
    return Interpretation(
        headline=ngettext("%(done)d of %(num)d step done", "%(done)d of %(num)d steps done",
                          len(steps), done=len(done)),
        band=_("Complete") if complete else _("In progress"),
        tone=tone, flags=tuple(flags),
        notes=(review_note,) if review_note else (),
        metrics={"Steps done": len(done)})


INSTRUMENT = instrument_from_toml(Path(__file__).parent / "instrument.toml", score=score)
SOURCE = INSTRUMENT.source


@hookimpl
def portal_instruments():
    return INSTRUMENT

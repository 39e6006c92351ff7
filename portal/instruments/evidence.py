"""What the portal's own data says about each of the 4 I's, for the annual audit (seed 001,
step 8: "Audit the partnership annually using the 4 I's framework").

Each line is one sentence with its figure, the page it comes from and the period it
covers: integrity from promises kept (joint actions closed on time, expectations
acknowledged by both sides), integration from working together (shared library content,
cohorts across both organizations, reviews held), insights from measurement (how
instrument results moved between the last two closed runs, items flagged). Plugins add
their own lines through `portal_audit_evidence` (the Kirkpatrick plugin: impact). The
results are read from stored tallies, never from answer rows.
"""
import datetime as dt

from flask import current_app, has_app_context, has_request_context, url_for
from flask_babel import force_locale
from peewee import fn

from portal.plugins.api import FOUR_IS, Evidence

PERIOD_DAYS = 365


def _plural(count, word, plural=None):
    return f"{count} {word if count == 1 else (plural or word + 's')}"


def _url(endpoint, partnership_id, **values):
    return url_for(endpoint, partnership_id=partnership_id, **values)


def _day(moment):
    return moment.date() if isinstance(moment, dt.datetime) else moment


def _actions(partnership_id, start, end):
    from portal.instruments.models import ActionItem

    due = list(ActionItem.select().where(ActionItem.partnership == partnership_id,
                                         ActionItem.due_on.between(start, end)))
    on_time = [a for a in due if a.status == "done" and a.closed_at is not None
               and _day(a.closed_at) <= a.due_on]
    overdue = [a for a in due if a.status != "done" and a.due_on < end]
    late = [a for a in due if a.status == "done" and a not in on_time]
    url = _url("actions.index", partnership_id)
    if not due:
        return Evidence("Integrity", "No joint action fell due in the last 12 months.", url,
                        "0 of 0", start, end)
    text = (f"{len(on_time)} of {_plural(len(due), 'joint action')} due in the last 12 months "
            f"{'was' if len(due) == 1 else 'were'} closed on time; {len(late)} closed late, "
            f"{len(overdue)} still open past the due date.")
    return Evidence("Integrity", text, url, f"{len(on_time)} of {len(due)}", start, end)


def _expectations(partnership, start, end):
    from portal.expectations.acknowledgements import board

    items = board(partnership).items
    url = _url("expectations.index", partnership.id)
    if not items:
        return Evidence("Integrity", "No relational expectation is written down yet.", url,
                        "0 of 0", start, end)
    sides = {partnership.client_id, partnership.supplier_id}
    both = [item for item in items
            if {m.user.organization_id for m in item.acknowledged} >= sides]
    waiting = {m.user_id for item in items for m in item.pending}
    text = (f"{len(both)} of {_plural(len(items), 'current expectation')} "
            f"{'is' if len(both) == 1 else 'are'} acknowledged by both sides; "
            + (f"{_plural(len(waiting), 'member')} still "
               f"{'has' if len(waiting) == 1 else 'have'} wording to acknowledge."
               if waiting else "every member has acknowledged every current wording."))
    return Evidence("Integrity", text, url, f"{len(both)} of {len(items)}", start, end)


def _content(partnership, start, end):
    from portal.accounts.models import User
    from portal.content.models import Completion, ItemView

    since = dt.datetime.combine(start, dt.time.min)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min)
    readers = list(ItemView.select(ItemView.item, User.organization).join(User)
                   .where(ItemView.partnership == partnership.id,
                          ItemView.at >= since, ItemView.at < until).tuples())
    completions = (Completion.select(fn.COUNT(Completion.id))
                   .where(Completion.partnership == partnership.id,
                          Completion.at >= since, Completion.at < until).scalar()) or 0
    items = {item for item, _ in readers}
    client = {item for item, org in readers if org == partnership.client_id}
    supplier = {item for item, org in readers if org == partnership.supplier_id}
    shared = client & supplier
    text = (f"{_plural(len(items), 'library item')} {'was' if len(items) == 1 else 'were'} "
            f"read in the last 12 months, {len(shared)} of them by people of both "
            f"organizations; {_plural(completions, 'completion')} recorded.")
    return Evidence("Integration", text, _url("enablement.index", partnership.id),
                    f"{len(shared)} of {len(items)}", start, end)


def _cohorts(partnership, start, end):
    from portal.accounts.models import User
    from portal.content.cohorts.models import Cohort, CohortMember

    cohorts = list(Cohort.select().where(Cohort.partnership == partnership.id,
                                         Cohort.ends_on >= start, Cohort.starts_on <= end))
    orgs = {}
    if cohorts:
        for cohort_id, org in (CohortMember.select(CohortMember.cohort, User.organization)
                               .join(User).where(CohortMember.cohort.in_([c.id for c in cohorts]))
                               .tuples()):
            orgs.setdefault(cohort_id, set()).add(org)
    sides = {partnership.client_id, partnership.supplier_id}
    mixed = [c for c in cohorts if orgs.get(c.id, set()) >= sides]
    text = (f"{len(mixed)} of {_plural(len(cohorts), 'cohort')} in the last 12 months "
            f"brought together members of both organizations." if cohorts else
            "No cohort ran in the last 12 months.")
    return Evidence("Integration", text, _url("cohorts.index", partnership.id),
                    f"{len(mixed)} of {len(cohorts)}", start, end)


def _reviews(partnership_id, start, end):
    from portal.meetings.models import KINDS, Meeting

    held = list(Meeting.select().where(
        Meeting.partnership == partnership_id, Meeting.status == "closed",
        Meeting.scheduled_at >= dt.datetime.combine(start, dt.time.min),
        Meeting.scheduled_at < dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min)))
    with force_locale("en"):  # the evidence is kept as written, in English
        kinds = [f"{sum(m.kind == key for m in held)} {str(label).lower()}"
                 + ("" if sum(m.kind == key for m in held) == 1 else "s")
                 for key, label in KINDS if any(m.kind == key for m in held)]
    text = (f"{_plural(len(held), 'review')} held in the last 12 months"
            + (f" ({', '.join(kinds)})." if kinds else "."))
    return Evidence("Integration", text, _url("meetings.index", partnership_id),
                    str(len(held)), start, end)


def _closed_visible(partnership_id, end):
    """{instrument id: [(run, RunResults)]} of closed runs with visible results, oldest first."""
    from portal.instruments import tallies
    from portal.instruments.models import Run
    from portal.instruments.results import run_results

    runs = list(Run.select().where(Run.partnership == partnership_id, Run.status == "closed",
                                   Run.opens_on <= end).order_by(Run.opens_on, Run.id))
    stored = tallies.stored_for(runs)
    found = {}
    for run in runs:
        rr = run_results(run, stored=stored.get(run.id))
        if rr.visible and rr.interpretation is not None:
            found.setdefault(run.instrument_id, []).append((run, rr))
    return found


def _number(value):
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _insights(partnership_id, start, end):
    lines = []
    by_instrument = _closed_visible(partnership_id, end)
    for series in sorted(by_instrument.values(), key=lambda s: s[-1][0].meta["title"]):
        if len(series) < 2:
            continue
        (before, old), (after, new) = series[-2], series[-1]
        moves = []
        for name, value in new.interpretation.metrics.items():
            earlier = old.interpretation.metrics.get(name)
            if isinstance(value, (int, float)) and isinstance(earlier, (int, float)):
                moves.append((name, earlier, value))
        if not moves:
            continue
        up = sum(value > earlier for _, earlier, value in moves)
        down = sum(value < earlier for _, earlier, value in moves)
        moved = f"{up} up, {down} down, {len(moves) - up - down} unchanged"
        shown = "; ".join(f"{name} {_number(earlier)} to {_number(value)}"
                          for name, earlier, value in moves[:6])
        text = (f"{after.meta['title']}, from “{before.title}” to “{after.title}”: "
                f"{moved} ({shown}).")
        lines.append(Evidence("Insights", text,
                              _url("instruments.run", partnership_id, run_id=after.id),
                              moved, before.opens_on, after.opens_on))
    if not lines:
        lines.append(Evidence("Insights", "No instrument has two closed runs with results yet, "
                              "so no trend can be read.", _url("instruments.index", partnership_id),
                              "0", start, end))
    flagged = [(series[-1][0], len(series[-1][1].interpretation.flags))
               for series in by_instrument.values()]
    total = sum(count for _, count in flagged)
    text = (f"{_plural(total, 'item')} flagged for discussion in the latest results of "
            f"{_plural(len(flagged), 'instrument')}"
            + (": " + ", ".join(f"{run.meta['title']} ({count})" for run, count in
                                sorted(flagged, key=lambda f: f[0].meta["title"]) if count)
               if total else "") + ".")
    if not flagged:
        text = "No instrument has closed results yet, so no item is flagged for discussion."
    lines.append(Evidence("Insights", text, _url("instruments.index", partnership_id),
                          str(total), start, end))
    return lines


def _benefits(partnership, start, end):
    """Impact from the measures of mutual benefit, when the health feature that keeps them
    is installed and the partnership has defined some: how many reached their target."""
    if "scorecard.index" not in current_app.view_functions:
        return []
    from portal.scorecard.models import Benefit, BenefitValue

    benefits = list(Benefit.select().where(Benefit.partnership == partnership.id,
                                           Benefit.target.is_null(False)))
    if not benefits:
        return []
    latest = {}
    for value in (BenefitValue.select().where(BenefitValue.benefit.in_([b.id for b in benefits]),
                                              BenefitValue.measured_on <= end)
                  .order_by(BenefitValue.measured_on, BenefitValue.id)):
        latest[value.benefit_id] = value.value
    measured = [b for b in benefits if b.id in latest]
    reached = [b for b in measured if (latest[b.id] <= b.target if b.direction == "lower"
                                       else latest[b.id] >= b.target)]
    sides = ", ".join(f"the {side}'s {sum(b.side == side for b in reached)} of "
                      f"{sum(b.side == side for b in measured)}"
                      for side in ("client", "supplier") if any(b.side == side for b in measured))
    text = (f"{len(reached)} of {_plural(len(measured), 'measured benefit')} "
            f"{'has' if len(reached) == 1 else 'have'} reached {'its' if len(measured) == 1 else 'their'} "
            f"target in the latest value ({sides})"
            + (f"; {_plural(len(benefits) - len(measured), 'benefit')} not measured yet."
               if len(measured) < len(benefits) else "."))
    return [Evidence("Impact", text, _url("scorecard.index", partnership.id),
                     f"{len(reached)} of {len(measured)}", start, end)]


def gather(partnership, end=None):
    """Evidence lines for a partnership's 4 I's audit, about the 12 months up to `end`
    (today by default): the portal's own, then those of plugins, in the order of the I's."""
    if has_app_context() and not has_request_context():
        # A command or the demo opening a run: links are built as in a request to "/".
        with current_app.test_request_context("/"):
            return gather(partnership, end)
    end = end or dt.date.today()
    start = end - dt.timedelta(days=PERIOD_DAYS - 1)
    lines = [_actions(partnership.id, start, end), _expectations(partnership, start, end),
             _content(partnership, start, end), _cohorts(partnership, start, end),
             _reviews(partnership.id, start, end), *_insights(partnership.id, start, end),
             *_benefits(partnership, start, end)]
    if has_app_context():
        from portal.plugins.host import call_hook
        from portal.records import PartnershipInfo

        lines += [line for _, line in call_hook(
            current_app.extensions["portal_plugins"], "portal_audit_evidence",
            partnership=PartnershipInfo.from_row(partnership), start=start, end=end)]
    return sorted(lines, key=lambda line: FOUR_IS.index(line.i))


def audit_evidence(partnership, end=None):
    """The evidence lines for a partnership's 4 I's audit about the 12 months up to `end`
    (today by default), as a list of Evidence. `partnership` is the PartnershipInfo a hook
    or `current_partnership()` gave."""
    from portal.partnerships.models import Partnership

    row = Partnership.get_or_none(Partnership.id == partnership.id)
    return [] if row is None else gather(row, end)

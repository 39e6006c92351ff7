"""Opening and closing runs, who is invited, and when the next one is due."""
import datetime as dt

from peewee import Value, fn

from portal import audit
from portal.accounts.models import User, utcnow
from portal.instruments import registry, sealing, tallies
from portal.instruments.declarations import MIN_RESPONSES
from portal.instruments.models import Participation, Run, RunInvitee
from portal.partnerships.models import Partnership, PartnershipMember
from portal.prepared import Prepared


def open_run(partnership, instrument, title, opens_on, closes_on, audience, anonymous,
             min_responses, named_users=(), creator=None):
    """Create a run; its settings (threshold above all) are frozen from now on."""
    run = Run.create(
        partnership=partnership, instrument_id=instrument.id,
        instrument_version=instrument.version, snapshot=registry.snapshot(instrument),
        title=title, opens_on=opens_on, closes_on=closes_on, audience=audience,
        anonymous=anonymous, min_responses=max(MIN_RESPONSES, min_responses),
        created_by=creator)
    for user in named_users:
        RunInvitee.create(run=run, user=user)
    tallies.start(run)
    audit.record("run_opened", partnership=partnership, run=run.id,
                 instrument=instrument.id, title=title, anonymous=anonymous)
    _announce(run, partnership, creator)
    return run


def _announce(run, partnership, creator):
    """`portal_run_opened`: plugins keep what was true when the run opened."""
    from flask import current_app, has_app_context

    from portal.plugins.host import call_hook
    from portal.records import PartnershipInfo, RunInfo, UserInfo

    if not has_app_context():
        return
    user = creator and User.get_or_none(User.id == getattr(creator, "id", creator))
    call_hook(current_app.extensions["portal_plugins"], "portal_run_opened",
              run=RunInfo.from_row(run), partnership=PartnershipInfo.from_row(partnership),
              user=user and UserInfo.from_row(user))


def close_run(run):
    """Close a run; its last sealed anonymous responses join the results now."""
    run.status, run.closed_at = "closed", utcnow()
    run.save()
    sealing.release(run, force=True)
    audit.record("run_closed", partnership=run.partnership, run=run.id, title=run.title)


def invited_members(run):
    """PartnershipMembers invited to answer (recomputed, so new members are included)."""
    partnership = run.partnership
    if run.audience in ("client", "supplier"):
        side = partnership.client_id if run.audience == "client" else partnership.supplier_id
        return _INVITED_SIDE.list(partnership.id, side)
    if run.audience == "named":
        return _INVITED_NAMED.list(partnership.id, run.id)
    return _INVITED.list(partnership.id)


def _invited(partnership_id):
    # Viewers read; they are not asked to answer.
    return (PartnershipMember.select(PartnershipMember, User).join(User)
            .where(PartnershipMember.partnership == partnership_id,
                   PartnershipMember.role != "viewer"))


_INVITED = Prepared(_invited)
_INVITED_SIDE = Prepared(lambda partnership_id, organization_id: _invited(partnership_id).where(
    User.organization == organization_id))
_INVITED_NAMED = Prepared(lambda partnership_id, run_id: _invited(partnership_id).where(
    User.id.in_(RunInvitee.select(RunInvitee.user).where(RunInvitee.run == run_id))))


def is_invited(run, user):
    return any(m.user_id == user.id for m in invited_members(run))


def has_responded(run, user):
    return Participation.select().where(Participation.run == run,
                                        Participation.user == user.id).exists()


def response_rate(run):
    """(responded, invited, who): responded counts only people still invited; `who` is
    (invited user ids, responded user ids), for the page to place the reader."""
    invited = {m.user_id for m in invited_members(run)}
    responded = {user_id for user_id, in _RESPONDED.rows(run.id)}
    return len(responded & invited), len(invited), (invited, responded)


_RESPONDED = Prepared(lambda run_id: Participation.select(Participation.user)
                      .where(Participation.run == run_id).tuples())


def runs_of(partnership_id, user_id):
    """The partnership's runs, oldest first, with it, each also saying whether the user
    was invited by name (`named_me`) and has answered (`answered_me`): what
    `waiting_for` asks, read in the same statement."""
    return _RUNS.list(partnership_id, user_id)


def _runs_query(partnership_id, user_id):
    named = (RunInvitee.select(fn.COUNT(RunInvitee.id))
             .where(RunInvitee.run == Run.id, RunInvitee.user == user_id))
    answered = (Participation.select(fn.COUNT(Participation.user))
                .where(Participation.run == Run.id, Participation.user == user_id))
    return (Run.select(Run, Partnership, named.alias("named_me"), answered.alias("answered_me"))
            .join(Partnership).where(Run.partnership == partnership_id)
            .order_by(Run.opens_on, Run.id))


_RUNS = Prepared(_runs_query)


def waiting_for(user, partnership, today=None, runs=None, role=None):
    """Open runs of a partnership the user is invited to and has not answered.

    As `is_invited` and `has_responded` decide, run by run, but in three statements
    whatever the number of open runs: the runs with their partnership, the user's
    membership, and their named invitations and participations among those runs.
    `runs` (from `runs_of`) and `role` (the user's in the partnership) save all three
    when the caller has read them."""
    if runs is None:
        runs = (Run.select(Run, Partnership).join(Partnership)
                .where(Run.partnership == partnership, Run.status == "open"))
    runs = [run for run in runs
            if run.status == "open" and run.accepting(today) and not run.meta.get("shared")]
    if not runs:
        return []
    if role is None:
        member = (PartnershipMember.select(PartnershipMember.role)
                  .where(PartnershipMember.partnership == partnership,
                         PartnershipMember.user == user.id).first())
        role = member and member.role
    if role is None or role == "viewer":
        return []
    if all(hasattr(run, "answered_me") for run in runs):  # read by runs_of
        named = {run.id for run in runs if run.named_me}
        answered = {run.id for run in runs if run.answered_me}
    else:
        named, answered = _named_and_answered(user, [run.id for run in runs])

    def invited(run):
        side_org = {"client": run.partnership.client_id,
                    "supplier": run.partnership.supplier_id}.get(run.audience)
        if run.audience == "named":
            return run.id in named
        # `user` is a User row or the UserInfo hooks get: both name their organization.
        return side_org is None or user.organization.id == side_org

    return [run for run in runs if invited(run) and run.id not in answered]


def _named_and_answered(user, ids):
    """(runs among `ids` the user is invited to by name, runs they answered)."""
    found = {"named": set(), "answered": set()}
    for what, run_id in (  # named invitations and participations, in one statement
            RunInvitee.select(Value("named"), RunInvitee.run)
            .where(RunInvitee.user == user.id, RunInvitee.run.in_(ids))
            + Participation.select(Value("answered"), Participation.run)
            .where(Participation.user == user.id, Participation.run.in_(ids))).tuples():
        found[what].add(run_id)
    return found["named"], found["answered"]


def next_due(partnership, instrument, today=None, runs=None):
    """When the next run is due from the instrument's cadence, or None without one.
    `runs`: the instrument's runs in this partnership, when the caller has them."""
    if not instrument.cadence_days:
        return None
    if runs is not None:
        last = max((run.opens_on for run in runs), default=None)
    else:
        last = (Run.select(fn.MAX(Run.opens_on))
                .where(Run.partnership == partnership, Run.instrument_id == instrument.id).scalar())
    if last is None:
        return today or dt.date.today()
    if isinstance(last, str):  # SQLite hands back aggregated dates as text
        last = dt.date.fromisoformat(last)
    return last + dt.timedelta(days=instrument.cadence_days)

"""Demo data: a client, a supplier, one partnership between them and their people."""
import datetime as dt
import fcntl
import os
import secrets
from contextlib import contextmanager

import peewee
from werkzeug.security import generate_password_hash

from portal.accounts.models import Organization, User, utcnow
from portal.db import database
from portal.partnerships.models import Partnership, PartnershipMember

CLIENT = "Northwind Learning"
SUPPLIER = "Supplier Co"
OPERATOR = "Portal Operations"
PARTNERSHIP = "Leadership Academy 2027"

# (email, name, organization, org role, partnership role or None, site admin)
PEOPLE = [
    ("peggy@client.example", "Peggy Olson", CLIENT, "admin", "sponsor", False),
    ("carla@client.example", "Carla Mendes", CLIENT, "member", "editor", False),
    ("victor@client.example", "Victor Hale", CLIENT, "member", "viewer", False),
    ("jim@supplier.example", "Jim Halpert", SUPPLIER, "member", "editor", False),
    ("sofia@supplier.example", "Sofia Brandt", SUPPLIER, "admin", "sponsor", False),
    ("sam@supplier.example", "Sam Okafor", SUPPLIER, "member", "member", False),
    ("admin@portal.example", "Ada Admin", OPERATOR, "member", None, True),
]


def demo_password():
    """PORTAL_DEMO_PASSWORD when set, else a fresh random one for this start."""
    return os.environ.get("PORTAL_DEMO_PASSWORD") or secrets.token_urlsafe(9)


def load_demo(password):
    """Create the demo organizations, people and partnership (idempotent).

    Passwords of the demo people are reset to `password` on every run, so the one the
    command prints always works.
    """
    password_hash = generate_password_hash(password)  # one scrypt run, not one per person
    with database.atomic():
        client, _ = Organization.get_or_create(name=CLIENT, defaults={"kind": "client"})
        supplier, _ = Organization.get_or_create(name=SUPPLIER, defaults={"kind": "supplier"})
        operator, _ = Organization.get_or_create(name=OPERATOR, defaults={"kind": "both"})
        orgs = {CLIENT: client, SUPPLIER: supplier, OPERATOR: operator}
        partnership, _ = Partnership.get_or_create(
            name=PARTNERSHIP, client=client, supplier=supplier,
            defaults={
                "stage": "co_creation",
                "contract_end": dt.date.today() + dt.timedelta(days=300),
                "description": "A two-year leadership development program for first-line "
                               "managers, co-designed by both teams.",
            })
        users = []
        for email, name, org, org_role, role, site_admin in PEOPLE:
            user = User.get_or_none(User.email == email)
            if user is None:
                user = User(email=email, name=name, organization=orgs[org],
                            org_role=org_role, is_site_admin=site_admin)
            user.password_hash = password_hash
            user.save()
            users.append(user)
            if role:
                PartnershipMember.get_or_create(partnership=partnership, user=user,
                                                defaults={"role": role})
    return partnership, users


def _demo_answer(question, person, item):
    """A plausible, repeatable answer: some items strong, a few weak, sides differ."""
    if question.type == "scale":
        # Suppliers (odd people) rate a little higher, as seed 000 observes they tend to.
        value = 3 + ((person * 7 + item * 3) % 5 - 1) // 2 + (person % 2)
        if item % 6 == 4:
            value -= 2  # a weak item the team will want to discuss
        return (float(min(question.points[-1], max(question.points[0], value))), None, None)
    if question.type == "yesno":
        mostly_no = item % 5 in (1, 3)  # a few practices the partnership lacks
        return (0.0 if mostly_no != ((item + person) % 4 == 0) else 1.0, None, None)
    if question.type == "text":
        return None
    if question.type == "choice":
        return (None, str(question.choices[0][0]), None)
    if question.type == "number":
        return (float(question.minimum or 0), None, None)
    return None


def load_demo_runs(partnership, today=None):
    """Runs of the built-in instruments with answers, so the demo has results to read.

    Skipped when the partnership already has runs (the demo may be restarted).
    """
    from portal.instruments import answers, registry, runs
    from portal.instruments.models import Run

    if Run.select().where(Run.partnership == partnership).exists():
        return []
    today = today or dt.date.today()
    installed = registry.installed()
    members = [m for m in runs.invited_members(Run(partnership=partnership, audience="both"))]
    peggy = next(m.user for m in members if m.user.email == "peggy@client.example")
    plan = [  # instrument, title, days ago it opened, closed?, who answers
        ("relational_survey", "Relational survey, spring", 203, True, members),
        ("relational_survey", "Relational survey, autumn", 21, True, members),
        ("prm_assessment", "PRM assessment", 40, True, members),
        ("six_principles", "Six principles, this quarter", 5, False,
         [m for m in members if m.user != peggy]),
        ("four_is_audit", "4 I's audit", 300, True, members),
    ]
    created = []
    for instrument_id, title, days_ago, closed, people in plan:
        instrument = installed.get(instrument_id)
        if instrument is None:
            continue
        run = runs.open_run(partnership, instrument, title,
                            today - dt.timedelta(days=days_ago), None, "both",
                            instrument.anonymous, instrument.min_responses, creator=peggy)
        for person, member in enumerate(people):
            given = {}
            for item, question in enumerate(instrument.questions):
                value = _demo_answer(question, person + days_ago, item)
                if value is not None:
                    given[question.id] = value
            answers.submit(run, member.user, partnership.side_of(member.user.organization_id), given)
        if closed:
            runs.close_run(run)
        created.append(run)
    checklist = installed.get("vendor_checklist")
    if checklist is not None:
        run = runs.open_run(partnership, checklist, "Vendor checklist", today - dt.timedelta(days=400),
                            None, "both", False, 3, creator=peggy)
        done = {q.id: (1.0, "Agreed in the kick-off.", today - dt.timedelta(days=380))
                for q in checklist.questions[:5]}
        answers.save_shared(run, peggy, done)
        created.append(run)
    return created


# direction, principle, text, owner's email, review in days (negative: overdue), creator
DEMO_EXPECTATIONS = [
    ("client_of_supplier", "cadence",
     "The supplier answers a question from the client within two business days, even if "
     "only to say when the full answer will come.",
     "jim@supplier.example", 60, "jim@supplier.example"),
    ("client_of_supplier", "communication",
     "The supplier tells us as soon as a deliverable is at risk, with a proposal for what "
     "to do about it.",
     "jim@supplier.example", 90, "peggy@client.example"),
    ("supplier_of_client", "clarity",
     "The client shares the business goals of each program, and the measures it will be "
     "judged by, before design starts.",
     "peggy@client.example", 120, "jim@supplier.example"),
    ("supplier_of_client", "self_disclosure_feedback",
     "The client gives feedback on every draft within five business days, including what "
     "it does not like.",
     "carla@client.example", 45, "carla@client.example"),
    ("mutual", "self_disclosure_feedback",
     "Both sides raise a concern as soon as they see it, not at the next steering meeting.",
     "peggy@client.example", -10, "peggy@client.example"),
    ("mutual", "win_win_orientation",
     "Disagreements are settled by looking for the option that works for both sides; "
     "nobody escalates before talking to the other side first.",
     "sofia@supplier.example", 180, "sofia@supplier.example"),
]


def load_demo_expectations(partnership, today=None):
    """Relational expectations with owners, review dates and some acknowledgements.

    Skipped when the partnership already has expectations (the demo may be restarted).
    Peggy has acknowledged everything, Jim all but the newest wording of one, so the
    demo shows both a complete and an outstanding acknowledgement.
    """
    from portal.expectations import acknowledgements, changes
    from portal.expectations.models import RelationalExpectation

    if RelationalExpectation.select().where(
            RelationalExpectation.partnership == partnership).exists():
        return []
    today = today or dt.date.today()
    people = {u.email: u for u in User.select().where(User.email.in_(
        [email for email, *_ in PEOPLE]))}
    created = []
    for direction, principle, text, owner, days, creator in DEMO_EXPECTATIONS:
        review_on = today + dt.timedelta(days=days)
        created.append(changes.create(partnership, people[creator], direction, text, principle,
                                      people[owner].id, review_on))
    for expectation in created:
        for email in ("peggy@client.example", "jim@supplier.example"):
            acknowledgements.record(expectation, people[email])
    # Peggy sharpens one expectation after Jim acknowledged it: Jim sees it changed.
    first = created[0]
    changes.update(partnership, first.id, people["peggy@client.example"],
                   changes.stamp(RelationalExpectation.get_by_id(first.id)), first.direction,
                   first.text.replace("two business days", "two business days (one in the "
                                                           "week before a launch)"),
                   first.principle, first.owner_id, first.review_on)
    return created


DEMO_AGREEMENT = {
    "Vision": "First-line managers across Northwind lead with confidence and coach their "
              "teams every week.",
    "Mission": "Together we design, deliver and keep improving a leadership academy that "
               "fits Northwind's culture and measurably changes how managers lead.",
    "Strategic directions": "- Blend workshops with on-the-job practice.\n"
                            "- Localise the core curriculum for the Singapore and São Paulo sites.\n"
                            "- Report behavior change (Kirkpatrick level 3) every quarter.",
    "Relational expectations": "- Questions get an answer within 48 hours.\n"
                               "- Concerns are raised as soon as someone sees them.\n"
                               "- Successes are celebrated together.",
    "Roles and responsibilities": "Northwind owns the program goals and gives access to its "
                                  "experts; Supplier Co owns learning design and facilitation.",
    "Tasks": "1. Pilot cohort in March.\n2. Review the pilot together in April.\n"
             "3. Roll out to all sites from June.",
    "Mutual benefits and how they are measured":
        "Northwind: manager engagement scores and internal promotion rate. "
        "Supplier Co: a reference case and a multi-year scope. Both report quarterly.",
    "Governance cadence": "Working team every two weeks; sponsors every quarter; "
                          "the 4 I's audit once a year.",
}


def load_demo_agreement(partnership):
    """An agreement written by both sides, ratified as version 1, changed since.

    Skipped when the agreement already has text (the demo may be restarted).
    """
    from portal.accounts.models import User
    from portal.agreements import editing, ratification
    from portal.agreements.models import Comment, SectionRevision
    from portal.notifications import notify

    agreement = editing.agreement_for(partnership)
    sections = editing.sections_of(agreement)
    if SectionRevision.select().where(SectionRevision.section.in_([s.id for s in sections])).exists():
        return agreement
    people = {u.email: u for u in User.select()}
    peggy, jim, sofia = (people["peggy@client.example"], people["jim@supplier.example"],
                         people["sofia@supplier.example"])
    for index, section in enumerate(sections):
        author = peggy if index % 2 == 0 else jim
        editing.save(section, author, None, DEMO_AGREEMENT.get(section.title, section.guidance),
                     summary="First draft")
    def url_of(number):
        return f"/partnerships/{partnership.id}/agreement/versions/{number}"

    version = ratification.propose(agreement, peggy, url_of)
    ratification.ratify(version, peggy, "client", version.content_hash, url_of(version.number))
    ratification.ratify(version, sofia, "supplier", version.content_hash, url_of(version.number))
    sections = editing.sections_of(agreement)  # read again: their heads have moved
    cadence = next(s for s in sections if s.title == "Governance cadence")
    head = editing.head_of(cadence)
    editing.save(cadence, jim, head.id, head.body.replace("every two weeks", "every week"),
                 summary="Weekly while the pilot runs")
    relational = next(s for s in sections if s.title == "Relational expectations")
    Comment.create(section=relational, author=jim, quote="within 48 hours",
                   body="@Peggy could we say two business days? Weekends make 48 hours hard.")
    notify(peggy.id, "Jim Halpert mentioned you in a comment on “Relational expectations”.",
           f"/partnerships/{partnership.id}/agreement/sections/{relational.id}/comments",
           partnership=partnership)
    return agreement


def load_demo_library(partnership, today=None):
    """Pins, a note, a cohort with a discussion and some reading, so the library and the
    enablement dashboard have something to show. Skipped when a cohort exists."""
    from portal.accounts.models import User
    from portal.content import cohorts, library
    from portal.content.models import Completion, ContentItem, ItemView, PartnershipNote, Pin
    from portal.content.reflections import Reflection
    from portal.markup import render_markdown

    library.sync()
    if cohorts.Cohort.select().where(cohorts.Cohort.partnership == partnership).exists():
        return None
    today = today or dt.date.today()
    people = {u.email: u for u in User.select()}
    peggy, carla, jim, sam = (people["peggy@client.example"], people["carla@client.example"],
                              people["jim@supplier.example"], people["sam@supplier.example"])
    items = {i.slug: i for i in ContentItem.select().where(ContentItem.removed == False)}  # noqa: E712
    wanted = ["six-principles-overview", "forgetting-curve-and-reinforcement",
              "relational-expectations-and-partnership-agreement"]
    chosen = [items[s] for s in wanted if s in items]
    if len(chosen) < 3:
        return None
    for item in chosen[:2]:
        Pin.create(partnership=partnership, item=item, pinned_by=peggy)
    note = ("We use these six principles in every quarterly sponsor review; "
            "bring one example per principle.")
    PartnershipNote.create(partnership=partnership, item=chosen[0], body=note,
                           html=render_markdown(note), author=peggy)
    cohort = cohorts.create_cohort(
        partnership, peggy, "Pilot team, spring", "The people running the pilot cohort, from both sides.",
        today - dt.timedelta(days=10), today + dt.timedelta(days=50),
        [peggy.id, carla.id, jim.id, sam.id],
        [(item, today + dt.timedelta(days=7 * (n + 1))) for n, item in enumerate(chosen)])
    cohorts.add_post(cohort, chosen[0], jim, "Which principle do we find hardest? My vote: cadence.")
    cohorts.add_post(cohort, chosen[0], carla, "Clarity, for us: we still surprise each other with scope.")
    for user in (sam, jim, carla):
        ItemView.create(user=user, partnership=partnership, item=chosen[0])
        Completion.create(user=user, partnership=partnership, item=chosen[0])
    Reflection.create(user=sam, partnership=partnership, item=chosen[0],
                      plan="Open every weekly call by checking the cadence we agreed.",
                      shared_cohort=cohort, shared_at=utcnow())
    return cohort


def load_full_demo(password):
    """Everything `portal demo` shows: the people and partnership, survey runs,
    expectations, the agreement, the library and two sponsor reviews; returns (partnership, users). Each part
    skips what is already there, so a restart keeps what visitors did."""
    partnership, users = load_demo(password)
    load_demo_runs(partnership)
    load_demo_expectations(partnership)
    load_demo_agreement(partnership)
    load_demo_library(partnership)
    from portal.meetings.demo import load_demo_governance
    from portal.scorecard.demo import load_demo_health
    from portal.partnerships.demo import load_demo_second_supplier
    from portal.portfolio.demo import load_demo_portfolio

    load_demo_governance(partnership)
    load_demo_health(partnership)
    load_demo_second_supplier(password)
    load_demo_portfolio(CLIENT)
    load_demo_audit_evidence(partnership)
    return partnership, users


def load_demo_audit_evidence(partnership):
    """The demo's 4 I's audit gets its evidence from the data loaded above, some lines
    confirmed and one corrected (when the built-in 4 I's audit plugin is loaded)."""
    from flask import current_app

    from portal.instruments.models import Run
    from portal.records import PartnershipInfo, RunInfo, UserInfo

    plugin = current_app.extensions["portal_plugins"].plugins.get("four_is_audit")
    run = (Run.select().where(Run.partnership == partnership, Run.instrument_id == "four_is_audit")
           .order_by(Run.opens_on.desc()).first())
    if plugin is None or plugin.status != "loaded" or run is None:
        return []
    from portal.builtin_plugins.four_is_audit.demo import load_demo_evidence

    people = {u.email: UserInfo.from_row(u) for u in User.select()}
    return load_demo_evidence(RunInfo.from_row(run), PartnershipInfo.from_row(partnership), people)


# Any constant will do; it only has to be the same for every `portal demo`.
DEMO_LOCK = 7_203_119


@contextmanager
def exclusive(app, refuse=RuntimeError):
    """Hold the database for this demo, so a second one cannot reset what it uses; a
    second gets `refuse(message)` raised.

    SQLite: an exclusive lock on a file beside the database; PostgreSQL: a session
    advisory lock. Either is released when the process ends, however it ends.
    """
    from portal.db import is_sqlite

    busy = refuse(
        "Another `portal demo` is using this database "
        f"({app.config['PORTAL_DATABASE_URL']}); stop it first, or set PORTAL_INSTANCE_PATH "
        "to another folder for a second demo.")
    if is_sqlite():
        lock = open(f"{database.obj.database}.demo-lock", "w")  # noqa: SIM115 - held open
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.close()
            raise busy from None
        try:
            yield
        finally:
            lock.close()
        return
    # A connection of its own, outside the pool: the pool may close an idle one.
    holder = peewee.PostgresqlDatabase(database.obj.database, **database.obj.connect_params)
    holder.connect()
    try:
        if not holder.execute_sql("SELECT pg_try_advisory_lock(%s)", (DEMO_LOCK,)).fetchone()[0]:
            raise busy
        yield
    finally:
        holder.close()

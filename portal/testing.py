"""Testing a plugin against a real portal, in a few lines (docs/plugins.md, "Testing").

In your tests' conftest.py:

    pytest_plugins = ["portal.testing"]

    @pytest.fixture
    def portal_plugins():
        return ["acme_check"]      # the entry-point names of the plugins under test

Then `portal_app` is a portal with the portal's own features and only those plugins, on a
fresh SQLite database (PostgreSQL when PORTAL_TEST_DATABASE_URL names one), with plugin
failures raised instead of skipped; `portal_partnership` a partnership with a sponsor,
editor, member and viewer on each side; `portal_client(role, side)` a test client logged
in as one of them; `portal_answers(instrument_id, answers)` answers a run through the
real answer form and returns the `Results` your scoring function receives.
`results_of(instrument, answers)` builds those `Results` without an app, for unit tests
of a scoring function.
"""
import datetime as dt
import os
import re
from dataclasses import dataclass, field

import pytest
from werkzeug.security import generate_password_hash

from portal.instruments import aggregate
from portal.instruments.answers import field_name, validate
from portal.instruments.api import Results
from portal.records import PartnershipInfo, RunInfo, UserInfo

PASSWORD = "portal testing password"
ROLES = ("sponsor", "editor", "member", "viewer")
SIDES = ("client", "supplier")
CSRF_META = re.compile(r'name="csrf-token" content="([^"]+)"')


# -- results without an app ---------------------------------------------------------------

def _raw(question, value):
    """An answer as the answer form sends it."""
    if question.type == "step":
        value = dict(value or {})
        return {"done": bool(value.get("done")), "date": str(value.get("date") or ""),
                "note": str(value.get("note") or "")}
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value)


def results_of(instrument, answers, sides=None, context=None):
    """The Results the portal would hand `instrument.score` for these answers.

    `answers` is a list with one {question id: value} per respondent (values as people
    give them: 9 for a scale, True for yes, "up" for a choice, {"done": True, "date":
    "2026-05-01", "note": "…"} for a step). `sides` optionally names each respondent's
    side ("client"/"supplier"); `by_side` is then filled when both sides answered, as in
    a named run. An answer the form would refuse raises ValueError with the reason.
    """
    questions = instrument.questions
    by_id = {q.id: q for q in questions}
    tally = aggregate.Tally()
    for number, given in enumerate(answers, 1):
        unknown = set(given) - set(by_id)
        if unknown:
            raise ValueError(f"answer {number}: no question {', '.join(sorted(unknown))}")
        valid, errors = validate(questions, {qid: _raw(by_id[qid], v) for qid, v in given.items()})
        if errors:
            raise ValueError(f"answer {number}: {errors}")
        tally.add(by_id, sides[number - 1] if sides else None, valid)
    context = {"today": dt.date.today(), "stage": "co_creation", "contract_end": None,
               **(context or {})}
    by_side = {}
    if sides and all(side in sides for side in SIDES):
        by_side = {side: Results(instrument_id=instrument.id, responses=sides.count(side),
                                 items=aggregate.item_results(questions, tally, side),
                                 context=context, side=side) for side in SIDES}
    return Results(instrument_id=instrument.id, responses=len(answers),
                   items=aggregate.item_results(questions, tally, None), by_side=by_side,
                   context=context)


# -- a portal to test against ---------------------------------------------------------------

def empty_schema(url):
    """Drop everything in a PostgreSQL database's public schema: a fresh start per test."""
    import psycopg2

    connection = psycopg2.connect(url)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    connection.close()


@pytest.fixture
def portal_plugins():
    """The names of the plugins under test; override it. None loads every installed one."""
    return None


@pytest.fixture
def portal_app(tmp_path, monkeypatch, portal_plugins):
    from portal.app import create_app
    from portal.migrations import upgrade

    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.delenv("PORTAL_SECRET_KEY", raising=False)
    url = os.environ.get("PORTAL_TEST_DATABASE_URL", "")
    if url:
        empty_schema(url)
    (tmp_path / "plugins").mkdir(exist_ok=True)
    config = {
        "TESTING": True,
        "PORTAL_DATABASE_URL": url or f"sqlite:///{tmp_path / 'portal.sqlite'}",
        "PORTAL_PLUGINS_DIR": str(tmp_path / "plugins"),
        "PORTAL_PLUGINS_STRICT": True,
        "PORTAL_LOAD_INSTALLED_PLUGINS": True,
    }
    if portal_plugins is not None:
        config["PORTAL_PLUGINS_ALLOW"] = set(portal_plugins)
    app = create_app(config)
    with app.app_context():
        upgrade(app)
    yield app
    app.extensions["portal_db"].close()


@dataclass
class TestPartnership:
    """A partnership between "Client Org" and "Supplier Org" and its people."""

    __test__ = False  # not a test class, whatever pytest thinks of the name

    info: PartnershipInfo
    people: dict = field(default_factory=dict)  # (role, side) -> UserInfo
    emails: dict = field(default_factory=dict)  # (role, side) -> email
    runs: list = field(default_factory=list)  # RunInfo of the runs portal_answers opened
    password: str = PASSWORD

    @property
    def id(self):
        return self.info.id


@pytest.fixture
def portal_partnership(portal_app):
    """A sponsor, an editor, a member and a viewer on each side (`role@side.test`)."""
    from portal.accounts.models import Organization, User
    from portal.partnerships.models import Partnership, PartnershipMember

    password_hash = generate_password_hash(PASSWORD)  # one scrypt run for eight people
    with portal_app.app_context():
        orgs = {"client": Organization.create(name="Client Org", kind="client"),
                "supplier": Organization.create(name="Supplier Org", kind="supplier")}
        partnership = Partnership.create(
            name="Test partnership", client=orgs["client"], supplier=orgs["supplier"],
            stage="co_creation", contract_end=dt.date.today() + dt.timedelta(days=365))
        made = TestPartnership(info=PartnershipInfo.from_row(partnership))
        for side in SIDES:
            for role in ROLES:
                email = f"{role}@{side}.test"
                user = User.create(email=email, name=f"{role.title()} {side.title()}",
                                   organization=orgs[side], password_hash=password_hash,
                                   org_role="admin" if role == "sponsor" else "member")
                PartnershipMember.create(partnership=partnership, user=user, role=role)
                made.people[role, side] = UserInfo.from_row(user)
                made.emails[role, side] = email
    return made


def log_in(client, email, password=PASSWORD):
    page = client.get("/login").get_data(as_text=True)
    answer = client.post("/login", data={"email": email, "password": password,
                                         "csrf_token": CSRF_META.search(page).group(1)})
    assert answer.status_code == 302, f"{email} could not log in"
    return client


@pytest.fixture
def portal_client(portal_app, portal_partnership):
    """portal_client(role="member", side="client"): a test client logged in as that person."""

    def client(role="member", side="client"):
        return log_in(portal_app.test_client(), portal_partnership.emails[role, side])

    return client


def csrf_token(client, path):
    """The token a browser would send from the page at `path`."""
    return CSRF_META.search(client.get(path).get_data(as_text=True)).group(1)


@pytest.fixture
def portal_answers(portal_app, portal_partnership):
    """portal_answers(instrument_id, answers, anonymous=False, sides=None, close=True) -> Results.

    Opens a run of the instrument in the test partnership and submits each answer set
    through the answer form as a different person (members beyond the three who answer
    on a side are added), closes the run (unless `close=False`: an open anonymous run
    shows its results in steps, one behind the newest) and returns its Results, or None
    when they are hidden (an anonymous run below its threshold). A refused answer fails
    with the page's text. The run is added to `portal_partnership.runs`, for tests of
    its pages.
    """
    from portal.instruments import registry
    from portal.instruments.results import run_results
    from portal.instruments.runs import open_run
    from portal.partnerships.models import Partnership

    def answer(instrument_id, answers, anonymous=False, sides=None, close=True):
        sides = list(sides or [SIDES[n % 2] for n in range(len(answers))])
        with portal_app.app_context():
            instrument = registry.get(instrument_id)
            assert instrument is not None, f"no instrument {instrument_id!r} is installed"
            run = open_run(Partnership.get_by_id(portal_partnership.id), instrument,
                           title=f"{instrument.title} (test)", opens_on=dt.date.today(),
                           closes_on=None, audience="both", anonymous=anonymous,
                           min_responses=instrument.min_responses)
        for person, (given, side) in enumerate(zip(answers, sides, strict=True)):
            email = _respondent(portal_app, portal_partnership, side, sides[:person].count(side))
            client = log_in(portal_app.test_client(), email)
            page = f"/partnerships/{portal_partnership.id}/runs/{run.id}/respond"
            form = {"csrf_token": csrf_token(client, page), "action": "submit"}
            for question in instrument.questions:
                if question.id in given:
                    form.update(_form_fields(question, given[question.id]))
            sent = client.post(page, data=form)
            assert sent.status_code == 302, (
                f"answer {person + 1} was refused: {sent.get_data(as_text=True)[:2000]}")
        with portal_app.app_context():
            from portal.instruments.models import Run
            from portal.instruments.runs import close_run

            run = Run.get_by_id(run.id)
            if close:
                close_run(run)
            portal_partnership.runs.append(RunInfo.from_row(run))
            return run_results(run, score=False).results

    return answer


def _form_fields(question, value):
    raw = _raw(question, value)
    if question.type != "step":
        return {field_name(question): raw}
    fields = {field_name(question, "date"): raw["date"], field_name(question, "note"): raw["note"]}
    if raw["done"]:
        fields[field_name(question)] = "1"
    return fields


def _respondent(app, partnership, side, nth):
    """The nth person on a side who answers: sponsor, editor, member, then extra members."""
    answering = ("sponsor", "editor", "member")
    if nth < len(answering):
        return partnership.emails[answering[nth], side]
    email = f"member{nth}@{side}.test"
    if ("extra", email) not in partnership.emails:
        from portal.accounts.models import Organization, User
        from portal.partnerships.models import PartnershipMember

        with app.app_context():
            org = Organization.get_by_id(getattr(partnership.info, side).id)
            user = User.create(email=email, name=f"Member {nth} {side.title()}", organization=org,
                               password_hash=generate_password_hash(PASSWORD))
            PartnershipMember.create(partnership=partnership.id, user=user, role="member")
        partnership.emails["extra", email] = email
    return email

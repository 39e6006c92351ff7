"""No input is ever a 500 (issue 11, DESIGN §7 and §10): a walk of every form and query
string the demo data makes reachable, with hostile values (tests/hostile_walk.py says
how it reads, posts and queries).

Who walks: the sponsors of the demo partnership (peggy and sofia, also their
organizations' admins), its editors (carla, jim), member (sam) and viewer (victor), the
site admin and a logged-out visitor, on the demo as `portal demo` loads it, plus what a
sponsor makes first through the portal's own forms (a program with a metric, a supplier
selection with a candidate and a criterion, a proposed agreement version), so that the
forms of those pages are reached too. The sponsors walk a second time, to reach what the
walk itself made. The walk runs once per database (a module fixture); the tests read its
findings per area of the code: no answer is a 5xx, a refused post (4xx) leaves every
table as it was (bar the drafts and login attempts hostile_walk.DRAFTS and
hostile_db.VOLATILE_TABLES name), a query value with a control character is a 400.
PORTAL_HOSTILE_REPORT=1 prints what the walk covered and found.
"""
import datetime as dt
import os
import time

import pytest
from conftest import DEMO_PASSWORD, PG_URL, login, post
from hostile_pages import Page, local_path
from hostile_walk import AREAS, CLASSICS, EXAMPLES, Walk
from wtforms import DecimalField, FloatField, IntegerField, StringField

from portal import create_app, forms
from portal.agreements.models import Agreement, Section
from portal.accounts.models import User
from portal.content import reviews
from portal.content.models import ContentItem, Feedback
from portal.content.reviews import ReviewSchedule
from portal.content.reflections import Reflection
from portal.db import database
from portal.demo import load_demo_library, load_full_demo
from portal.migrations import upgrade

PEGGY = "peggy@client.example"
ROLES = (PEGGY, "sofia@supplier.example", "carla@client.example", "jim@supplier.example",
         "sam@supplier.example", "victor@client.example", "admin@portal.example", None)
#: Who reads and posts, in order: every role, then the sponsors again, who reach what the
#: walk made meanwhile, and the visitor last.
PASSES = (*ROLES[:-1], PEGGY, "sofia@supplier.example", None)
#: What a sponsor makes before the walk: from a page, forms posted in turn, each on the
#: page the one before led to (a colleague not yet in the partnership, whom the members
#: page then offers to add; an item of the organization's own, which can be edited). The
#: page the last led to is where every role starts reading too. A closing dict holds
#: values the forms are sent with instead of the page's.
MADE_FIRST = (("/partnerships/{id}/programs", "kirkpatrick.programs", "kirkpatrick.add_metric",
               "kirkpatrick.add_measurement", "kirkpatrick.add_benefit",
               "kirkpatrick.follow_up_done"),
              # with a candidate not yet in the portal, whose contact can be changed
              ("/selections", "supplier_selection.index", "supplier_selection.add_candidate",
               "supplier_selection.add_outside_candidate", "supplier_selection.add_criterion",
               "supplier_selection.join", {"outside-contact_email": "walk@outside.example"}),
              # a second selection whose only evaluator has submitted: moderate and decide
              ("/selections", "supplier_selection.index", "supplier_selection.add_candidate",
               "supplier_selection.add_criterion", "supplier_selection.join",
               "supplier_selection.score", {"action": "submit"}),
              # a third, decided for a supplier not yet in the portal: its invitation's new link
              ("/selections", "supplier_selection.index", "supplier_selection.add_outside_candidate",
               "supplier_selection.join", "supplier_selection.score", "supplier_selection.decide",
               {"action": "submit", "outside-contact_email": "walk@outside.example"}),
              ("/partnerships/{id}/agreement", "agreements.propose"),
              # a review in progress: its outcome, minutes and attendance forms
              ("/partnerships/{id}/governance", "meetings.create", "meetings.advance",
               "meetings.advance", {"day": (dt.date.today() + dt.timedelta(days=3)).isoformat(),
                                    "time": "10:00"}),
              # an open 4 I's audit: its evidence page's confirm and correct forms
              ("/partnerships/{id}/instruments/four_is_audit/runs/new", "instruments.new_run"),
              # a score set by hand: the Health tab's form that clears it
              ("/partnerships/{id}/health", "scorecard.override"),
              ("/organization", "accounts.create_user"),
              ("/partnerships/{id}/library/new", "content.new"))
#: The query arguments views read (grep request.args): the walk must try each.
QUERY_ARGUMENTS = {"q", "more", "a", "b", "item", "token", "next", "audience", "stage",
                   "principle", "tag"}


def make_first(app, client, path, *endpoints, **values):
    """Post the forms of `endpoints` in turn as a person fills them in (with `values`),
    from `path`; returns the page the last one led to."""
    adapter = app.url_map.bind("localhost")
    for endpoint in endpoints:
        page = Page(path, client.get(path).get_data(as_text=True))
        found = [form for form in page.forms
                 if adapter.match(local_path("/", form.action).split("?")[0], "POST")[0] == endpoint]
        assert found, f"no form of {endpoint} on {path}"
        data = found[0].plausible()
        for name, value in values.items():
            data[name] = value
        response = client.post(found[0].action, data=data)
        assert response.status_code in (200, 302), (endpoint, response.get_data(as_text=True)[:500])
        path = local_path(path, response.location) if response.location else path
    return path


def make_review_due(app, client, partnership):
    """An item Peggy finished, whose first review is due today: the review page's form."""
    with app.app_context():
        item = ContentItem.select().where(ContentItem.source == "file").first()
    make_first(app, client, f"/partnerships/{partnership.id}/library/{item.slug}",
               "content.complete")
    with app.app_context():
        for user in User.select():
            reviews.ensure_schedules(user)
        ReviewSchedule.update(due_on=reviews.today()).execute()
    return f"/partnerships/{partnership.id}/reviews/"


def make_stale_draft(app, clients, partnership):
    """Peggy's draft of a section, then Jim's save of the same line: her editor offers to
    merge the draft (a conflict, whose page has its own form) or to discard it."""
    with app.app_context():
        section = Section.select().join(Agreement).where(Agreement.partnership == partnership).first()
    edit = f"/partnerships/{partnership.id}/agreement/sections/{section.id}/edit"
    make_first(app, clients[PEGGY], edit, "agreements.draft", body="Peggy's first line")
    make_first(app, clients["jim@supplier.example"], edit, "agreements.save", body="Jim's line")
    return edit


def make_invitation(app, partnership):
    """An invitation into the partnership: its page is where a visitor sets a password."""
    from portal.accounts.invitations import invite

    with app.test_request_context():
        link = invite("walk-invited@outside.example", "Walk Invited", partnership.supplier_id,
                      partnership_id=partnership.id).link
    return link[link.index("/invitations/"):]


@pytest.fixture(scope="module")
def walk(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    url = PG_URL or f"sqlite:///{root / 'instance' / 'portal.sqlite'}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PORTAL_INSTANCE_PATH", str(root / "instance"))
        patch.delenv("PORTAL_SECRET_KEY", raising=False)
        if PG_URL:
            from portal.testing import empty_schema

            empty_schema(PG_URL)
        (root / "plugins").mkdir()
        app = create_app({"TESTING": True, "PORTAL_DATABASE_URL": url,
                          "PORTAL_PLUGINS_DIR": str(root / "plugins"),
                          "PORTAL_LOAD_INSTALLED_PLUGINS": False})
        with app.app_context():
            upgrade()
        with app.test_request_context():  # the demo as `portal demo` loads it
            partnership, _ = load_full_demo(DEMO_PASSWORD)
        clients = {}
        for role in ROLES:  # all log in first: the walk's failed logins count per address
            clients[role] = app.test_client()
            if role:
                login(clients[role], role)
        started, walk = time.monotonic(), Walk(app, url)
        for path, *endpoints in MADE_FIRST:
            values = endpoints.pop() if isinstance(endpoints[-1], dict) else {}
            walk.starts.append(make_first(app, clients[PEGGY], path.format(id=partnership.id),
                                          *endpoints, **values))
        walk.starts.append(make_stale_draft(app, clients, partnership))
        walk.starts.append(make_invitation(app, partnership))
        walk.starts.append(make_review_due(app, clients[PEGGY], partnership))
        for role in PASSES:
            pages = walk.read(clients[role], role)
            walk.walk_forms(clients[role], role, pages)
        for role in ROLES:
            walk.walk_queries(clients[role], role)
        walk.seconds = time.monotonic() - started
        walk.close()
        if not database.is_closed():
            database.close()
    report(walk)
    return walk


def report(walk):
    if os.environ.get("PORTAL_HOSTILE_REPORT"):
        print(f"\nhostile walk on {'PostgreSQL' if PG_URL else 'SQLite'}: {len(walk.forms)} forms, "
              f"{walk.count['fields']} fields, {walk.count['post']} posts, "
              f"{walk.count['get']} gets ({walk.count['query']} with hostile queries), "
              f"{len(walk.query_walked)} query arguments, {walk.seconds:.0f} s; "
              f"answers {dict(walk.statuses)}; drafts kept {walk.count['drafts kept']}")
        for key, role in sorted(walk.forms.items()):
            print(f"  {key[0]} {list(key[1])} by {role}")
        posted = {endpoint for endpoint, _ in walk.forms}
        print("  not reached:", sorted(rule.endpoint for rule in walk.app.url_map.iter_rules()
                                       if "POST" in rule.methods and rule.endpoint not in posted))
        for problem in walk.problems:
            print(" ", problem)


def findings(walk, kind, area):
    return [p for p in walk.problems if p[0] == kind and p[1] == area]


def test_the_walk_reaches_every_form_and_query_argument(walk):
    endpoints = {endpoint for endpoint, _ in walk.forms}
    every_post = {rule.endpoint for rule in walk.app.url_map.iter_rules() if "POST" in rule.methods}
    assert every_post - endpoints == set()
    assert {"agreements.diff", "agreements.history", "content.index"} <= walk.served
    assert "agreements.poll" in set().union(*(set(pages.values()) for pages in walk.reached.values()))
    assert QUERY_ARGUMENTS <= {name for _, name in walk.query_walked}
    assert len(walk.forms) >= 60 and walk.count["fields"] >= 200
    csrf_fields = len(walk.forms)  # each form's token gets three values only
    assert walk.count["post"] >= (walk.count["fields"] - csrf_fields) * (len(CLASSICS) + EXAMPLES)


@pytest.mark.parametrize("area", ["portal", *AREAS])
def test_no_hostile_value_is_a_server_error(walk, area):
    assert findings(walk, "5xx", area) == []


@pytest.mark.parametrize("area", ["portal", *AREAS])
def test_a_refused_post_changes_nothing(walk, area):
    assert findings(walk, "changed on refusal", area) == []


def test_a_control_character_in_a_query_is_refused(walk):
    assert [p for p in walk.problems if p[0] == "control character not refused"] == []


# What the walk found, and the central checks it relies on ----------------------------

def test_a_control_character_in_a_query_is_a_400_page_in_the_layout(client, demo):
    for url in ("/login?next=%00", "/login?next=a%1Bb", "/login?%07=1",
                f"/partnerships/{demo.id}/library?q=x%0Cy"):
        response = client.get(url)
        html = response.get_data(as_text=True)
        assert response.status_code == 400, url
        assert "control character" in html and 'class="error-page' in html
    assert client.get("/login?next=%2Fpartnerships%09x%0A").status_code == 200


class _Sample(forms.Form):
    class Meta:
        csrf = False

    name = StringField()
    base_id = forms.IdField()
    count = IntegerField()
    ratio = FloatField()
    amount = DecimalField()


def _validate(app, data):
    with app.test_request_context("/", method="POST", data=data):
        form = _Sample()
        form.validate()
        return form, {field.name: field.errors for field in form if field.errors}


def test_form_fields_refuse_control_characters_beside_the_field(app):
    form, errors = _validate(app, {"name": "a\x1bb", "count": "1\x00"})
    assert errors == {"name": [forms.CONTROL_MESSAGE], "count": [forms.NUL_MESSAGE]}
    form, errors = _validate(app, {"name": "tab\tline\r\nfeed"})
    assert errors == {} and form.name.data == "tab\tline\r\nfeed"
    with pytest.raises(forms.BadValue, match="control character"):
        forms.clean_text("a\x0bb", 10)


@pytest.mark.parametrize("raw", ["Infinity", "-inf", "NaN", "sNaN", "1E+400", "²", "١٢", "1_000"])
def test_number_fields_take_finite_ascii_numbers_only(app, raw):
    _, errors = _validate(app, {"count": raw, "ratio": raw, "amount": raw})
    assert set(errors) == {"count", "ratio", "amount"}
    assert all(len(messages) == 1 for messages in errors.values())


def test_number_fields_read_numbers_and_integers_fit_the_database(app):
    form, errors = _validate(app, {"count": "-12", "ratio": "1e3", "amount": "12.50"})
    assert errors == {} and (form.count.data, form.ratio.data) == (-12, 1000.0)
    for raw in ("2147483648", "-" + "9" * 30):
        _, errors = _validate(app, {"count": raw})
        assert errors == {"count": [forms.INTEGER_MESSAGE]}


def test_text_left_out_of_a_post_is_empty_and_a_hidden_id_absent(app):
    form, errors = _validate(app, {"ratio": "2"})  # a post, without name and base_id
    assert errors == {} and form.name.data == "" and form.base_id.data is None
    assert forms.option_id("0") == 0 and forms.option_id("12") == 12
    for raw in ("٣", "9" * 30, "-1", "00x"):
        with pytest.raises(ValueError):
            forms.option_id(raw)


@pytest.fixture
def item(app, demo):
    """An item of the demo library (read by the cohort of peggy, carla, jim and sam)."""
    with app.test_request_context():
        return list(load_demo_library(demo).schedule)[0].item


def test_feedback_without_a_comment_is_saved_with_an_empty_one(app, client, demo, item):
    login(client, PEGGY)
    url = f"/partnerships/{demo.id}/library/{item.slug}"
    assert post(client, f"{url}/feedback", {"helpful": "1"}, page=url).status_code == 302
    with app.app_context():
        assert [f.comment for f in Feedback.select()] == [""]


def test_sharing_a_reflection_with_a_huge_or_foreign_digit_cohort_is_refused(app, client, demo,
                                                                            item):
    login(client, "sam@supplier.example")
    with app.app_context():
        before = Reflection.select().count()
    url = f"/partnerships/{demo.id}/reflections/new"
    for share in ("9" * 30, "٣", "2147483648"):
        response = post(client, url, {"item": str(item.id), "plan": "Try it", "share": share},
                        page=url)
        assert response.status_code in (200, 422), share
        assert "Choose “only me” or one of your cohorts." in response.get_data(as_text=True)
    with app.app_context():
        assert Reflection.select().count() == before

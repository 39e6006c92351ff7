"""Reading forms (portal/forms.py): the parsing helpers on hostile input, and for each
area that reads forms, a hostile value in a fixed or a dynamic field gets a 4xx or a
clear message, never a 500, and saves nothing.

Hostile here is what a hand-made request can send: digits of other scripts ("٣", which
str.isdigit() and int() accept), ids past the database's INTEGER range, NUL characters
(PostgreSQL refuses them in text), text past its maximum, values outside a choice.
"""
import re

import pytest
from conftest import DEMO_PASSWORD, login, post
from instrument_helpers import write_pulse
from test_cohorts import form_data, make_cohort, thread_url
from test_instruments import answer, run_id, started
from test_supplier_selection import ids, new_selection, score_form
from werkzeug.datastructures import MultiDict
from wtforms import StringField

from portal import forms
from portal.accounts.models import Organization, User
from portal.agreements.models import Comment, Section, SectionRevision
from portal.content.cohorts import CohortMember, Post
from portal.content.models import ContentItem, Feedback, PartnershipNote
from portal.demo import load_demo
from portal.expectations import changes
from portal.expectations.models import Acknowledgement
from portal.instruments.models import ActionItem, Response
from portal.urls import MAX_DATABASE_ID

HUGE = "9" * 30


def as_user(app, email):
    client = app.test_client()
    login(client, email)
    return client


# The helpers ---------------------------------------------------------------------------

@pytest.mark.parametrize("raw", ["٣", "１２", "1e3", "-4", "+4", " 7", "7 ", "0", "", "1.0", HUGE,
                                 str(MAX_DATABASE_ID + 1), "12\x00", None, 12])
def test_database_id_refuses_anything_but_ascii_digits_in_range(raw):
    assert forms.database_id(raw) is None


def test_database_id_reads_ids_up_to_the_integer_range():
    assert forms.database_id("1") == 1
    assert forms.database_id("0042") == 42
    assert forms.database_id(str(MAX_DATABASE_ID)) == MAX_DATABASE_ID


def test_id_pairs_and_id_values():
    assert forms.id_pair("12:3") == (12, 3)
    for raw in ("12", "12:", ":3", "12:٣", f"{HUGE}:1", "1:2:3", "-1:2"):
        assert forms.id_pair(raw) is None
    assert forms.id_value("7") == 7 and forms.id_value(7) == 7
    for raw in ("٣", HUGE, "-1", True):
        with pytest.raises(ValueError):
            forms.id_value(raw)


def test_clean_text_strips_and_refuses_nul_and_overlong_text():
    assert forms.clean_text("  hello \n", 10) == "hello"
    assert forms.clean_text(None, 10) == ""
    assert forms.clean_text("  kept  ", 10, strip=False) == "  kept  "
    with pytest.raises(forms.BadValue, match="NUL"):
        forms.clean_text("a\x00b", 10)
    with pytest.raises(forms.BadValue, match="under 10 characters"):
        forms.clean_text("x" * 11, 10)
    with pytest.raises(forms.BadValue, match="Too long!"):
        forms.clean_text("x" * 11, 10, too_long="Too long!")
    assert forms.clean_text("x" * 10 + "   ", 10) == "x" * 10  # the maximum counts the stripped text


def test_choices_and_numbers():
    assert forms.choice("mine", ("theirs", "mine")) == "mine"
    for raw in ("MINE", "mine ", "edit", "", None, "mine\x00"):
        assert forms.choice(raw, ("theirs", "mine")) is None
    assert forms.finite_number("-3.5") == -3.5 and forms.finite_number("1e3") == 1000
    for raw in ("٣", "nan", "inf", "1e999", "1_000", "", "three", None):
        assert forms.finite_number(raw) is None


def test_posted_helpers_read_fields_named_from_data(app):
    data = MultiDict([("pick-0", "theirs"), ("pick-1", "bogus"), ("text-0", "new\x00"),
                      ("seen", "3:1"), ("seen", "٣:1"), ("seen", f"{HUGE}:2"), ("seen", "4:2")])
    with app.test_request_context("/", method="POST", data=data):
        assert forms.posted_choice("pick-0", ("theirs", "mine"), default="mine") == "theirs"
        assert forms.posted_choice("pick-1", ("theirs", "mine"), default="mine") is None
        assert forms.posted_choice("pick-2", ("theirs", "mine"), default="mine") == "mine"
        assert forms.posted_text("text-1", 100, default="kept") == "kept"
        with pytest.raises(forms.BadValue):
            forms.posted_text("text-0", 100)
        assert forms.posted_id_pairs("seen") == [(3, 1), (4, 2)]


class _Sample(forms.Form):
    class Meta:
        csrf = False

    name = StringField()
    base_id = forms.IdField()


def test_every_form_refuses_nul_and_reads_hidden_ids_as_ids(app):
    cases = [({"name": "ok", "base_id": "12"}, True, None),
             ({"name": "a\x00b"}, False, forms.NUL_MESSAGE),
             ({"name": "ok", "base_id": "٣"}, False, forms.DAMAGED_MESSAGE),
             ({"name": "ok", "base_id": HUGE}, False, forms.DAMAGED_MESSAGE),
             ({"name": "ok", "base_id": ""}, True, None)]
    for data, valid, message in cases:
        with app.test_request_context("/", method="POST", data=data):
            form = _Sample()
            assert form.validate_on_submit() is valid, data
            assert forms.first_error(form) == message
            assert (forms.damaged(form) is not None) == (message == forms.DAMAGED_MESSAGE)
            if valid:
                assert form.base_id.data == (12 if data.get("base_id") else None)


def test_nul_in_the_login_form_is_a_message_not_a_server_error(client, demo):
    response = post(client, "/login", {"email": "peggy@client.example\x00", "password": "x"},
                    page="/login")
    assert response.status_code == 400 and "NUL character" in response.get_data(as_text=True)


# Agreements ----------------------------------------------------------------------------

def _section(app, demo, client):
    client.get(f"/partnerships/{demo.id}/agreement")
    with app.app_context():
        return Section.get(Section.title == "Relational expectations").id


def test_agreement_save_with_a_30_digit_base_id_is_refused_and_keeps_the_text(app, demo):
    peggy = as_user(app, "peggy@client.example")
    sid = _section(app, demo, peggy)
    url, page = f"/partnerships/{demo.id}/agreement/sections/{sid}/edit", f"/partnerships/{demo.id}/agreement"
    response = post(peggy, url, {"body": "Our text", "base_id": HUGE, "summary": ""}, page=page)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "The form is damaged" in html and "Our text" in html
    nul = post(peggy, url, {"body": "Our\x00text", "base_id": "", "summary": ""}, page=page)
    assert nul.status_code == 422 and "NUL character" in nul.get_data(as_text=True)
    draft = post(peggy, f"{url[:-len('/edit')]}/draft", {"body": "x", "base_id": "٣"}, page=page)
    assert draft.status_code == 422
    with app.app_context():
        assert SectionRevision.select().count() == 0


def test_agreement_conflict_choice_outside_the_list_saves_nothing(app, demo):
    peggy = as_user(app, "peggy@client.example")
    sid = _section(app, demo, peggy)
    page = f"/partnerships/{demo.id}/agreement"
    base = f"{page}/sections/{sid}"
    assert post(peggy, f"{base}/edit", {"body": "one\ntwo\n", "base_id": ""}, page=page).status_code == 302
    with app.app_context():
        first = Section.get_by_id(sid).head
    assert post(peggy, f"{base}/edit", {"body": "one\nTWO\n", "base_id": first}, page=page).status_code == 302
    with app.app_context():
        head = Section.get_by_id(sid).head
    data = {"mine": "one\nzwei\n", "base_id": first, "head_id": head, "pick-0": "everything"}
    response = post(peggy, f"{base}/resolve", data, page=page)
    assert response.status_code == 422 and "The form is damaged" in response.get_data(as_text=True)
    huge = post(peggy, f"{base}/resolve", dict(data, **{"pick-0": "mine", "head_id": HUGE}), page=page)
    assert huge.status_code == 422
    with app.app_context():
        assert SectionRevision.select().count() == 2
    assert peggy.get(f"{base}/diff?a={HUGE}&b={head}").status_code == 404


def test_agreement_comment_with_nul_or_a_unicode_parent_id_is_refused(app, demo):
    peggy = as_user(app, "peggy@client.example")
    sid = _section(app, demo, peggy)
    url = f"/partnerships/{demo.id}/agreement/sections/{sid}/comments"
    response = post(peggy, url, {"body": "Hello\x00", "quote": ""}, page=url, follow_redirects=True)
    assert response.status_code == 200 and "NUL character" in response.get_data(as_text=True)
    assert post(peggy, url, {"body": "Hello", "parent_id": "٣"}, page=url).status_code == 400
    assert post(peggy, url, {"body": "Hello", "parent_id": HUGE}, page=url).status_code == 400
    with app.app_context():
        assert Comment.select().count() == 0


# Expectations ----------------------------------------------------------------------------

def test_acknowledging_hostile_versions_records_nothing(app, demo):
    with app.test_request_context():
        peggy = User.get(User.email == "peggy@client.example")
        item = changes.create(demo, peggy, "client_of_supplier", "Answer within two days.",
                              "cadence", 0, None)
    sam = as_user(app, "sam@supplier.example")
    page = f"/partnerships/{demo.id}/expectations"
    assert post(sam, f"{page}/{item.id}/acknowledge", {"version": HUGE}, page=page).status_code == 400
    assert post(sam, f"{page}/{item.id}/acknowledge", {"version": "١"}, page=page).status_code == 400
    response = post(sam, f"{page}/acknowledge", {"seen": [f"{item.id}:{HUGE}", "٣:1", "x"]},
                    page=page, follow_redirects=True)
    assert response.status_code == 200 and "nothing to acknowledge" in response.get_data(as_text=True)
    with app.app_context():
        sam_id = User.get(User.email == "sam@supplier.example").id
        assert Acknowledgement.select().where(Acknowledgement.user == sam_id).count() == 0


# Content: feedback, notes, reviews -------------------------------------------------------

def test_library_feedback_and_note_with_nul_save_nothing(app, demo):
    page = f"/partnerships/{demo.id}/library/building-a-partnering-culture"  # shipped with the portal
    sam, jim = as_user(app, "sam@supplier.example"), as_user(app, "jim@supplier.example")
    response = post(sam, f"{page}/feedback", {"helpful": "1", "comment": "Good\x00"}, page=page,
                    follow_redirects=True)
    assert response.status_code == 200 and "NUL character" in response.get_data(as_text=True)
    odd = post(sam, f"{page}/feedback", {"helpful": "maybe"}, page=page, follow_redirects=True)
    assert "Say whether the item helped" in odd.get_data(as_text=True)
    note = post(jim, f"{page}/note", {"body": "x" * 5001}, page=page, follow_redirects=True)
    assert "Keep the note under 5,000 characters" in note.get_data(as_text=True)
    with app.app_context():
        assert Feedback.select().count() == 0 and PartnershipNote.select().count() == 0


# Cohorts -------------------------------------------------------------------------------

@pytest.fixture
def cohort(app, demo):
    with app.app_context():
        item = ContentItem.create(slug="forms-cohort", source="file", title="Practice", summary="",
                                  body="Body", html="<p>Body</p>")
    return make_cohort(app, demo, ["carla@client.example", "sam@supplier.example"], [item]), item


def test_cohort_reply_with_a_unicode_digit_parent_id_is_404(app, demo, cohort):
    group, item = cohort
    sam = as_user(app, "sam@supplier.example")
    url = thread_url(demo, group, item)
    assert post(sam, url, {"body": "First"}, page=url).status_code == 302
    with app.app_context():
        first = Post.get().id
    assert first < 10  # "٣" would have been read as post 3
    for parent in ("٣", str(first) + "\x00", HUGE, "-1"):
        assert post(sam, url, {"body": "Reply", "parent_id": parent}, page=url).status_code == 404
    nul = post(sam, url, {"body": "Hello\x00"}, page=url)
    assert nul.status_code == 422 and "NUL character" in nul.get_data(as_text=True)
    with app.app_context():
        assert Post.select().count() == 1


def test_forming_a_cohort_with_hostile_ids_or_dates_is_a_422(app, demo, cohort):
    _, item = cohort
    carla = as_user(app, "carla@client.example")
    with app.app_context():
        members = [User.get(User.email == e).id for e in ("carla@client.example", "sam@supplier.example")]
    page = f"/partnerships/{demo.id}/cohorts"
    before = _count(app, CohortMember)
    huge = post(carla, page, form_data([item], members + [HUGE]), page=page)
    assert huge.status_code == 422 and "Choose people from the list" in huge.get_data(as_text=True)
    due = post(carla, page, form_data([item], members, **{f"due-{item.id}": "2027-01-01\x00"}), page=page)
    assert due.status_code == 422 and "Enter a date like 2027-03-31." in due.get_data(as_text=True)
    assert _count(app, CohortMember) == before


def _count(app, model):
    with app.app_context():
        return model.select().count()


# Instruments -----------------------------------------------------------------------------

def test_action_with_a_huge_run_id_is_refused(setup):
    app, partnership, jim = started(setup)
    page = f"/partnerships/{partnership.id}/actions"
    response = post(jim, page, {"text": "Act", "client_owner": "0", "supplier_owner": "0",
                                "run_id": HUGE, "question_id": "pace"}, page=page)
    assert response.status_code == 400 and "This form is damaged" in response.get_data(as_text=True)
    stray = post(jim, page, {"text": "Act", "client_owner": "0", "supplier_owner": "0",
                             "run_id": run_id(app), "question_id": "x" * 79, "baseline": "nan"}, page=page)
    assert stray.status_code == 302
    with app.app_context():
        action = ActionItem.get()  # only the second one, without a question the run does not ask
        assert (action.question_id, action.baseline) == (None, None)


def test_answer_with_nul_is_a_message_next_to_the_question(setup):
    app, partnership, _ = started(setup)
    _, response = answer(app, partnership, "peggy@client.example",
                         {"q-trust": "4", "q-pace": "٣", "q-meets": "1", "q-comment": "Fine\x00"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "NUL character" in html and "Choose a value from" in html
    with app.app_context():
        assert Response.select().count() == 0


@pytest.fixture
def setup(make_app):
    """An app with the test suite's pulse instrument and the demo partnership."""
    def build(anonymous=False):
        write_pulse(make_app.plugins_dir, anonymous=anonymous)
        app = make_app()
        with app.app_context():
            partnership, _ = load_demo(DEMO_PASSWORD)
        return app, partnership
    return build


# Plugins ---------------------------------------------------------------------------------

def test_kirkpatrick_program_with_nul_is_refused(app, demo):
    kp = app.extensions["portal_plugins"].plugins["kirkpatrick"].module
    jim = as_user(app, "jim@supplier.example")
    page = f"/partnerships/{demo.id}/programs"
    data = {"name": "Academy\x00", "starts_on": "2026-01-05", "ends_on": "2026-01-30", "cost": "10"}
    response = post(jim, page, data, page=page)
    assert response.status_code == 400 and "NUL character" in response.get_data(as_text=True)
    with app.app_context():
        assert kp.models.Program.select().count() == 0


def test_supplier_selection_huge_candidate_id_and_hostile_scores(app, demo):
    ss = app.extensions["portal_plugins"].plugins["supplier_selection"].module
    with app.app_context():
        suppliers = [Organization.create(name=n, kind="supplier").id for n in ("Acme", "Beacon")]
    peggy = as_user(app, "peggy@client.example")
    sid = new_selection(app, ss, peggy, suppliers)
    assert post(peggy, f"/selections/{sid}/candidates", {"supplier_org_id": HUGE}).status_code == 400
    crits, cands = ids(app, ss, sid)
    assert post(peggy, f"/selections/{sid}/join").status_code == 302
    for hostile in ({f"score-{cands[0]}-{crits[0]}": "٣"}, {f"note-{cands[0]}-{crits[0]}": "ok\x00"}):
        response = post(peggy, f"/selections/{sid}/score", {**score_form(crits, cands, 0), **hostile})
        assert response.status_code == 400 and "Nothing was saved" in response.get_data(as_text=True)
    with app.app_context():
        assert ss.models.Score.select().count() == 0
    assert post(peggy, f"/selections/{sid}/score", score_form(crits, cands, 0)).status_code == 302
    response = post(peggy, f"/selections/{sid}/decide", {"candidate_id": HUGE})
    assert response.status_code == 400 and "Choose one of the candidates" in response.get_data(as_text=True)
    with app.app_context():
        assert ss.models.Selection.get_by_id(sid).status == "open"
    nul = post(peggy, "/selections", {"name": "New\x00"})
    assert nul.status_code == 400 and "NUL character" in nul.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/login", "/profile", "/organization", "/partnerships/{id}/expectations",
                                  "/partnerships/{id}/cohorts", "/partnerships/{id}/programs"])
def test_form_fields_carry_no_none_attributes(app, demo, as_user, path):
    """aria-describedby="None" or aria-invalid="None" is invalid ARIA (axe: critical): a
    field without a hint or an error has no such attribute at all; with an error it has both."""
    client = app.test_client() if path == "/login" else as_user("peggy@client.example")
    html = client.get(path.format(id=demo.id)).get_data(as_text=True)
    assert "<input" in html
    assert '="None"' not in html
    if path == "/login":
        wrong = client.post("/login", data={"email": "peggy@client.example", "password": "wrong",
                                            "csrf_token": re.search(r'name="csrf-token" content="([^"]+)"',
                                                                    html).group(1)})
        assert '="None"' not in wrong.get_data(as_text=True)

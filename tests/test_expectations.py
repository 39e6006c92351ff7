"""Relational expectations: writing them, acknowledging them, and asking again on change.

Seed 003 (PRM aspect #4): expectations are documented and every new member is briefed
on them. The checks are what people read on the pages and what the database holds.
"""
import datetime as dt
import html as html_lib
import re

import pytest
from conftest import DEMO_PASSWORD, login, post

from portal.accounts.models import User
from portal.audit import AuditEntry
from portal.demo import load_demo_expectations
from portal.expectations.models import Acknowledgement, RelationalExpectation
from portal.partnerships.models import Partnership, PartnershipMember

ANSWER_FAST = "The supplier answers a question from the client within two business days."
RAISE_EARLY = "Both sides raise a concern as soon as they see it."
MEMBERS = ["peggy@client.example", "carla@client.example", "victor@client.example",
           "jim@supplier.example", "sofia@supplier.example", "sam@supplier.example"]


@pytest.fixture
def app(make_app):
    """Strict plugins: a raising card or tab fails the test instead of becoming an error card."""
    return make_app(PORTAL_PLUGINS_STRICT=True)


def page_of(partnership):
    return f"/partnerships/{partnership.id}/expectations"


def as_user(app, email):
    client = app.test_client()
    login(client, email)
    return client


def add(client, partnership, **fields):
    data = {"direction": "client_of_supplier", "text": ANSWER_FAST, "principle": "cadence",
            "owner": "0", "review_on": (dt.date.today() + dt.timedelta(days=30)).isoformat()}
    data.update(fields)
    return post(client, page_of(partnership), data, page=page_of(partnership))


def expectation(app, text=ANSWER_FAST):
    with app.app_context():
        return RelationalExpectation.get(RelationalExpectation.text == text)


def acknowledge(client, partnership, item, version=None):
    url = f"{page_of(partnership)}/{item.id}/acknowledge"
    return post(client, url, {"version": str(version or item.version)}, page=page_of(partnership))


def edit(client, partnership, item, **changes):
    url = f"{page_of(partnership)}/{item.id}/edit"
    form_page = client.get(url).get_data(as_text=True)
    base = re.search(r'name="base" type="hidden" value="([^"]*)"', form_page).group(1)
    data = {"direction": item.direction, "text": item.text, "principle": item.principle,
            "owner": str(item.owner_id or 0),
            "review_on": item.review_on.isoformat() if item.review_on else "",
            "base": html_lib.unescape(base)}
    data.update(changes)
    return post(client, url, data, page=url)


def text_of(response):
    return html_lib.unescape(response.get_data(as_text=True))


def section(html, testid):
    """The element marked data-testid=testid (a list or paragraph: no nested same tag)."""
    start = html.rindex("<", 0, html.index(f'data-testid="{testid}"'))
    tag = re.match(r"<(\w+)", html[start:]).group(1)
    return html[start:html.index(f"</{tag}>", start)]


def test_editor_adds_an_expectation_and_members_are_asked_to_acknowledge_it(app, demo):
    jim = as_user(app, "jim@supplier.example")
    with app.app_context():
        peggy_id = User.get(User.email == "peggy@client.example").id
    response = add(jim, demo, owner=str(peggy_id))
    assert response.status_code == 302
    item = expectation(app)
    assert (item.direction, item.principle, item.version, item.owner_id) == (
        "client_of_supplier", "cadence", 1, peggy_id)
    with app.app_context():
        # The author wrote it, so it counts as read by them; nobody else has acknowledged.
        acks = [(a.user.email, a.version) for a in Acknowledgement.select()]
        assert acks == [("jim@supplier.example", 1)]
    listing = text_of(jim.get(response.headers["Location"]))
    assert "The expectation is added. Every member is asked to acknowledge it." in listing
    assert ANSWER_FAST in listing and "The client expects of the supplier" in listing
    assert "Cadence" in listing and "Owner: Peggy Olson" in listing
    assert "Acknowledged by 1 of 6" in listing

    sam = as_user(app, "sam@supplier.example")
    overview = text_of(sam.get(f"/partnerships/{demo.id}/"))
    assert "Expectations for you to acknowledge" in overview
    assert ANSWER_FAST[:60] in section(overview, "my-unacknowledged")


@pytest.mark.parametrize("fields, message", [
    ({"text": "   "}, "Write down what is expected."),
    ({"text": "x" * 1001}, "Keep it under 1000 characters"),
    ({"principle": "punctuality"},
     "Choose one of the six principles or the six partnering attributes."),
    ({"direction": "supplier_of_everyone"}, "Choose who expects this of whom."),
    ({"review_on": "2001-01-01"}, "Choose a review date from today on."),
    ({"review_on": "next week"}, "Enter a date like 2027-03-31"),
    ({"owner": "999999"}, "Choose a member of this partnership."),
    ({"owner": "Peggy"}, "Choose a member of this partnership."),
])
def test_bad_input_gets_a_message_next_to_the_field_and_nothing_is_saved(app, demo, fields,
                                                                        message):
    jim = as_user(app, "jim@supplier.example")
    typed = dict({"text": "Typed text that must not be lost"}, **fields)
    response = add(jim, demo, **typed)
    assert response.status_code == 422
    html = text_of(response)
    errors = re.findall(r'<p class="field__error" id="[^"]+">([^<]*)</p>', html)
    assert any(message in e for e in errors), errors
    if typed["text"].strip():
        assert typed["text"] in html  # what was typed is kept in the form
    with app.app_context():
        assert RelationalExpectation.select().count() == 0


@pytest.mark.parametrize("email", ["sam@supplier.example", "victor@client.example"])
def test_members_and_viewers_cannot_add_change_or_archive(app, demo, email):
    jim = as_user(app, "jim@supplier.example")
    add(jim, demo)
    item = expectation(app)
    client = as_user(app, email)
    assert add(client, demo, text="Something else").status_code == 403
    url = f"{page_of(demo)}/{item.id}"
    assert client.get(f"{url}/edit").status_code == 403
    assert post(client, f"{url}/edit", {"text": "Changed", "direction": "mutual",
                                         "principle": "clarity", "owner": "0"}).status_code == 403
    assert post(client, f"{url}/archive").status_code == 403
    listing = text_of(client.get(page_of(demo)))
    assert "Add the expectation" not in listing and "Archive</button>" not in listing
    with app.app_context():
        assert [(e.text, e.version, e.archived) for e in RelationalExpectation.select()] == [
            (ANSWER_FAST, 1, False)]


def test_a_member_acknowledges_and_a_new_wording_asks_again(app, demo):
    jim = as_user(app, "jim@supplier.example")
    add(jim, demo)
    item = expectation(app)
    sam = as_user(app, "sam@supplier.example")
    assert "Not acknowledged by you yet" in text_of(sam.get(page_of(demo)))
    response = acknowledge(sam, demo, item)
    assert response.status_code == 302
    listing = text_of(sam.get(response.headers["Location"]))
    assert "You acknowledged 1 expectation." in listing
    assert "You acknowledged this" in listing and "Acknowledged by 2 of 6" in listing
    overview = text_of(sam.get(f"/partnerships/{demo.id}/"))
    assert "Expectations for you to acknowledge" not in overview

    reworded = ANSWER_FAST.replace("two", "three")
    response = edit(jim, demo, item, text=reworded)
    assert response.status_code == 302
    assert "saved as version 2" in text_of(jim.get(response.headers["Location"]))
    with app.app_context():
        assert RelationalExpectation.get_by_id(item.id).version == 2
        sam_id = User.get(User.email == "sam@supplier.example").id
        sams = Acknowledgement.get(Acknowledgement.expectation == item.id,
                                   Acknowledgement.user == sam_id)
        assert sams.version == 1  # kept: the record of what Sam agreed to
    listing = text_of(sam.get(page_of(demo)))
    assert reworded in listing and "Changed since you acknowledged it" in listing
    assert "Acknowledged by 1 of 6" in listing  # only Jim, who wrote the new wording
    overview = text_of(sam.get(f"/partnerships/{demo.id}/"))
    assert "changed since you acknowledged it" in section(overview, "my-unacknowledged")


def test_the_editors_card_invites_the_first_expectation_then_says_when_all_are_done(app, demo):
    jim = as_user(app, "jim@supplier.example")
    overview = text_of(jim.get(f"/partnerships/{demo.id}/"))
    assert "No relational expectations are documented yet." in overview
    assert "Expectations for you to acknowledge" not in overview
    add(jim, demo)
    item = expectation(app)
    for email in MEMBERS:
        if email != "jim@supplier.example":
            assert acknowledge(as_user(app, email), demo, item).status_code == 302
    overview = text_of(jim.get(f"/partnerships/{demo.id}/"))
    assert "All 6 members have acknowledged the 1 current expectation." in overview
    assert 'data-testid="not-acknowledged"' not in overview


def test_a_new_owner_or_review_date_does_not_ask_for_acknowledgement_again(app, demo):
    jim = as_user(app, "jim@supplier.example")
    add(jim, demo)
    item = expectation(app)
    sam = as_user(app, "sam@supplier.example")
    acknowledge(sam, demo, item)
    with app.app_context():
        carla_id = User.get(User.email == "carla@client.example").id
    later = (dt.date.today() + dt.timedelta(days=90)).isoformat()
    response = edit(jim, demo, item, owner=str(carla_id), review_on=later)
    assert response.status_code == 302
    saved_page = text_of(jim.get(response.headers["Location"]))
    assert "the acknowledgements given still count" in saved_page
    with app.app_context():
        saved = RelationalExpectation.get_by_id(item.id)
        assert (saved.version, saved.owner_id, saved.review_on.isoformat()) == (1, carla_id, later)
    listing = text_of(sam.get(page_of(demo)))
    assert "You acknowledged this" in listing and "Owner: Carla Mendes" in listing


def test_editing_keeps_an_owner_who_left_and_an_overdue_review_date(app, demo):
    with app.test_request_context():
        load_demo_expectations(demo)
    with app.app_context():
        overdue = RelationalExpectation.get(RelationalExpectation.review_on < dt.date.today())
        owner = overdue.owner
        PartnershipMember.delete().where(PartnershipMember.user == owner.id).execute()
    jim = as_user(app, "jim@supplier.example")
    form_page = text_of(jim.get(f"{page_of(demo)}/{overdue.id}/edit"))
    assert f'selected value="{owner.id}">{owner.name} (no longer a member)' in form_page
    response = edit(jim, demo, overdue, text=overdue.text + " Within a week at the latest.")
    assert response.status_code == 302
    with app.app_context():
        saved = RelationalExpectation.get_by_id(overdue.id)
        assert (saved.owner_id, saved.review_on, saved.version) == (
            owner.id, overdue.review_on, overdue.version + 1)


def test_a_new_member_sees_the_banner_and_editors_see_who_has_not_acknowledged(app, demo):
    jim = as_user(app, "jim@supplier.example")
    add(jim, demo)
    add(jim, demo, direction="mutual", text=RAISE_EARLY, principle="self_disclosure_feedback")
    with app.app_context():
        nina = User(email="nina@client.example", name="Nina New", organization=demo.client)
        nina.set_password(DEMO_PASSWORD)
        nina.save()
    peggy = as_user(app, "peggy@client.example")  # admin of the client organization
    response = post(peggy, f"/partnerships/{demo.id}/members",
                    {"user": nina.id, "role": "member"})
    assert response.status_code == 302

    newcomer = as_user(app, "nina@client.example")
    overview = text_of(newcomer.get(f"/partnerships/{demo.id}/"))
    cards = re.findall(r"<h2>([^<]+)</h2>", overview)
    assert cards[0] == "Expectations for you to acknowledge"  # first card on the page
    mine = section(overview, "my-unacknowledged")
    assert ANSWER_FAST[:60] in mine and RAISE_EARLY in mine
    assert "not yet acknowledged any of the partnership's 2 relational expectations" in overview

    editor_view = section(text_of(jim.get(f"/partnerships/{demo.id}/")), "not-acknowledged")
    assert "Nina New" in editor_view and "Jim Halpert" not in editor_view
    member_view = text_of(as_user(app, "sam@supplier.example").get(f"/partnerships/{demo.id}/"))
    assert 'data-testid="not-acknowledged"' not in member_view  # names are for editors


def test_acknowledge_all_clears_the_banner_and_is_audited(app, demo):
    jim = as_user(app, "jim@supplier.example")
    add(jim, demo)
    add(jim, demo, direction="mutual", text=RAISE_EARLY, principle="self_disclosure_feedback")
    sam = as_user(app, "sam@supplier.example")
    listing = sam.get(page_of(demo)).get_data(as_text=True)
    seen = re.findall(r'name="seen" value="([^"]+)"', listing)
    assert len(seen) == 2 and "Acknowledge all 2" in listing
    response = post(sam, f"{page_of(demo)}/acknowledge", {"seen": seen}, page=page_of(demo))
    assert response.status_code == 302
    listing = text_of(sam.get(response.headers["Location"]))
    assert "You acknowledged 2 expectations." in listing
    assert "You have acknowledged every current expectation." in listing
    overview = text_of(sam.get(f"/partnerships/{demo.id}/"))
    assert "Expectations for you to acknowledge" not in overview
    with app.app_context():
        sam_id = User.get(User.email == "sam@supplier.example").id
        assert Acknowledgement.select().where(Acknowledgement.user == sam_id).count() == 2
        entry = AuditEntry.get(AuditEntry.action == "expectations_acknowledged")
        assert entry.actor_id == sam_id
        assert sorted(e["version"] for e in entry.details["expectations"]) == [1, 1]


def test_an_acknowledgement_of_a_wording_that_changed_meanwhile_is_not_recorded(app, demo):
    jim = as_user(app, "jim@supplier.example")
    add(jim, demo)
    item = expectation(app)  # Sam opens the page on version 1 ...
    edit(jim, demo, item, principle="communication")  # ... Jim changes it to version 2
    sam = as_user(app, "sam@supplier.example")
    response = acknowledge(sam, demo, item, version=1)
    listing = text_of(sam.get(response.headers["Location"]))
    assert "changed after you opened the page. Read the new wording" in listing
    assert "Not acknowledged by you yet" in listing
    with app.app_context():
        sam_id = User.get(User.email == "sam@supplier.example").id
        assert not Acknowledgement.select().where(Acknowledgement.user == sam_id).exists()


def test_a_viewer_acknowledges_what_they_have_read(app, demo):
    jim = as_user(app, "jim@supplier.example")
    add(jim, demo)
    item = expectation(app)
    victor = as_user(app, "victor@client.example")
    assert acknowledge(victor, demo, item).status_code == 302
    with app.app_context():
        victor_id = User.get(User.email == "victor@client.example").id
        assert Acknowledgement.get(Acknowledgement.user == victor_id).version == 1


def test_htmx_acknowledgement_swaps_the_list_in_place(app, demo):
    jim = as_user(app, "jim@supplier.example")
    add(jim, demo)
    item = expectation(app)
    sam = as_user(app, "sam@supplier.example")
    response = post(sam, f"{page_of(demo)}/{item.id}/acknowledge", {"version": "1"},
                    page=page_of(demo), headers={"HX-Request": "true"})
    assert response.status_code == 200
    fragment = text_of(response)
    assert "<html" not in fragment and fragment.lstrip().startswith('<div id="expectations"')
    assert "You acknowledged 1 expectation." in fragment and "You acknowledged this" in fragment


def test_archiving_takes_an_expectation_off_the_list_and_keeps_it_in_the_database(app, demo):
    jim = as_user(app, "jim@supplier.example")
    add(jim, demo)
    add(jim, demo, direction="mutual", text=RAISE_EARLY, principle="self_disclosure_feedback")
    item = expectation(app)
    response = post(jim, f"{page_of(demo)}/{item.id}/archive", page=page_of(demo))
    assert response.status_code == 302
    listing = text_of(jim.get(response.headers["Location"]))
    assert "is archived" in listing
    assert f'id="expectation-{item.id}"' not in listing and RAISE_EARLY in listing
    assert "1 current expectation" in listing
    sam = as_user(app, "sam@supplier.example")
    mine = section(text_of(sam.get(f"/partnerships/{demo.id}/")), "my-unacknowledged")
    assert ANSWER_FAST[:40] not in mine and RAISE_EARLY in mine
    assert acknowledge(sam, demo, item).status_code == 409
    assert jim.get(f"{page_of(demo)}/{item.id}/edit").status_code == 409
    with app.app_context():
        assert RelationalExpectation.get_by_id(item.id).archived is True


def test_every_change_is_in_the_audit_log_with_before_and_after(app, demo):
    jim = as_user(app, "jim@supplier.example")
    add(jim, demo)
    item = expectation(app)
    edit(jim, demo, item, text=RAISE_EARLY, direction="mutual")
    post(jim, f"{page_of(demo)}/{item.id}/archive", page=page_of(demo))
    with app.app_context():
        entries = {e.action: e for e in
                   AuditEntry.select().where(AuditEntry.partnership == demo.id)}
        created = entries["expectation_created"].details
        assert (created["text"], created["principle"], created["expectation"]) == (
            ANSWER_FAST, "cadence", item.id)
        changed = entries["expectation_changed"].details
        assert changed["before"] == {"text": ANSWER_FAST, "direction": "client_of_supplier"}
        assert changed["after"] == {"text": RAISE_EARLY, "direction": "mutual"}
        assert changed["version"] == 2
        assert entries["expectation_archived"].details["text"] == RAISE_EARLY
        assert all(e.actor.email == "jim@supplier.example" for e in entries.values())
    history = text_of(jim.get(page_of(demo)))
    assert "Jim Halpert changed the direction, wording of" in history


def test_a_concurrent_edit_is_shown_and_the_typed_text_is_kept(app, demo):
    jim = as_user(app, "jim@supplier.example")
    add(jim, demo)
    item = expectation(app)
    url = f"{page_of(demo)}/{item.id}/edit"
    form_page = jim.get(url).get_data(as_text=True)
    stale_base = html_lib.unescape(re.search(r'name="base" type="hidden" value="([^"]*)"',
                                             form_page).group(1))
    carla = as_user(app, "carla@client.example")
    edit(carla, demo, item, text="Carla's wording")
    mine = "Jim's wording, typed while Carla saved hers"
    response = post(jim, url, {"direction": item.direction, "text": mine,
                               "principle": item.principle, "owner": "0",
                               "review_on": item.review_on.isoformat(), "base": stale_base},
                    page=url)
    assert response.status_code == 409
    html = text_of(response)
    assert "Someone saved this expectation while you were editing" in html
    assert "Carla's wording" in html and mine in html
    with app.app_context():
        assert RelationalExpectation.get_by_id(item.id).text == "Carla's wording"
    # Saving again, having seen Carla's version, replaces it.
    fresh_base = html_lib.unescape(re.search(r'name="base" type="hidden" value="([^"]*)"',
                                             response.get_data(as_text=True)).group(1))
    again = post(jim, url, {"direction": item.direction, "text": mine,
                            "principle": item.principle, "owner": "0",
                            "review_on": item.review_on.isoformat(), "base": fresh_base},
                 page=url)
    assert again.status_code == 302
    with app.app_context():
        assert RelationalExpectation.get_by_id(item.id).text == mine


def test_another_partnerships_expectation_is_404_under_this_partnership(app, demo):
    with app.app_context():
        other = Partnership.create(name="Sales Academy", client=demo.client,
                                   supplier=demo.supplier)
        jim_user = User.get(User.email == "jim@supplier.example")
        PartnershipMember.create(partnership=other, user=jim_user, role="editor")
    jim = as_user(app, "jim@supplier.example")
    add(jim, other, text="Only for the sales academy")
    item = expectation(app, "Only for the sales academy")
    for method, url in (("GET", f"{page_of(demo)}/{item.id}/edit"),
                        ("POST", f"{page_of(demo)}/{item.id}/edit"),
                        ("POST", f"{page_of(demo)}/{item.id}/archive"),
                        ("POST", f"{page_of(demo)}/{item.id}/acknowledge")):
        response = (jim.get(url) if method == "GET" else
                    post(jim, url, {"version": "1", "text": "x", "direction": "mutual",
                                    "principle": "clarity", "owner": "0"}))
        assert response.status_code == 404, (method, url)
    response = post(jim, f"{page_of(demo)}/acknowledge", {"seen": [f"{item.id}:1"]})
    assert "There was nothing to acknowledge." in text_of(jim.get(response.headers["Location"]))
    assert "Only for the sales academy" not in text_of(jim.get(page_of(demo)))
    with app.app_context():
        item = RelationalExpectation.get_by_id(item.id)
        assert (item.text, item.archived) == ("Only for the sales academy", False)
        assert Acknowledgement.select().where(Acknowledgement.expectation == item.id).count() == 1


def test_demo_expectations_load_once_and_show_an_overdue_review(app, demo):
    with app.test_request_context():
        first = load_demo_expectations(demo)
        assert len(first) == 6 and load_demo_expectations(demo) == []
    with app.app_context():
        assert RelationalExpectation.select().count() == 6
    jim = as_user(app, "jim@supplier.example")
    listing = text_of(jim.get(page_of(demo)))
    assert listing.count("review overdue") == 1
    assert "Changed since you acknowledged it" in listing  # Peggy reworded one after Jim read it
    assert "Acknowledge it" in listing and "Acknowledge all" not in listing

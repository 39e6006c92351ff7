"""Practice and reflection: a plan after an item, what happened later, private until shared
with a cohort (seed 004: practice and reflection; fear of failure keeps people from trying).
"""
import datetime as dt
import html as html_lib

import pytest
from conftest import login, post
from flask import g, render_template

from portal.accounts.models import User
from portal.content import cohorts, reflections
from portal.content.models import ContentItem
from portal.content.reflections import Reflection
from portal.partnerships.models import PartnershipMember



@pytest.fixture
def app(make_app):
    return make_app(PORTAL_PLUGINS_STRICT=True)


@pytest.fixture
def items(app, demo):
    with app.app_context():
        return [ContentItem.create(slug=f"reflect-{n}", source="file", title=f"Try this {n}",
                                   body=f"Body {n}", html=f"<p>Body {n}</p>") for n in (1, 2)]


def as_user(app, email):
    client = app.test_client()
    login(client, email)
    return client


def make_cohort(app, partnership, emails, items, name="Coaching circle"):
    with app.test_request_context():
        people = {u.email: u for u in User.select()}
        return cohorts.create_cohort(
            partnership, people["carla@client.example"], name, "", dt.date.today(), dt.date.today() + dt.timedelta(days=30),
            [people[e].id for e in emails], [(item, dt.date.today() + dt.timedelta(days=14)) for item in items])


def base(partnership):
    return f"/partnerships/{partnership.id}/reflections"


def record(app, client, partnership, item, plan="Ask one open question per call", share=0):
    url = f"{base(partnership)}/new?item={item.id}"
    response = post(client, url, {"item": str(item.id), "plan": plan, "share": str(share)}, page=url)
    return response


def only_reflection(app):
    with app.app_context():
        return Reflection.get()


def test_a_reflection_is_private_to_its_author(app, demo, items):
    sam = as_user(app, "sam@supplier.example")
    response = record(app, sam, demo, items[0])
    assert response.status_code == 302
    reflection = only_reflection(app)
    assert reflection.shared_cohort_id is None and reflection.plan == "Ask one open question per call"
    page = sam.get(response.headers["Location"]).get_data(as_text=True)
    assert "Only you can read it." in page and "Ask one open question per call" in page
    url = f"{base(demo)}/{reflection.id}"
    for email in ("peggy@client.example", "carla@client.example", "jim@supplier.example"):
        other = as_user(app, email)  # sponsor and editors included
        assert other.get(url).status_code == 404
        assert post(other, url, {"plan": "Overwritten", "share": "0"}, page=base(demo)).status_code == 404
        assert "Ask one open question" not in other.get(base(demo)).get_data(as_text=True)
    assert only_reflection(app).plan == "Ask one open question per call"


def test_what_happened_is_recorded_later(app, demo, items):
    sam = as_user(app, "sam@supplier.example")
    record(app, sam, demo, items[0])
    reflection = only_reflection(app)
    index = sam.get(base(demo)).get_data(as_text=True)
    assert "Tried it yet?" in index and "Note what happened" in index
    url = f"{base(demo)}/{reflection.id}"
    response = post(sam, url, {"plan": reflection.plan, "outcome": "The client opened up; "
                               "two calls went long.", "share": "0"}, page=url)
    assert response.status_code == 302
    saved = only_reflection(app)
    assert saved.outcome.startswith("The client opened up") and saved.outcome_at is not None
    index = sam.get(base(demo)).get_data(as_text=True)
    assert "Tried it yet?" not in index and "The client opened up" in index


def test_a_plan_is_required(app, demo, items):
    sam = as_user(app, "sam@supplier.example")
    response = record(app, sam, demo, items[0], plan="   ")
    assert response.status_code == 422
    assert "Write down one thing you will try" in response.get_data(as_text=True)
    with app.app_context():
        assert Reflection.select().count() == 0


def test_sharing_with_a_cohort_shows_it_beside_the_discussion(app, demo, items):
    cohort = make_cohort(app, demo, ["peggy@client.example", "sam@supplier.example"], items[:1])
    sam = as_user(app, "sam@supplier.example")
    form = sam.get(f"{base(demo)}/new?item={items[0].id}").get_data(as_text=True)
    assert f'<option selected value="{items[0].id}">' in form or f'value="{items[0].id}" selected' in form
    assert "Coaching circle" in form
    record(app, sam, demo, items[0], share=cohort.id)
    reflection = only_reflection(app)
    assert reflection.shared_cohort_id == cohort.id
    thread = f"/partnerships/{demo.id}/cohorts/{cohort.id}/items/{items[0].id}"
    peggy_page = as_user(app, "peggy@client.example").get(thread).get_data(as_text=True)
    assert "Shared reflections" in peggy_page and "Ask one open question per call" in peggy_page
    assert "Ask one open question per call" in as_user(app, "peggy@client.example").get(base(demo)).get_data(as_text=True)
    # Members of the partnership outside the cohort, editors included, read the posts but
    # not the reflections: they were shared with the cohort.
    for email in ("victor@client.example", "jim@supplier.example"):
        outside = as_user(app, email).get(thread).get_data(as_text=True)
        assert "Shared reflections" not in outside and "Ask one open question" not in outside
    # The author's own page of it stays private even to cohort members.
    assert as_user(app, "peggy@client.example").get(f"{base(demo)}/{reflection.id}").status_code == 404
    # Making it private again takes it off the discussion.
    url = f"{base(demo)}/{reflection.id}"
    response = post(sam, url, {"plan": reflection.plan, "outcome": "", "share": "0"}, page=url,
                    follow_redirects=True)
    assert "It is private again" in response.get_data(as_text=True)
    assert "Ask one open question" not in as_user(app, "peggy@client.example").get(thread).get_data(as_text=True)


def test_sharing_needs_a_cohort_of_mine_that_works_through_the_item(app, demo, items):
    mine = make_cohort(app, demo, ["peggy@client.example", "sam@supplier.example"], items[:1], name="Mine")
    theirs = make_cohort(app, demo, ["carla@client.example", "jim@supplier.example"], items, name="Theirs")
    sam = as_user(app, "sam@supplier.example")
    response = record(app, sam, demo, items[1], share=mine.id)
    assert response.status_code == 422
    assert "That cohort does not work through this item" in html_lib.unescape(response.get_data(as_text=True))
    assert "Ask one open question per call" in response.get_data(as_text=True)  # kept
    response = record(app, sam, demo, items[1], share=theirs.id)
    assert response.status_code == 422
    assert "Choose “only me” or one of your cohorts." in html_lib.unescape(response.get_data(as_text=True))
    with app.app_context():
        assert Reflection.select().count() == 0


def test_viewers_do_not_record_reflections(app, demo, items):
    victor = as_user(app, "victor@client.example")
    response = victor.get(f"{base(demo)}/new?item={items[0].id}")
    assert response.status_code == 403
    assert "do not record reflections" in response.get_data(as_text=True)
    assert record(app, victor, demo, items[0]).status_code == 403
    assert victor.get(base(demo)).status_code == 200


def test_an_item_outside_the_library_is_refused(app, demo, items):
    with app.app_context():
        gone = ContentItem.create(slug="gone", source="file", title="Gone", body="x", html="x", removed=True)
    sam = as_user(app, "sam@supplier.example")
    response = record(app, sam, demo, gone)
    assert response.status_code == 422
    assert "Choose an item of this partnership&#39;s library." in response.get_data(as_text=True)


def test_for_item_and_its_snippet(app, demo, items):
    sam = as_user(app, "sam@supplier.example")
    record(app, sam, demo, items[0], plan="First plan")
    record(app, sam, demo, items[0], plan="Second plan")
    record(app, as_user(app, "jim@supplier.example"), demo, items[0], plan="Jim's plan")
    with app.test_request_context():
        user = User.get(User.email == "sam@supplier.example")
        found = reflections.for_item(user, demo, items[0])
        assert [r.plan for r in found] == ["Second plan", "First plan"]
        assert reflections.for_item(user, demo, items[1]) == []
        g.membership = PartnershipMember.get(PartnershipMember.user == user)
        snippet = render_template("reflections/_for_item.html", partnership=demo, item=items[0],
                                  reflections=found)
        assert "Second plan" in snippet and "Jim" not in snippet
        assert f"/partnerships/{demo.id}/reflections/new?item={items[0].id}" in snippet
        assert "Record what you will try" in snippet

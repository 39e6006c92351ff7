"""The partnership's cadence (issue 13): everything due on one page, and a private
iCalendar feed per person that the `icalendar` parser reads back."""
import datetime as dt
import re

import pytest
from conftest import login, post
from icalendar import Calendar

from portal.accounts.models import Organization, User
from portal.content.models import ContentItem
from portal.content.reviews import ReviewSchedule
from portal.expectations.models import RelationalExpectation
from portal.instruments.models import ActionItem, Run
from portal.partnerships.models import Partnership, PartnershipMember



def days(n):
    return dt.date.today() + dt.timedelta(days=n)


@pytest.fixture
def app(make_app):
    return make_app(PORTAL_LOAD_INSTALLED_PLUGINS=False)


@pytest.fixture
def due(app, demo):
    """One thing due from each source, in the demo partnership; returns the people."""
    with app.app_context():
        people = {u.email.split("@")[0]: u for u in User.select()}
        Partnership.update(contract_end=days(300), notice_days=60).where(
            Partnership.id == demo.id).execute()
        Run.create(partnership=demo.id, instrument_id="relational_survey", instrument_version="1",
                   snapshot="{}", title="Spring pulse", opens_on=days(-5), closes_on=days(9))
        RelationalExpectation.create(partnership=demo.id, direction="client_to_supplier",
                                     text="Tell us about staffing changes a month ahead",
                                     principle="commitment", review_on=days(40))
        ActionItem.create(partnership=demo.id, text="Agree the escalation path",
                          due_on=days(-3), client_owner=people["carla"].id)
        ActionItem.create(partnership=demo.id, text="Done already", due_on=days(5), status="done")
        item = ContentItem.create(slug="calendar-item", source="file", title="Trust basics",
                                  summary="", body="Body", html="<p>Body</p>")
        ReviewSchedule.create(user=people["jim"].id, partnership=demo.id, item=item, due_on=days(7))
        from portal.builtin_plugins.kirkpatrick.models import FollowUp, Program

        program = Program.create(partnership_id=demo.id, name="Coaching skills",
                                 starts_on=days(-100), ends_on=days(-40))
        FollowUp.create(program=program, day=60)  # marked done: no longer due
    return people


def as_user(app, email):
    client = app.test_client()
    login(client, email)
    return client


def test_the_calendar_lists_everything_due_with_what_is_overdue_first(app, demo, due):
    page = as_user(app, "jim@supplier.example").get(f"/partnerships/{demo.id}/calendar")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    overdue = html[html.index('data-testid="overdue"'):html.index("</ul>", html.index('data-testid="overdue"'))]
    assert "Action due: Agree the escalation path" in overdue
    assert "Day-30 behavior follow-up: Coaching skills" in overdue  # 10 days ago, not done
    # Notice period of 60 days: the review falls 92 days before the last day to give notice.
    review, deadline = days(300 - 60 - 92), days(300 - 60)
    assert f'<time datetime="{review.isoformat()}"' in html and "Contract review" in html
    assert f'<time datetime="{deadline.isoformat()}"' in html
    assert "Last day to give notice (60 days before the end)" in html and "Contract ends" in html
    assert "“Spring pulse” closes" in html
    assert "Review the expectation “Tell us about staffing changes a month ahead”" in html
    assert "Review “Trust basics”" in html  # Jim's own content review
    assert "Day-90 behavior follow-up: Coaching skills" in html
    assert "Day-60" not in html  # done
    assert "Done already" not in html
    assert "Relational survey: next run due" in html  # cadence of an instrument never run
    # Someone else's content review is theirs alone.
    assert "Review “Trust basics”" not in as_user(app, "carla@client.example").get(
        f"/partnerships/{demo.id}/calendar").get_data(as_text=True)


def feed_of(client):
    """The feed address the person's profile shows."""
    page = client.get("/profile").get_data(as_text=True)
    return re.search(r'value="(http[^"]+\.ics)" data-testid="calendar-feed-url"', page).group(1)


def test_the_feed_is_a_valid_calendar_of_all_the_persons_partnerships(app, demo, due):
    jim = as_user(app, "jim@supplier.example")
    url = feed_of(jim)
    path = url.replace("http://localhost", "")
    anonymous = app.test_client()  # a calendar server: no session, the address is the key
    response = anonymous.get(path)
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    events = {str(e["summary"]): e for e in calendar.walk("VEVENT")}
    name = demo.name
    action = events[f"Action due: Agree the escalation path · {name}"]
    assert action.decoded("dtstart") == days(-3)  # all-day, within the month past
    assert str(action["url"]) == f"http://localhost/partnerships/{demo.id}/actions"
    assert events[f"Review “Trust basics” · {name}"].decoded("dtstart") == days(7)
    assert f"Contract review · {name}" in events
    uids = [str(e["uid"]) for e in calendar.walk("VEVENT")]
    assert len(uids) == len(set(uids))
    # A partnership Jim is not a member of never shows.
    with app.app_context():
        other_client = Organization.create(name="Elsewhere Ltd", kind="client")
        other = Partnership.create(name="Not Jim's", client=other_client.id,
                                   supplier=demo.supplier_id, contract_end=days(100))
    again = Calendar.from_ical(anonymous.get(path).data)
    assert not any("Not Jim's" in str(e["summary"]) for e in again.walk("VEVENT"))
    with app.app_context():
        PartnershipMember.create(partnership=other.id, user=due["jim"].id, role="member")
    joined = Calendar.from_ical(anonymous.get(path).data)
    assert any(str(e["summary"]) == "Contract ends · Not Jim's" for e in joined.walk("VEVENT"))


def test_a_reset_ends_the_old_address_and_guesses_get_nothing(app, demo, due):
    jim = as_user(app, "jim@supplier.example")
    old = feed_of(jim).replace("http://localhost", "")
    anonymous = app.test_client()
    assert anonymous.get(old).status_code == 200
    response = post(jim, "/profile/calendar/reset")
    assert response.status_code == 302
    new = feed_of(jim).replace("http://localhost", "")
    assert new != old
    assert anonymous.get(old).status_code == 404
    assert anonymous.get(new).status_code == 200
    # Another person's id with Jim's token, a made-up token, a reset without CSRF.
    sam_id = due["sam"].id
    assert anonymous.get(re.sub(r"/calendar/\d+/", f"/calendar/{sam_id}/", new)).status_code == 404
    assert anonymous.get(f"/calendar/{due['jim'].id}/{'0' * 40}.ics").status_code == 404
    assert jim.post("/profile/calendar/reset").status_code == 400
    assert anonymous.get(new).status_code == 200
    with app.app_context():  # a deactivated account's feed stops
        User.update(is_active_account=False).where(User.id == due["jim"].id).execute()
    assert anonymous.get(new).status_code == 404


def test_a_partnership_takes_a_notice_period_when_created(app, demo):
    admin = as_user(app, "admin@portal.example")
    form = {"name": "With notice", "client": str(demo.client_id), "supplier": str(demo.supplier_id),
            "stage": "selection", "contract_end": days(200).isoformat(), "notice_days": "90"}
    assert post(admin, "/admin/partnerships", form, page="/admin/").status_code == 302
    refused = post(admin, "/admin/partnerships", dict(form, name="Bad", notice_days="0"),
                   page="/admin/")
    assert refused.status_code == 422
    assert "A notice period is between 1 and 3650 days." in refused.get_data(as_text=True)
    with app.app_context():
        assert Partnership.get(Partnership.name == "With notice").notice_days == 90
        assert not Partnership.select().where(Partnership.name == "Bad").exists()

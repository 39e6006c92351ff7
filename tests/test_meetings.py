"""Sponsor and business reviews (issue 13): scheduled with a pre-filled agenda, prepared by
both sides, minuted with outcomes that reach the action plan, closed read-only, and what
was left unfinished carried to the next review with its history."""
import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from conftest import login, post

from portal.accounts.models import User
from portal.instruments.models import ActionItem
from portal.meetings.models import AgendaItem, Meeting, MeetingAttendee, Outcome
from portal.notifications import Notification
from portal.partnerships.models import PartnershipMember


def tomorrow():
    """Read when the test runs: a suite may run past midnight."""
    return dt.date.today() + dt.timedelta(days=1)


def as_user(app, email):
    client = app.test_client()
    login(client, email)
    return client


@pytest.fixture
def people(app, demo):
    with app.app_context():
        return {u.email.split("@")[0]: u for u in User.select()}


def base(partnership):
    return f"/partnerships/{partnership.id}/governance"


def schedule(client, partnership, people, **fields):
    data = {"kind": "sponsor", "title": "Spring sponsor review", "day": tomorrow().isoformat(),
            "time": "10:00", "minutes_planned": "60", "location": "Video call",
            "attendees": [str(people["peggy"].id), str(people["sofia"].id)]}
    data.update(fields)
    return post(client, base(partnership), data, page=base(partnership))


def the_meeting(app, title="Spring sponsor review"):
    with app.app_context():
        return Meeting.get(Meeting.title == title)


def advance(client, partnership, meeting, to):
    url = f"{base(partnership)}/{meeting.id}"
    return post(client, f"{url}/status", {"to": to}, page=url)


def test_scheduling_checks_the_date_and_both_sides_and_prefills_the_agenda(app, demo, people):
    carla = as_user(app, "carla@client.example")
    with app.app_context():
        User.update(timezone="Europe/Berlin").where(User.id == people["carla"].id).execute()
    page = carla.get(base(demo)).get_data(as_text=True)
    assert "No sponsor review yet" in page and "Schedule a review" in page
    past = schedule(carla, demo, people, day=(dt.date.today() - dt.timedelta(days=3)).isoformat())
    assert past.status_code == 422 and "Choose a date and time from now on" in past.get_data(as_text=True)
    one_side = schedule(carla, demo, people, attendees=[str(people["peggy"].id)])
    assert one_side.status_code == 422
    assert "Invite at least one person from each organization" in one_side.get_data(as_text=True)
    nobody = schedule(carla, demo, people, attendees=[])
    assert nobody.status_code == 422
    assert "Spring sponsor review" in nobody.get_data(as_text=True)  # what was typed stays
    sam = as_user(app, "sam@supplier.example")
    assert schedule(sam, demo, people).status_code == 403  # members do not schedule
    assert schedule(carla, demo, people, time="10:00").status_code == 302
    meeting = the_meeting(app)
    # Typed in Carla's zone, kept in UTC.
    local = dt.datetime.combine(tomorrow(), dt.time(10), ZoneInfo("Europe/Berlin"))
    assert meeting.scheduled_at == local.astimezone(dt.timezone.utc).replace(tzinfo=None)
    with app.app_context():
        titles = [i.title for i in AgendaItem.select().where(AgendaItem.meeting == meeting.id)
                  .order_by(AgendaItem.position)]
        invited = {a.user_id for a in MeetingAttendee.select().where(MeetingAttendee.meeting == meeting.id)}
    assert titles == ["Latest results and flagged items", "Action plan: open and overdue actions",
                      "Expectations not yet acknowledged",
                      "Agreement changes since the version in force", "Contract dates"]
    assert invited == {people["peggy"].id, people["sofia"].id}
    shown = carla.get(f"{base(demo)}/{meeting.id}").get_data(as_text=True)
    assert "50 of 60 minutes planned" in shown
    assert "Draft" in shown and "Open for agenda points" in shown


def test_both_sides_prepare_then_the_review_is_minuted_and_closed(app, demo, people):
    carla, sam = as_user(app, "carla@client.example"), as_user(app, "sam@supplier.example")
    schedule(carla, demo, people)
    meeting = the_meeting(app)
    url = f"{base(demo)}/{meeting.id}"
    point = {"title": "Staffing for the autumn cohort", "notes": "@Peggy please bring numbers",
             "presenter": str(people["jim"].id), "minutes_planned": "20"}
    assert post(sam, f"{url}/agenda", point, page=url).status_code == 409  # still a draft
    assert advance(carla, demo, meeting, "open").status_code == 302
    with app.app_context():
        told = [n.text for n in Notification.select().where(Notification.user == people["sofia"].id)]
    assert "You are invited to the sponsor review “Spring sponsor review”: add your points to the agenda." in told
    assert post(sam, f"{url}/agenda", point, page=url).status_code == 302
    budget = {"title": "Budget for 2028", "notes": "", "presenter": "0", "minutes_planned": "5"}
    assert post(carla, f"{url}/agenda", budget, page=url).status_code == 302
    too_long = post(sam, f"{url}/agenda", dict(point, minutes_planned="500"), page=url)
    assert too_long.status_code == 422
    assert "A point takes between 1 and 240 minutes." in too_long.get_data(as_text=True)
    page = carla.get(url).get_data(as_text=True)
    assert "75 of 60 minutes planned: 15 minutes too many" in page
    assert "Staffing for the autumn cohort" in page and "Jim Halpert" in page
    with app.app_context():
        assert Notification.select().where(Notification.user == people["peggy"].id,
                                           Notification.text.contains("agenda point")).count() == 1
        staffing = AgendaItem.get(AgendaItem.title == "Staffing for the autumn cohort")
        contract = AgendaItem.get(AgendaItem.title == "Contract dates")

    # Outcomes wait for the meeting to start.
    decision = {"kind": "decision", "text": "Keep the cohort at 24 people",
                "agenda_item": str(staffing.id), "client_owner": "0", "supplier_owner": "0"}
    assert post(carla, f"{url}/outcomes", decision, page=url).status_code == 409
    assert advance(carla, demo, meeting, "in_progress").status_code == 302
    assert post(sam, f"{url}/outcomes", decision, page=url).status_code == 403
    assert post(carla, f"{url}/outcomes", decision, page=url).status_code == 302
    due = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    action = dict(decision, kind="action", text="Send the autumn staffing plan",
                  client_owner=str(people["carla"].id), supplier_owner=str(people["jim"].id),
                  due_on=due)
    assert post(carla, f"{url}/outcomes", action, page=url).status_code == 302
    empty = post(carla, f"{url}/outcomes", dict(decision, text=""), page=url)
    assert empty.status_code == 422 and "Write the outcome down." in empty.get_data(as_text=True)
    with app.app_context():
        planned = ActionItem.get(ActionItem.text == "Send the autumn staffing plan")
        assert (planned.client_owner_id, planned.supplier_owner_id, planned.due_on.isoformat()) == (
            people["carla"].id, people["jim"].id, due)
        assert Outcome.get(Outcome.kind == "action").action_id == planned.id
    assert "Send the autumn staffing plan" in carla.get(
        f"/partnerships/{demo.id}/actions").get_data(as_text=True)
    post(carla, f"{url}/agenda/{staffing.id}/done", page=url)
    post(carla, f"{url}/minutes", {"minutes": "Both sponsors agreed the **autumn** plan."}, page=url)
    post(carla, f"{url}/attendance", {"attended": [str(people["peggy"].id), str(people["sofia"].id),
                                                   str(people["jim"].id)]}, page=url)
    with app.app_context():
        came = {a.user_id: a.attended for a in MeetingAttendee.select().where(
            MeetingAttendee.meeting == meeting.id)}
    assert came == {people["peggy"].id: True, people["sofia"].id: True, people["jim"].id: True}

    assert advance(carla, demo, meeting, "closed").status_code == 302
    with app.app_context():
        assert AgendaItem.get_by_id(staffing.id).status == "done"
        budget_point = AgendaItem.get(AgendaItem.title == "Budget for 2028")
        assert budget_point.status == "carried"  # not dealt with: moves on
        assert AgendaItem.get_by_id(contract.id).status == "open"  # pre-filled: drawn afresh
    # Read-only now.
    closed = post(sam, f"{url}/agenda", point, page=url)
    assert closed.status_code == 409 and "This review is closed" in closed.get_data(as_text=True)
    assert post(carla, f"{url}/minutes", {"minutes": "Changed"}, page=url).status_code == 409
    assert advance(carla, demo, meeting, "open").status_code == 409
    record = carla.get(f"{url}/print").get_data(as_text=True)
    assert "Decision:</strong> Keep the cohort at 24 people" in record
    assert "Both sponsors agreed the <strong>autumn</strong> plan." in record
    assert "Jim Halpert (Supplier Co): attended" in record
    assert "Budget for 2028 (moved to the next review)" in record

    # The next sponsor review starts with the unfinished points, and their history.
    schedule(carla, demo, people, title="Autumn sponsor review",
             day=(dt.date.today() + dt.timedelta(days=180)).isoformat())
    autumn = the_meeting(app, "Autumn sponsor review")
    with app.app_context():
        carried = AgendaItem.get(AgendaItem.meeting == autumn.id, AgendaItem.source == "carried")
    assert carried.title == "Budget for 2028" and carried.carried_from_id == budget_point.id
    page = carla.get(f"{base(demo)}/{autumn.id}").get_data(as_text=True)
    history = page[page.index('data-testid="point-history"'):]
    assert "Raised at" in history and "Spring sponsor review" in history
    assert "Staffing for the autumn cohort" not in page  # done: not carried


def test_a_review_of_another_partnership_is_not_found(app, demo, people):
    from portal.accounts.models import Organization
    from portal.partnerships.models import Partnership

    carla = as_user(app, "carla@client.example")
    schedule(carla, demo, people)
    meeting = the_meeting(app)
    with app.app_context():
        elsewhere = Organization.create(name="Elsewhere", kind="supplier")
        other = Partnership.create(name="Other", client=demo.client_id, supplier=elsewhere.id)
        PartnershipMember.create(partnership=other.id, user=people["carla"].id, role="editor")
    assert carla.get(f"/partnerships/{other.id}/governance/{meeting.id}").status_code == 404
    assert advance(carla, other, meeting, "open").status_code == 404
    assert as_user(app, "admin@portal.example").get(f"{base(demo)}/{meeting.id}").status_code == 404


def test_reviews_are_on_the_calendar_the_overview_and_reminded_the_day_before(app, demo, people):
    from portal import reminders

    carla = as_user(app, "carla@client.example")
    overview = carla.get(f"/partnerships/{demo.id}/").get_data(as_text=True)
    assert "No review is scheduled." in overview and "Sponsors meet at least twice a year" in overview
    schedule(carla, demo, people)
    meeting = the_meeting(app)
    calendar = carla.get(f"/partnerships/{demo.id}/calendar").get_data(as_text=True)
    assert "Spring sponsor review (sponsor review)" in calendar
    assert "Next: <a" in carla.get(f"/partnerships/{demo.id}/").get_data(as_text=True)
    advance(carla, demo, meeting, "open")
    with app.app_context():
        reminders.run(meeting.scheduled_at - dt.timedelta(hours=20))
        reminders.run(meeting.scheduled_at - dt.timedelta(hours=19))  # once only
        soon = [n.text for n in Notification.select().where(
            Notification.user == people["sofia"].id, Notification.text.contains("starts"))]
    assert len(soon) == 1 and re.match(r"“Spring sponsor review” starts \w+ \d\d \w+ at 10:00 \(UTC\)\.", soon[0])


def test_the_agenda_reports_kirkpatrick_results_and_refresh_adds_them_when_they_come(app, demo, people):
    """The Kirkpatrick plugin puts its programs' results on the agenda through
    portal_review_agenda_points; a program measured only after scheduling joins on refresh."""
    carla = as_user(app, "carla@client.example")
    assert schedule(carla, demo, people).status_code == 302
    meeting = the_meeting(app)
    with app.app_context():
        titles = [i.title for i in AgendaItem.select().where(AgendaItem.meeting == meeting.id)]
    assert "Kirkpatrick results" not in titles  # no program has a metric yet
    kp = app.extensions["portal_plugins"].plugins["kirkpatrick"].module
    with app.app_context():
        program = kp.models.Program.create(
            partnership_id=demo.id, name="First-line managers", starts_on=dt.date(2026, 1, 5),
            ends_on=dt.date(2026, 3, 30), cost=1000)
        score = kp.models.Metric.create(program=program, level=2, name="Coaching quiz", unit="points",
                                        baseline=40, target=80)
        kp.models.Metric.create(program=program, level=4, name="Attrition", unit="%", baseline=12, target=8)
        kp.models.Measurement.create(metric=score, measured_on=dt.date(2026, 2, 1), value=50)
        kp.models.Measurement.create(metric=score, measured_on=dt.date(2026, 4, 1), value=70)
    url = f"{base(demo)}/{meeting.id}"
    assert post(carla, f"{url}/refresh", {}, page=url).status_code == 302
    with app.app_context():
        point = AgendaItem.get(AgendaItem.meeting == meeting.id, AgendaItem.title == "Kirkpatrick results")
    assert point.source == "prefill" and point.minutes_planned == 10
    assert "**First-line managers**" in point.notes
    assert "Coaching quiz, level 2 (learning): 70 points (baseline 40, target 80, 75 % of the way" in point.notes
    assert "Attrition, level 4 (results): not measured yet (target 8 %)" in point.notes
    page = carla.get(url).get_data(as_text=True)
    assert "Kirkpatrick results" in page and "Coaching quiz" in page
    # Another partnership's programs never reach this agenda.
    with app.app_context():
        assert kp.results.agenda_notes(demo.id + 999) is None

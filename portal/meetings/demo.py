"""The demo's governance: a sponsor review held four months ago, with its agenda, minutes,
outcomes and attendance, and the next one open for agenda points, which starts with the
point the last one left unfinished."""
import datetime as dt

from portal.accounts.models import User, utcnow
from portal.db import database
from portal.instruments.models import ActionItem
from portal.markup import render_markdown
from portal.meetings import agenda
from portal.meetings.models import AgendaItem, Meeting, MeetingAttendee, Outcome

MINUTES = ("Peggy and Sofia reviewed the pilot. Both sides find the fortnightly working "
           "sessions useful; the supplier asked for **earlier sight of the client's "
           "restructuring plans**, which affect who attends.\n\n"
           "- The pilot continues to the end of the cohort.\n"
           "- Staffing changes are shared a month ahead (see the expectations).\n")


def load_demo_governance(partnership):
    """Skipped when the partnership has a review already."""
    if Meeting.select().where(Meeting.partnership == partnership).exists():
        return
    people = {u.email: u for u in User.select()}
    peggy, sofia, jim, carla = (people["peggy@client.example"], people["sofia@supplier.example"],
                                people["jim@supplier.example"], people["carla@client.example"])
    now = utcnow().replace(minute=0, second=0, microsecond=0)
    with database.atomic():
        held = Meeting.create(partnership=partnership, kind="sponsor", title="Pilot sponsor review",
                              scheduled_at=now.replace(hour=9) - dt.timedelta(days=120),
                              minutes_planned=60, location="Northwind offices, room 4",
                              status="closed", minutes=MINUTES, minutes_html=render_markdown(MINUTES),
                              created_by=peggy.id, closed_at=now - dt.timedelta(days=120))
        for user, came in ((peggy, True), (sofia, True), (jim, True), (carla, False)):
            MeetingAttendee.create(meeting=held, user=user.id, attended=came)
        # Its points are written out: pre-filling them from today's data would put figures
        # from after the meeting into its record.
        AgendaItem.create(meeting=held, position=1, title="How the pilot is going",
                          notes="First four sessions held; feedback forms returned by 18 of 24.",
                          notes_html=render_markdown("First four sessions held; feedback forms "
                                                     "returned by 18 of 24."),
                          presenter=sofia.id, minutes_planned=20, added_by=sofia.id, status="done")
        staffing = AgendaItem.create(meeting=held, position=10, title="Who attends the pilot sessions",
                                     notes="Attendance dropped in week 3.",
                                     notes_html=render_markdown("Attendance dropped in week 3."),
                                     presenter=jim.id, minutes_planned=10, added_by=jim.id,
                                     status="done")
        budget = AgendaItem.create(meeting=held, position=11, title="Budget for the second cohort",
                                   minutes_planned=10, added_by=peggy.id, status="carried")
        Outcome.create(meeting=held, agenda_item=staffing, kind="decision", created_by=peggy.id,
                       text="Staffing changes on either side are shared a month ahead.")
        action = ActionItem.create(partnership=partnership, text="Share the restructuring timeline "
                                   "with the supplier", client_owner=peggy.id,
                                   due_on=(now - dt.timedelta(days=90)).date(), status="done",
                                   created_by=peggy.id)
        Outcome.create(meeting=held, agenda_item=staffing, kind="action", action=action,
                       text=action.text, created_by=peggy.id)
        Outcome.create(meeting=held, agenda_item=budget, kind="information", created_by=sofia.id,
                       text="The supplier will price the second cohort once dates are known.")
        upcoming = Meeting.create(partnership=partnership, kind="sponsor", title="Autumn sponsor review",
                                  scheduled_at=now.replace(hour=9) + dt.timedelta(days=45),
                                  minutes_planned=60, location="Video call", status="open",
                                  created_by=peggy.id)
        for user in (peggy, sofia, jim, carla):
            MeetingAttendee.create(meeting=upcoming, user=user.id)
        agenda.build(upcoming, partnership, peggy)

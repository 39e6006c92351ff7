"""The demo's Health tab: benefits both parties expect, with values over the past months
(one of them not updated in time), ratings from both sides that differ, and the score
of the past eleven months with one month left without data, so the trend shows a gap.
This month's score is worked out when the page is first opened."""
import datetime as dt
import json

from portal.accounts.models import User, utcnow
from portal.db import database
from portal.scorecard.bands import band_of
from portal.scorecard.models import Benefit, BenefitValue, HealthScore, Rating
from portal.scorecard.store import months_back

#: side, kind, name, unit, target, direction, owner, cadence in days, values oldest first
#: (one a month up to last month; the last of a stale benefit is older than its cadence).
BENEFITS = (
    ("client", "economic", "Time to competence of new managers", "days", 90.0, "lower",
     "carla@client.example", 45, (142, 138, 131, 126, 120, 117, 111, 106, 101)),
    ("client", "relational", "Managers who would recommend the program", "%", 80.0, "higher",
     "peggy@client.example", 45, (58, 61, 64, 66, 70, 72, 74, 75)),
    ("supplier", "economic", "Revenue from the partnership", "k EUR", 240.0, "higher",
     "sofia@supplier.example", 100, (40, 75, 110, 150, 185, 205)),
    ("supplier", "relational", "Client feedback shared within a week", "%", 90.0, "higher",
     "jim@supplier.example", 30, (50, 55, 62, 60, 68, 71, 73)),
)
#: (email, the partnership, the other party, comment): the client sees it warmer.
RATINGS = (("peggy@client.example", 4, 4, "The pilot cohort is going well."),
           ("carla@client.example", 4, 3, ""),
           ("jim@supplier.example", 3, 2, "We learn about changes late."),
           ("sofia@supplier.example", 3, 3, ""),
           ("sam@supplier.example", 2, 3, ""))
#: The score of each of the last eleven months, oldest first; None: a month without data.
SCORES = (48, 51, 55, None, 57, 60, 58, 62, 64, 63, 67)


def _month_day(months_ago, today):
    """The 15th of the month `months_ago` months before this one (never in the future)."""
    period = months_back(today.replace(day=1), months_ago + 1)[0]
    return min(today, period.replace(day=15))


def load_demo_health(partnership):
    """Skipped when the partnership has benefits already."""
    if Benefit.select().where(Benefit.partnership == partnership).exists():
        return
    people = {u.email: u for u in User.select()}
    today = dt.date.today()
    now = utcnow()
    with database.atomic():
        for side, kind, name, unit, target, direction, owner, cadence, values in BENEFITS:
            benefit = Benefit.create(partnership=partnership, side=side, kind=kind, name=name, unit=unit,
                                     target=target, direction=direction, owner=people[owner],
                                     cadence_days=cadence, created_by=people[owner],
                                     created_at=now - dt.timedelta(days=31 * len(values)))
            # The feedback benefit's last value is two months old: stale at 30 days.
            last = 2 if cadence == 30 else 1
            for n, value in enumerate(values):
                measured = _month_day(last + len(values) - 1 - n, today)
                BenefitValue.create(benefit=benefit, measured_on=measured, value=value,
                                    recorded_by=people[owner],
                                    recorded_at=dt.datetime.combine(measured, dt.time(9)))
        for n, (email, whole, other, comment) in enumerate(RATINGS):
            user = people[email]
            side = partnership.side_of(user.organization_id)
            at = now - dt.timedelta(days=10 - n)
            for subject, score in (("partnership", whole), ("partner", other)):
                Rating.create(partnership=partnership, user=user, side=side, subject=subject,
                              score=score, comment=comment, rated_at=at)
        periods = months_back(today.replace(day=1), len(SCORES) + 1)[:-1]
        for period, score in zip(periods, SCORES):
            if score is None:
                continue  # nothing was measured that month: a gap in the trend
            HealthScore.insert(partnership=partnership, period=period, score=float(score),
                               band=band_of(score)[0], measures=json.dumps([]),
                               computed_at=dt.datetime.combine(period, dt.time(23))
                               ).on_conflict_ignore().execute()

"""Small records that plugins return from per-request hooks."""
import datetime as dt
import hashlib
from dataclasses import dataclass

from flask import url_for


@dataclass(frozen=True)
class NavItem:
    """One link in the navigation.

    `area` is "main" for the top bar or "partnership" for the tabs of a partnership
    page; lower `weight` comes first.
    """

    label: str
    url: str
    weight: int = 100
    area: str = "main"
    endpoint: str | None = None  # marks the item current when this endpoint is shown

    @classmethod
    def tab(cls, label, endpoint, partnership, weight=100):
        """A tab of a partnership page, linking to `endpoint` of that partnership."""
        return cls(label, url_for(endpoint, partnership_id=partnership.id), weight=weight,
                   area="partnership", endpoint=endpoint)


@dataclass(frozen=True)
class DashboardCard:
    """A card on a partnership's overview page.

    `body` is HTML (render it with flask.render_template, which escapes what it should);
    `tone` is neutral, good, warning or bad; lower `weight` comes first.
    """

    title: str
    body: str
    weight: int = 100
    tone: str = "neutral"


@dataclass(frozen=True)
class CalendarEvent:
    """Something due in a partnership on a day: the partnership's calendar lists it, and
    each member's calendar feed carries it as an all-day event linking back to `url`.

    `kind` groups events ("survey", "contract", "follow-up"…); `uid` names the event
    across feeds, so a calendar app updates it instead of adding a copy: leave it empty
    to have one made from kind, url and day.
    """

    day: dt.date
    title: str
    url: str
    kind: str = "other"
    note: str = ""
    uid: str = ""

    @property
    def key(self):
        if self.uid:
            return self.uid
        made = hashlib.sha256(f"{self.kind}|{self.url}|{self.day}".encode()).hexdigest()[:24]
        return f"{self.kind}-{made}"


@dataclass(frozen=True)
class AgendaPoint:
    """A point a plugin puts on every new review's agenda, after the portal's own.

    `notes` is Markdown written as the partnership stands when the review is prepared:
    the record of the review keeps it, so write figures out rather than linking to a
    page that will show later ones. `minutes` is the time the point is given.
    """

    title: str
    notes: str
    minutes: int = 10


#: The four I's of seed 001's annual audit, in the order the audit asks them.
FOUR_IS = ("Integrity", "Integration", "Insights", "Impact")


@dataclass(frozen=True)
class Evidence:
    """One line of evidence for the 4 I's audit: what the portal's data shows for one I.

    `i` is one of FOUR_IS; `text` one plain sentence with its figure written out ("9 of
    11 joint actions due in the last 12 months were closed on time"); `url` the page it
    comes from; `figure` the number it rests on, short ("9 of 11"); `start` and `end` the
    period it covers.
    """

    i: str
    text: str
    url: str
    figure: str = ""
    start: dt.date | None = None
    end: dt.date | None = None


@dataclass(frozen=True)
class PrefilledAnswer:
    """A value the answer form of a run starts with for one question (the person can
    change it): `question_id` names the question, `value` is what the form shows."""

    question_id: str
    value: str


@dataclass(frozen=True)
class HealthMeasure:
    """One measure of a partnership's health, which the Health tab weighs into its score.

    `value` is 0-100 (higher is healthier), or None when there is nothing to measure yet:
    a measure without a value is left out and the other weights are scaled up, never
    counted as 0. `weight` is the measure's share beside the portal's own (trust 25,
    relational survey 20, benefits 20, ratings 15, actions 10, enablement 5).
    `updated_on` is the day its figures are from, and a measure not updated within
    `cadence_days` is marked stale (None: never stale, the figures are always current).
    """

    key: str
    label: str
    value: float | None
    weight: float
    updated_on: dt.date | None = None
    cadence_days: int | None = None

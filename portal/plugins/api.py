"""Small records that plugins return from per-request hooks."""
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

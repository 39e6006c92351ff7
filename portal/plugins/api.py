"""Small records that plugins return from per-request hooks."""
from dataclasses import dataclass


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

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

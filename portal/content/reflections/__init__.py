"""Practice and reflection: after reading an item a member writes down what they will try,
and later what happened when they tried it.

Seed 004: practice and reflection are how new behaviour sticks, and fear of failure is
what stops people trying. So a reflection is private to its author — nobody else, not
even an editor or a sponsor, can open it (404, as for anything not shared with you) —
until the author shares it with one of their cohorts that works through the item; then
the members of that cohort, and only they, read it beside the item's discussion.

The package, by layer: `models` (the table), `sharing` (who reads which), `forms`,
`views` (the pages and their blueprint). Reflections refer to cohorts' tables
(`portal.content.cohorts.models`), and the cohort discussion shows `sharing.shared_on`;
neither side imports the other's pages. This module names what the rest of the portal
uses (the library's item page, the schema, the demo) and imports no page.
"""
from portal.content.reflections.models import TABLES, Reflection
from portal.content.reflections.sharing import for_item, shared_on

__all__ = ["Reflection", "TABLES", "for_item", "shared_on"]

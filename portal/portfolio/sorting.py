"""Sorting the portfolio by any column, with the order kept in the URL
(`?sort=contract&dir=desc`), so a sorted view is a link that can be shared and the back
button returns to it. Plain links: no script needed."""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from portal.vocabulary import LIFECYCLE_STAGES

STAGE_ORDER = {key: n for n, (key, _) in enumerate(LIFECYCLE_STAGES)}

#: column key -> (heading, the value it sorts by; None sorts last either way)
COLUMNS = {
    "name": (_l("Partnership"), lambda row: row.partnership.name.casefold()),
    "partner": (_l("Partner"), lambda row: row.partner.name.casefold()),
    "stage": (_l("Stage"), lambda row: STAGE_ORDER.get(row.partnership.stage, len(STAGE_ORDER))),
    "health": (_l("Health"), lambda row: row.health.score if row.health is not None else None),
    "contract": (_l("Contract end"), lambda row: row.partnership.contract_end),
    "review": (_l("Last review"), lambda row: row.last_review),
    "audit": (_l("Last audit"), lambda row: row.last_audit),
    "flags": (_l("Needs attention"), lambda row: len(row.flags)),
}
DEFAULT = "name"


@dataclass(frozen=True)
class Sort:
    column: str = DEFAULT
    descending: bool = False

    @classmethod
    def from_args(cls, args, columns=COLUMNS):
        """The order asked for in the query; anything unknown is the default order."""
        column = args.get("sort", DEFAULT)
        if column not in columns:
            column = DEFAULT
        return cls(column, args.get("dir") == "desc")

    def link_args(self, column):
        """Query arguments of a heading's link: a second click reverses the order."""
        descending = not self.descending if column == self.column else False
        return {"sort": column, "dir": "desc" if descending else "asc"}

    def aria(self, column):
        if column != self.column:
            return None
        return "descending" if self.descending else "ascending"

    def apply(self, rows):
        """The rows in this order; those without a value (no contract end, never
        audited) last in both directions, by name; ties by name."""
        key = COLUMNS[self.column][1]
        by_name = sorted(rows, key=COLUMNS[DEFAULT][1])
        known = [row for row in by_name if key(row) is not None]
        unknown = [row for row in by_name if key(row) is None]
        return sorted(known, key=key, reverse=self.descending) + unknown

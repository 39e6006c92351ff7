"""The library's list, ranked, filtered and counted by the database (issue 12): a page of
40 items costs the same with 2,000 items in the library as with 30.

The order, in SQL: pinned +100, tailored for the
partnership +50, written for the reader's side +8 (for both sides +3, for the other
side −10), for the partnership's stage +6, for the reader's role +2; then by title.
Lists (stages, roles, principles, tags, partnerships) are stored as JSON text, so "the
list holds this value" is a search for the value, JSON-encoded, in that text. Facets
count every visible item's values with the database's JSON functions.
"""
import json

from peewee import SQL, Case, NodeList, fn

from portal.content import library
from portal.content.models import ContentItem, Pin
from portal.db import database, is_sqlite
from portal.partnerships.models import Partnership
from portal.prepared import Prepared

FACET_FIELDS = {"stage": "stages", "principle": "principles", "tag": "tags"}


def _holds(field, needle):
    """The JSON list in `field` holds the value `needle` encodes (`_json`)."""
    found = fn.INSTR(field, needle) if is_sqlite() else fn.STRPOS(field, needle)
    return found > 0


def _json(value):
    """A list element as JSONField stores it, to look for in the stored text."""
    return json.dumps(value)


def _chosen(query, facets, values):
    for facet, value in zip(facets, values):
        if facet == "audience":
            query = query.where(ContentItem.audience == value)
        else:
            query = query.where(_holds(getattr(ContentItem, FACET_FIELDS[facet]), value))
    return query


def _needles(chosen):
    """(facets chosen, their values as the query compares them)."""
    facets = tuple(facet for facet, value in chosen.items() if value)
    return facets, [chosen[f] if f == "audience" else _json(chosen[f]) for f in facets]


def _title():
    title = fn.LOWER(ContentItem.title)
    # PostgreSQL's default collation sorts by language rules; Python and SQLite by code point.
    return title if is_sqlite() else NodeList((title, SQL('COLLATE "C"')))


def _ranked_query(facets, with_role, pid, by_id, by_name, stage, client_id, supplier_id, side,
                  limit, *rest):
    role, values = (rest[0], rest[1:]) if with_role else (None, rest)
    score = [
        Case(None, [(ContentItem.id.in_(Pin.select(Pin.item).where(Pin.partnership == pid)),
                     100)], 0),
        Case(None, [(_holds(ContentItem.partnerships, by_id)
                     | _holds(ContentItem.partnerships, by_name), 50)], 0),
        Case(None, [(ContentItem.audience == side, 8), (ContentItem.audience == "both", 3)], -10),
        Case(None, [(_holds(ContentItem.stages, stage), 6)], 0),
    ]
    if with_role:
        score.append(Case(None, [(_holds(ContentItem.roles, role), 2)], 0))
    visible = library.visible_items(Partnership(client=client_id, supplier=supplier_id),
                                    *library.LIST_FIELDS)
    return (_chosen(visible, facets, values)
            .order_by(sum(score[1:], score[0]).desc(), _title()).limit(limit))


def _count_query(facets, client_id, supplier_id, *values):
    visible = library.visible_items(Partnership(client=client_id, supplier=supplier_id),
                                    fn.COUNT(ContentItem.id))
    return _chosen(visible, facets, values)


_PREPARED = {}


def _prepared(build, *shape):
    """A Prepared query per shape (which facets are chosen, whether there is a role):
    the values change from request to request, the shape rarely."""
    key = (build, *shape)
    if key not in _PREPARED:
        _PREPARED[key] = Prepared(lambda *args: build(*shape, *args))
    return _PREPARED[key]


def ranked(partnership, side, role, chosen, limit):
    """The first `limit` items this member sees, best fit first, with the facets chosen."""
    facets, values = _needles(chosen)
    return _prepared(_ranked_query, facets, role is not None).list(
        partnership.id, _json(str(partnership.id)), _json(partnership.name.lower()),
        _json(partnership.stage), partnership.client_id, partnership.supplier_id, side or "",
        limit, *([_json(role)] if role is not None else []), *values)


def count(partnership, chosen):
    facets, values = _needles(chosen)
    return _prepared(_count_query, facets).scalar(partnership.client_id,
                                                  partnership.supplier_id, *values)


def facets(partnership):
    """{facet: [(value, how many items), ...]}, most frequent first, over every item the
    partnership may read (before any facet is chosen)."""
    marker = "?" if is_sqlite() else "%s"
    visible = (f"c.removed = {marker} AND (c.organization_id IS NULL "
               f"OR c.organization_id IN ({marker}, {marker}))")
    orgs = (partnership.client_id, partnership.supplier_id)
    parts = [f"SELECT 'audience', c.audience, COUNT(*) FROM content_item c WHERE {visible} "
             "GROUP BY c.audience"]
    params = [False, *orgs]
    for facet, field in FACET_FIELDS.items():
        elements = (f"json_each(c.{field}) j" if is_sqlite()
                    else f"json_array_elements_text(c.{field}::json) j(value)")
        parts.append(f"SELECT '{facet}', j.value, COUNT(*) FROM content_item c, {elements} "
                     f"WHERE {visible} GROUP BY j.value")
        params += [False, *orgs]
    counts = {facet: [] for facet in ("audience", *FACET_FIELDS)}
    for facet, value, how_many in database.execute_sql(" UNION ALL ".join(parts), params):
        counts[facet].append((value, how_many))
    return {facet: sorted(values, key=lambda kv: (-kv[1], kv[0])) for facet, values in counts.items()}

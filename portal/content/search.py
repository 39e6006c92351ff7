"""Full-text search of the library: SQLite FTS5 embedded, PostgreSQL full-text at scale.

Both rank by relevance (bm25 / ts_rank) and return a snippet with the matched words
marked. User input never reaches the query syntax: it is cut into words, each word is
quoted (and prefix-matched, so results come as you type).
"""
import re

from flask_babel import gettext
from markupsafe import Markup, escape

from portal.db import database, is_sqlite

MAX_WORDS = 12
MAX_QUERY = 500
WORD = re.compile(r"\w+", re.UNICODE)
MARK_OPEN, MARK_CLOSE = "\x02", "\x03"  # placeholders, turned into <mark> after escaping


def words_of(query):
    """(words, note): the words searched for, and a note when the query was trimmed."""
    text = (query or "")[:MAX_QUERY]
    found = WORD.findall(text.lower())
    note = ""
    if len(query or "") > MAX_QUERY or len(found) > MAX_WORDS:
        note = gettext("Only the first %(num)s words of your search were used.", num=MAX_WORDS)
    return found[:MAX_WORDS], note


def unindex(item):
    table = "content_fts" if is_sqlite() else "content_search"
    database.execute_sql(f"DELETE FROM {table} WHERE item_id = %s" if not is_sqlite()
                         else f"DELETE FROM {table} WHERE item_id = ?", (item.id,))


def index(item):
    unindex(item)
    tags = " ".join(item.tags)
    if is_sqlite():
        database.execute_sql(
            "INSERT INTO content_fts (title, summary, body, tags, item_id) VALUES (?, ?, ?, ?, ?)",
            (item.title, item.summary, item.body, tags, item.id))
    else:
        database.execute_sql(
            "INSERT INTO content_search (item_id, document, title, summary, body) VALUES "
            "(%s, setweight(to_tsvector('english', %s), 'A') || "
            "setweight(to_tsvector('english', %s || ' ' || %s), 'B') || "
            "setweight(to_tsvector('english', %s), 'C'), %s, %s, %s)",
            (item.id, item.title, item.summary, tags, item.body, item.title, item.summary, item.body))


def _marked(text):
    return Markup(escape(text).replace(MARK_OPEN, Markup("<mark>")).replace(MARK_CLOSE, Markup("</mark>")))


def _visible(placeholder, organizations):
    """SQL limiting results to live items of the shared library and these organizations."""
    orgs = list(organizations or [])
    marks = ", ".join([placeholder] * len(orgs)) or "NULL"
    return (f"item_id IN (SELECT id FROM content_item WHERE removed = {placeholder} AND "
            f"(organization_id IS NULL OR organization_id IN ({marks})))"), [False] + orgs


def search(query, limit=50, organizations=None):
    """[(item id, snippet Markup)], best first, of live items a partnership may read.

    `organizations` are the partnership's two organizations (their own items are
    included); snippets are built only for the rows returned.
    """
    words, _ = words_of(query)
    if not words:
        return []
    if is_sqlite():
        visible, params = _visible("?", organizations)
        match = " ".join(f'"{w}"*' for w in words)
        rows = database.execute_sql(
            "SELECT item_id, snippet(content_fts, 2, ?, ?, ' … ', 24), "
            "snippet(content_fts, 1, ?, ?, ' … ', 24) FROM content_fts WHERE content_fts MATCH ? "
            f"AND {visible} ORDER BY bm25(content_fts, 10.0, 4.0, 1.0, 4.0) LIMIT ?",
            (MARK_OPEN, MARK_CLOSE, MARK_OPEN, MARK_CLOSE, match, *params, limit)).fetchall()
    else:
        visible, params = _visible("%s", organizations)
        tsquery = " & ".join(f"{w}:*" for w in words)
        options = f"StartSel={MARK_OPEN}, StopSel={MARK_CLOSE}, MaxWords=30, MinWords=12"
        rows = database.execute_sql(
            "SELECT item_id, ts_headline('english', body, q, %s), ts_headline('english', summary, q, %s) "
            "FROM (SELECT item_id, body, summary, q, ts_rank(document, q) AS rank "
            "      FROM content_search, to_tsquery('english', %s) q "
            f"     WHERE document @@ q AND {visible} ORDER BY rank DESC LIMIT %s) best "
            "ORDER BY rank DESC",
            (options, options, tsquery, *params, limit)).fetchall()
    return [(row[0], _marked(row[1] if MARK_OPEN in row[1] else row[2] or row[1])) for row in rows]


def count(query, organizations=None):
    """How many live items a search matches (without building snippets)."""
    words, _ = words_of(query)
    if not words:
        return 0
    if is_sqlite():
        visible, params = _visible("?", organizations)
        match = " ".join(f'"{w}"*' for w in words)
        return database.execute_sql(
            f"SELECT count(*) FROM content_fts WHERE content_fts MATCH ? AND {visible}",
            (match, *params)).fetchone()[0]
    visible, params = _visible("%s", organizations)
    return database.execute_sql(
        "SELECT count(*) FROM content_search, to_tsquery('english', %s) q "
        f"WHERE document @@ q AND {visible}",
        (" & ".join(f"{w}:*" for w in words), *params)).fetchone()[0]

"""Attacks on anonymous answers by someone who can read the database, a backup, or the
results page twice (issue 11). Each test runs the attack and shows it learns nothing.

The attacker knows who answered (participation is public: it gives the response rate)
and in which order; what they must not learn is which response is whose. Responses are
released in batches of at least k in random order (portal/instruments/sealing.py): the
tests replace the random shuffle with a known permutation to show that what is on disk
follows the shuffle, never the order people answered in.
"""
import datetime as dt
import re
import sqlite3
import struct

import pytest
from conftest import PG_URL
from instrument_helpers import write_pulse

from portal.instruments import sealing
from portal.testing import _respondent, csrf_token, log_in

K = 3


@pytest.fixture
def portal_plugins(tmp_path):
    (tmp_path / "plugins").mkdir()
    write_pulse(tmp_path / "plugins", anonymous=True)
    return ["pulse"]


@pytest.fixture
def anonymous_run(portal_app, portal_partnership):
    """An open anonymous pulse run (threshold 3) in the test partnership; its id."""
    from portal.instruments import registry
    from portal.instruments.runs import open_run
    from portal.partnerships.models import Partnership

    with portal_app.app_context():
        run = open_run(Partnership.get_by_id(portal_partnership.id), registry.get("pulse"),
                       title="Pulse (anonymous)", opens_on=dt.date.today(), closes_on=None,
                       audience="both", anonymous=True, min_responses=K)
    return run.id


PEOPLE = [("sponsor", "client"), ("editor", "client"), ("member", "client"),
          ("sponsor", "supplier"), ("editor", "supplier"), ("member", "supplier")]


def page_of(partnership, run_id, what="respond"):
    return f"/partnerships/{partnership.id}/runs/{run_id}/{what}"


def answer(app, partnership, run_id, person, trust, comment, draft=None):
    """One person ((role, side), or the nth extra member of a side as (n, side)) answers
    through the form, after saving `draft` as a draft if given."""
    role, side = person
    email = (partnership.emails[person] if isinstance(role, str)
             else _respondent(app, partnership, side, role))
    client = log_in(app.test_client(), email)
    page = page_of(partnership, run_id)
    if draft is not None:
        saved = client.post(page, data={"csrf_token": csrf_token(client, page), "action": "save",
                                        "q-trust": "1", "q-comment": draft})
        assert saved.status_code == 302
    sent = client.post(page, data={"csrf_token": csrf_token(client, page), "action": "submit",
                                   "q-trust": str(trust), "q-pace": "3", "q-meets": "1",
                                   "q-comment": comment})
    assert sent.status_code == 302, sent.get_data(as_text=True)[:500]
    return client


@pytest.fixture
def known_shuffle(monkeypatch):
    """Batches come out reversed — a permutation the tests can see, unlike the real one —
    and response ids grow in the order the batch is written (they are random in truth), so
    whether the database keeps rows by insertion or by key, its order is the shuffle's."""
    counter = iter(range(10_000))
    monkeypatch.setattr(sealing, "_shuffle", lambda items: items.reverse())
    monkeypatch.setattr(sealing, "random_id", lambda: f"response-{next(counter):05d}")


def six_answers(portal_app, portal_partnership, anonymous_run):
    """Six people answer in turn, each with a comment that names them; returns the
    comments in the order they were given (two batches of three)."""
    for number, person in enumerate(PEOPLE, 1):
        answer(portal_app, portal_partnership, anonymous_run, person,
               trust=(number % 5) + 1, comment=f"comment of person {number}")
    return [f"comment of person {number}" for number in range(1, 7)]


def comments_in_order(app, order_by):
    """The comments of the released responses, in an order the database gives away."""
    from portal.db import database

    with app.app_context():
        rows = database.execute_sql(
            "SELECT a.value_text FROM response r JOIN answer a ON a.response_id = r.id "
            f"WHERE a.question_id = 'comment' ORDER BY {order_by}").fetchall()
    return [row[0] for row in rows]


def test_the_real_shuffle_is_the_systems_random_source():
    import secrets

    assert isinstance(sealing._shuffle.__self__, secrets.SystemRandom)


def test_nothing_is_written_for_results_until_k_people_answered(portal_app, portal_partnership,
                                                                anonymous_run):
    from portal.db import database

    answer(portal_app, portal_partnership, anonymous_run, PEOPLE[0], 4, "first")
    answer(portal_app, portal_partnership, anonymous_run, PEOPLE[1], 2, "second")
    with portal_app.app_context():
        assert database.execute_sql("SELECT COUNT(*) FROM response").fetchone()[0] == 0
        sealed = database.execute_sql("SELECT payload FROM sealed_response").fetchall()
        assert len(sealed) == 2 and not any("first" in row[0] or "second" in row[0] for row in sealed)
    answer(portal_app, portal_partnership, anonymous_run, PEOPLE[2], 5, "third")
    with portal_app.app_context():
        assert database.execute_sql("SELECT COUNT(*) FROM response").fetchone()[0] == 3
        assert database.execute_sql("SELECT COUNT(*) FROM sealed_response").fetchone()[0] == 0


@pytest.mark.skipif(not PG_URL, reason="xmin and ctid are PostgreSQL's")
def test_the_xmin_join_links_no_one(portal_app, portal_partnership, anonymous_run, known_shuffle):
    from portal.db import database

    six_answers(portal_app, portal_partnership, anonymous_run)
    with portal_app.app_context():
        linked = database.execute_sql(
            "SELECT p.user_id FROM participation p JOIN response r ON p.xmin = r.xmin").fetchall()
        assert linked == []
        # Each batch is one transaction: its k responses share one xmin, its answers too.
        per_batch = database.execute_sql(
            "SELECT batch, COUNT(*), COUNT(DISTINCT xmin::text) FROM response GROUP BY batch "
            "ORDER BY batch").fetchall()
        assert per_batch == [(1, 3, 1), (2, 3, 1)]
        answers_xmin = database.execute_sql(
            "SELECT COUNT(DISTINCT a.xmin::text) FROM answer a GROUP BY a.batch").fetchall()
        assert answers_xmin == [(1,), (1,)]


@pytest.mark.skipif(not PG_URL, reason="xmin and ctid are PostgreSQL's")
def test_ctid_order_follows_the_shuffle_not_the_order_people_answered(
        portal_app, portal_partnership, anonymous_run, known_shuffle):
    given = six_answers(portal_app, portal_partnership, anonymous_run)
    on_disk = comments_in_order(portal_app, "r.ctid")
    assert on_disk == given[2::-1] + given[5:2:-1]  # each batch reversed by the shuffle
    assert on_disk != given


# -- SQLite: the order of cells inside a page --------------------------------------------

def _varint(data, at):
    value = 0
    for offset in range(9):
        byte = data[at + offset]
        if offset == 8:
            return (value << 8) | byte, at + 9
        value = (value << 7) | (byte & 0x7F)
        if byte < 0x80:
            return value, at + offset + 1
    raise AssertionError("bad varint")


INT_SIZES = {1: 1, 2: 2, 3: 3, 4: 4, 5: 6, 6: 8}


def _first_column(page, cell):
    """The first column of an index-leaf cell's record (a WITHOUT ROWID table's key)."""
    _, record = _varint(page, cell)  # the payload's size; the record starts after it
    header_size, types = _varint(page, record)
    serial, _ = _varint(page, types)
    body = record + header_size
    if serial in INT_SIZES:
        return int.from_bytes(page[body:body + INT_SIZES[serial]], "big", signed=True)
    if serial in (8, 9):
        return serial - 8
    assert serial >= 13 and serial % 2, f"not text: serial type {serial}"
    return page[body:body + (serial - 13) // 2].decode()


def insertion_order(path, table):
    """The first key column of every row of a WITHOUT ROWID table, in the order the rows
    were written: cell contents are filled from the end of a page toward its start, so
    the highest offset was written first."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    (root,) = connection.execute("SELECT rootpage FROM sqlite_master WHERE name = ?",
                                 (table,)).fetchone()
    page_size = connection.execute("PRAGMA page_size").fetchone()[0]
    connection.close()
    with open(path, "rb") as fh:
        fh.seek((root - 1) * page_size)
        page = fh.read(page_size)
    header = 100 if root == 1 else 0
    kind, cells = page[header], struct.unpack(">H", page[header + 3:header + 5])[0]
    assert kind == 0x0A, "the table fits one index-leaf page in this test"
    pointers = [struct.unpack(">H", page[header + 8 + 2 * i:header + 10 + 2 * i])[0]
                for i in range(cells)]
    return [_first_column(page, cell) for cell in sorted(pointers, reverse=True)]


@pytest.mark.skipif(bool(PG_URL), reason="page layout of the SQLite file")
def test_page_cell_order_on_the_file_and_on_a_backup_follows_the_shuffle(
        portal_app, portal_partnership, anonymous_run, known_shuffle, tmp_path):
    from portal.db import database

    given = six_answers(portal_app, portal_partnership, anonymous_run)
    with portal_app.app_context():
        database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        comment_of = dict(database.execute_sql(
            "SELECT response_id, value_text FROM answer WHERE question_id = 'comment'").fetchall())
        path = database.obj.database
    backup = tmp_path / "backup.sqlite"
    source, target = sqlite3.connect(path), sqlite3.connect(backup)
    source.backup(target)
    source.close()
    target.close()
    for copy in (path, backup):
        written = [comment_of[response_id] for response_id in insertion_order(copy, "response")]
        assert written == given[2::-1] + given[5:2:-1], copy
        assert len(insertion_order(copy, "participation")) == 6  # who answered: public


def test_a_draft_leaves_nothing_readable_once_submitted(portal_app, portal_partnership,
                                                        anonymous_run):
    from portal.db import database, is_sqlite
    from portal.instruments.models import Draft

    marker = "my-draft-says-the-supplier-is-late"
    client = log_in(portal_app.test_client(), portal_partnership.emails[PEOPLE[0]])
    page = page_of(portal_partnership, anonymous_run)
    client.post(page, data={"csrf_token": csrf_token(client, page), "action": "save",
                            "q-trust": "2", "q-comment": marker})
    with portal_app.app_context():
        (stored,) = [d.data for d in Draft.select()]
    assert marker not in stored  # sealed with a key only this session holds
    assert marker in client.get(page).get_data(as_text=True)  # the session reads it back
    other_browser = log_in(portal_app.test_client(), portal_partnership.emails[PEOPLE[0]])
    elsewhere = other_browser.get(page).get_data(as_text=True)
    assert marker not in elsewhere and 'data-testid="draft-lost"' in elsewhere
    client.post(page, data={"csrf_token": csrf_token(client, page), "action": "submit",
                            "q-trust": "4", "q-pace": "3", "q-meets": "1", "q-comment": "final"})
    with portal_app.app_context():
        assert Draft.select().count() == 0
        if is_sqlite():
            database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            path = database.obj.database
    if is_sqlite():
        for name in (path, f"{path}-wal"):
            try:
                raw = open(name, "rb").read()
            except FileNotFoundError:
                continue
            assert marker.encode() not in raw, name


def test_sqlite_overwrites_what_it_deletes(portal_app):
    from portal.db import database, is_sqlite

    if not is_sqlite():
        pytest.skip("SQLite's secure_delete")
    with portal_app.app_context():
        assert database.execute_sql("PRAGMA secure_delete").fetchone()[0] == 1


def visible(client, partnership, run_id):
    """What a member sees: how many responses the results count, and the free texts."""
    html = client.get(page_of(partnership, run_id, "")).get_data(as_text=True)
    counted = re.search(r"These results count (\d+) of", html)
    if "Results hidden to protect anonymity" in html:
        return 0, []
    texts = sorted(re.findall(r"comment number \d+", html))
    return (int(counted.group(1)) if counted else len(texts)), texts


def test_reading_the_results_before_and_after_each_answer_isolates_no_one(
        portal_app, portal_partnership):
    """Differencing: a member reads the results after every single response; every change
    they can observe adds at least k responses, until the run closes."""
    from portal.instruments import registry
    from portal.instruments.runs import open_run
    from portal.partnerships.models import Partnership

    with portal_app.app_context():
        run = open_run(Partnership.get_by_id(portal_partnership.id), registry.get("pulse"),
                       title="Pulse", opens_on=dt.date.today(), closes_on=None, audience="both",
                       anonymous=True, min_responses=K)
    reader = log_in(portal_app.test_client(), portal_partnership.emails["viewer", "client"])
    seen = [visible(reader, portal_partnership, run.id)]
    for number, person in enumerate(PEOPLE + [(3, "client")], 1):
        answer(portal_app, portal_partnership, run.id, person, trust=3,
               comment=f"comment number {number}")
        seen.append(visible(reader, portal_partnership, run.id))
    editor = log_in(portal_app.test_client(), portal_partnership.emails["editor", "client"])
    page = page_of(portal_partnership, run.id, "")
    editor.post(f"{page}close", data={"csrf_token": csrf_token(editor, page)})
    seen.append(visible(reader, portal_partnership, run.id))
    counts = [count for count, _ in seen]
    steps = [after - before for before, after in zip(counts, counts[1:]) if after != before]
    assert steps and all(step >= K for step in steps), counts
    for (_, before), (_, after) in zip(seen, seen[1:]):
        new = [text for text in after if text not in before]
        assert len(new) == 0 or len(new) >= K, (before, after)
    assert counts[-1] == len(PEOPLE) + 1

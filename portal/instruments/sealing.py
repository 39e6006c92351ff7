"""Anonymous answers, sealed until they can be released k at a time (issue 11).

Writing a response in the transaction that records who answered would let anyone who
reads the database join the two: on PostgreSQL the rows share `xmin` and `ctid` grows
in submission order; on SQLite the offsets of cells inside a page give the insertion
order. So an anonymous submission records the participation and seals the answers
(encrypted with a key derived from the server's secret key, never stored in the
database), and `release` later writes the sealed responses of a run as one batch, in a
transaction of its own, in random order: every row of a batch shares one `xmin`, and
neither physical order nor any column tells which respondent of the batch gave which
response. A batch is released when the run's threshold (k ≥ 3) of sealed responses has
accumulated, and the rest when the run closes.

Drafts of anonymous answers name their author, so they are sealed too, with a key kept
only in the respondent's own session: once the response is submitted and the key
dropped, not even the server can read what a draft said.
"""
import base64
import json
import secrets

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app, session

import peewee

from portal.db import database, is_sqlite, write_transaction
from portal.instruments import tallies
from portal.instruments.models import Answer, Response, Run, SealedResponse, random_id

DRAFT_KEYS = "anonymous_draft_keys"  # session entry: {run id: Fernet key}
_shuffle = secrets.SystemRandom().shuffle  # replaced by tests to prove the order is this one


def _server_fernet():
    """Fernet keyed by HKDF of the secret key: readable by the portal's servers only."""
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
               info=b"partnership-portal sealed answers").derive(
        current_app.config["SECRET_KEY"].encode())
    return Fernet(base64.urlsafe_b64encode(key))


def _encode(answers):
    return json.dumps({qid: [num, text, date.isoformat() if date else None]
                       for qid, (num, text, date) in answers.items()}).encode()


def _decode(blob):
    import datetime as dt

    return {qid: (num, text, dt.date.fromisoformat(date) if date else None)
            for qid, (num, text, date) in json.loads(blob).items()}


def seal(run, side, answers):
    """Keep one anonymous response's answers, encrypted, until `release`."""
    SealedResponse.create(id=random_id(), run=run.id, side=side,
                          payload=_server_fernet().encrypt(_encode(answers)).decode())


def waiting(run):
    """How many sealed responses the run holds (not yet in any result)."""
    return SealedResponse.select().where(SealedResponse.run == run.id).count()


def release(run, force=False):
    """Write the run's sealed responses as one shuffled batch; return how many.

    Without `force` nothing is written until the run's threshold of responses waits,
    so every batch hides each of its respondents among at least k. Runs in its own
    transaction, never the one that recorded a participation.
    """
    with write_transaction():
        if not is_sqlite():
            Run.select(Run.id).where(Run.id == run.id).for_update().execute()
        sealed = list(SealedResponse.select().where(SealedResponse.run == run.id))
        if not sealed or (len(sealed) < run.min_responses and not force):
            return 0
        batch = (Response.select(peewee.fn.MAX(Response.batch))
                 .where(Response.run == run.id).scalar() or 0) + 1
        _shuffle(sealed)
        fernet = _server_fernet()
        responses, answers, opened = [], [], []
        for item in sealed:
            response_id = random_id()
            responses.append({"id": response_id, "run": run.id, "side": item.side,
                              "user": None, "submitted_at": None, "batch": batch})
            opened.append((item.side, _decode(fernet.decrypt(item.payload.encode()))))
            for qid, (num, text, date) in opened[-1][1].items():
                answers.append({"response": response_id, "run": run.id, "side": item.side,
                                "batch": batch, "question_id": qid, "value_num": num,
                                "value_text": text, "value_date": date})
        Response.insert_many(responses).execute()
        if answers:
            Answer.insert_many(answers).execute()
        SealedResponse.delete().where(
            SealedResponse.id.in_([item.id for item in sealed])).execute()
        tallies.add_batch(run, batch, opened)
    if is_sqlite():
        # secure_delete (db.SQLITE_PRAGMAS) zeroes the deleted rows in place; the
        # checkpoint also empties the WAL, so no older copy of a page stays on disk.
        database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return len(sealed)


# Drafts of anonymous answers, readable only with the respondent's session --------------

def _draft_fernet(run, create):
    keys = session.get(DRAFT_KEYS, {})
    key = keys.get(str(run.id))
    if key is None and create:
        key = Fernet.generate_key().decode()
        session[DRAFT_KEYS] = {**keys, str(run.id): key}
    return Fernet(key.encode()) if key else None


def seal_draft(run, raw):
    """The draft as stored: encrypted with a key this session alone holds."""
    return _draft_fernet(run, create=True).encrypt(json.dumps(raw).encode()).decode()


def open_draft(run, stored):
    """The draft as typed, or None when this session cannot read it (another browser,
    after logging out, or once the key was dropped at submission)."""
    fernet = _draft_fernet(run, create=False)
    if fernet is None:
        return None
    try:
        return json.loads(fernet.decrypt(stored.encode()))
    except (InvalidToken, ValueError):
        return None


def forget_draft_key(run):
    keys = dict(session.get(DRAFT_KEYS, {}))
    if keys.pop(str(run.id), None) is not None:
        session[DRAFT_KEYS] = keys

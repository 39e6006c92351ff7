"""SQLite's writers take turns on a file lock beside the database (db._writers_turn):
another writer is held at the lock, not left to sleep on a busy database file."""
import fcntl
import os

import pytest
from conftest import PG_URL

from portal.db import database, write_transaction

pytestmark = pytest.mark.skipif(bool(PG_URL), reason="SQLite's writers only")


def _free(path):
    """Whether another writer could take the turn now."""
    fd = os.open(path, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False
    finally:
        os.close(fd)


def test_a_write_transaction_holds_the_turn_until_it_ends(app):
    with app.app_context():
        lock = f"{database.obj.database}-writers"
        with write_transaction():
            assert not _free(lock)
            with write_transaction():  # a savepoint is already in its turn
                assert not _free(lock)
            assert not _free(lock)
        assert _free(lock)

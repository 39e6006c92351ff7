"""Errors raised inside plugins while the portal serves pages, kept for the site admin.

One row per plugin, hook and message, with when it was first and last seen and how
often: a broken dashboard card seen on every page view is one line on the plugins page,
not one per view, and it survives a restart. Writes are thinned per process (at most one
per error every FLUSH_SECONDS, carrying the count seen meanwhile), so a plugin failing
on every request does not add a database write to every request.
"""
import hashlib
import logging
import threading
import time

import peewee
from flask import current_app

from portal.accounts.models import utcnow
from portal.db import BaseModel

log = logging.getLogger(__name__)

FLUSH_SECONDS = 30
MESSAGE_LENGTH = 500


class PluginFault(BaseModel):
    key = peewee.CharField(max_length=40, unique=True)  # sha1 of plugin, hook and message
    plugin = peewee.CharField(max_length=120)
    hook = peewee.CharField(max_length=80)
    message = peewee.TextField()
    count = peewee.IntegerField(default=1)
    first_seen = peewee.DateTimeField(default=utcnow)
    last_seen = peewee.DateTimeField(default=utcnow)

    class Meta:
        table_name = "plugin_fault"


TABLES = [PluginFault]

class _Unwritten:
    """This application's counts not written yet; one per app, so tests never share one."""

    def __init__(self):
        self.lock = threading.Lock()
        self.counts = {}  # key -> (plugin, hook, message, count seen since the last write)
        self.written_at = {}  # key -> time.monotonic() of the last write


def _unwritten():
    return current_app.extensions.setdefault("portal_faults", _Unwritten())


def _key(plugin, hook, message):
    return hashlib.sha1(f"{plugin}\n{hook}\n{message}".encode()).hexdigest()


_recorded = 0


def recorded():
    """How many failures this process has seen: a page drawn while one happened is not
    kept (portal/page_cache.py), since the next drawing may go well."""
    return _recorded


def record(plugin, hook, message):
    """Count one failure of `plugin` in `hook`; write it now or with a later one."""
    global _recorded
    _recorded += 1
    message = message[:MESSAGE_LENGTH]
    key = _key(plugin, hook, message)
    now = time.monotonic()
    pending = _unwritten()
    with pending.lock:
        _, _, _, seen = pending.counts.get(key, (plugin, hook, message, 0))
        pending.counts[key] = (plugin, hook, message, seen + 1)
        if now - pending.written_at.get(key, -FLUSH_SECONDS) < FLUSH_SECONDS:
            return
        pending.written_at[key] = now
        _, _, _, count = pending.counts.pop(key)
    _write(key, plugin, hook, message, count)


def _write(key, plugin, hook, message, count):
    stamp = utcnow()
    try:
        (PluginFault.insert(key=key, plugin=plugin, hook=hook, message=message, count=count,
                            first_seen=stamp, last_seen=stamp)
         .on_conflict(conflict_target=[PluginFault.key],
                      update={PluginFault.count: PluginFault.count + count,
                              PluginFault.last_seen: stamp})
         .execute())
    except peewee.DatabaseError:
        # The page is being drawn without this plugin already; losing the count of a
        # failure is better than failing the page over it (the log still has it).
        log.exception("could not record the failure of plugin %s in %s", plugin, hook)


def flush():
    """Write every count not written yet (tests, and the plugins page before it reads)."""
    pending = _unwritten()
    with pending.lock:
        counts = dict(pending.counts)
        pending.counts.clear()
        for key in counts:
            pending.written_at[key] = time.monotonic()
    for key, (plugin, hook, message, count) in counts.items():
        _write(key, plugin, hook, message, count)


def recent(limit=100):
    """The recorded failures, the most recently seen first."""
    flush()
    return list(PluginFault.select().order_by(PluginFault.last_seen.desc()).limit(limit))

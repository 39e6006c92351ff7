"""The time as the cohorts see it, in one place so a test can move it.

Posting, changing a post and the edit window all read this clock; a test sets
`clock.now` (monkeypatch) and every part of the package follows, which it would not if
each module imported the function under its own name.
"""
import datetime as dt

from portal.accounts.models import utcnow


def now():
    """The current time (naive UTC, like every stored time); tests move this clock."""
    return utcnow()


def today():
    return dt.date.today()

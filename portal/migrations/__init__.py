"""Schema migrations that run on SQLite and PostgreSQL and record the schema version.

Each step is a numbered function; `upgrade` applies the steps above the recorded
version, each in its own transaction, and writes the new version. Steps after the first
use playhouse.migrate operations so they do not depend on today's model classes.
Plugin models (portal_models hook) are created after the core steps.
"""
import peewee
from flask import current_app, has_app_context

from portal.accounts.models import LoginAttempt, Organization, User, utcnow
from portal.audit import AuditEntry
from portal.db import BaseModel, database
from portal.partnerships.models import Partnership, PartnershipMember


class SchemaVersion(BaseModel):
    version = peewee.IntegerField(primary_key=True)
    description = peewee.CharField(max_length=200)
    applied_at = peewee.DateTimeField(default=utcnow)


def _initial_schema():
    database.create_tables(
        [Organization, User, LoginAttempt, Partnership, PartnershipMember, AuditEntry]
    )


def _instrument_schema():
    from portal.db import is_sqlite
    from portal.instruments.models import TABLES, UNORDERED

    for model in UNORDERED:  # SQLite only: no rowid, so no insertion order to read
        model._meta.without_rowid = is_sqlite()
    database.create_tables(TABLES)


def _content_schema():
    from portal.content import search
    from portal.content.models import TABLES

    database.create_tables(TABLES)
    search.create_index()


def _agreement_schema():
    from portal.agreements.models import TABLES
    from portal.notifications import Notification

    database.create_tables(TABLES + [Notification])


def _expectation_schema():
    from portal.expectations.models import TABLES

    database.create_tables(TABLES)


def _cohort_schema():
    from portal.content import cohorts, reflections

    database.create_tables(cohorts.TABLES + reflections.TABLES)


def _review_schema():
    from portal.content.reinforcement import TABLES

    database.create_tables(TABLES)


MIGRATIONS = [
    (1, "accounts, organizations, partnerships, members, audit log", _initial_schema),
    (2, "instrument runs, participation, drafts, responses, answers, action items",
     _instrument_schema),
    (3, "relational expectations and acknowledgements", _expectation_schema),
    (4, "agreement sections, revisions, drafts, presence, comments, versions, "
        "ratifications, notifications", _agreement_schema),
    (5, "enablement content, search index, pins, notes, views, completions, feedback",
     _content_schema),
    (6, "cohorts, cohort members and items, posts, reflections", _cohort_schema),
    (7, "review schedules and review log", _review_schema),
]


def current_version():
    if not database.table_exists(SchemaVersion._meta.table_name):
        return 0
    return SchemaVersion.select(peewee.fn.MAX(SchemaVersion.version)).scalar() or 0


def upgrade(plugin_models=None):
    """Bring the schema to the newest version; return the list of steps applied.

    Plugin models (the portal_models hook) default to those of the current app.
    """
    if plugin_models is None and has_app_context():
        plugin_models = current_app.extensions.get("portal_plugin_models", [])
    database.connect(reuse_if_open=True)
    database.create_tables([SchemaVersion], safe=True)
    applied = []
    done = {row.version for row in SchemaVersion.select(SchemaVersion.version)}
    for version, description, step in MIGRATIONS:
        if version in done:  # by set, not by "above the highest": no step is ever skipped
            continue
        with database.atomic():
            step()
            SchemaVersion.create(version=version, description=description)
        applied.append((version, description))
    if plugin_models:
        database.create_tables(list(plugin_models), safe=True)
    return applied


def latest_version():
    return MIGRATIONS[-1][0]

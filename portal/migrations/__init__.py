"""Schema history per component: the core and every plugin that stores data.

Each component keeps its steps in a folder of numbered files (`001_baseline.py`,
`002_…`) run by peewee-migrate, and its own history table (`migrate_history_core`,
`migrate_history_plugin_<name>`, as Indico keeps one alembic version per plugin). A
step spells out its own operations — frozen model classes, `migrator.add_fields(…)`,
raw SQL — and never imports today's models, so a database from any earlier release
upgrades to exactly the schema a fresh one gets (tests/test_migrations.py compares
them). `portal db upgrade` applies the pending steps, each in its own transaction;
the app refuses to serve while any is pending (`schema_behind`).
"""
import logging
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import peewee
from flask import current_app
from peewee_migrate import Migrator, Router
from peewee_migrate.models import MigrateHistory

from portal.db import database, is_sqlite, write_transaction

log = logging.getLogger(__name__)
# One line per created table is noise next to ours, which names each step applied.
logging.getLogger("peewee_migrate").setLevel(logging.WARNING)

CORE = "core"
CORE_STEPS = Path(__file__).resolve().parent / "core"
#: peewee-migrate's own pattern for step files.
STEP_FILE = re.compile(r"^\d{3}_[^.]+\.py$")
STEP_TEMPLATE = '''"""{title}.

Written by `portal db revision`: read it, and say why the step is needed, before
committing it. Steps never import the portal's models; they spell out their own.
"""
{imports}


def migrate(migrator, database, *, fake=False):{migrate}


def rollback(migrator, database, *, fake=False):{rollback}
'''
# Any constant will do: every `portal db upgrade` on PostgreSQL takes this advisory lock
# for each step, so upgrades started on two servers at once take turns.
UPGRADE_LOCK = 7_203_118


class SchemaError(Exception):
    """The database cannot be brought to this code's schema; the message says why."""


@dataclass(frozen=True)
class Component:
    """A part of the portal with its own schema history."""

    name: str
    folder: Path
    models: tuple = ()

    @property
    def history_table(self):
        if self.name == CORE:
            return "migrate_history_core"
        return "migrate_history_plugin_" + re.sub(r"\W", "_", self.name).lower()

    @cached_property
    def steps(self):
        """The step names in order; read once, since the code does not change while it runs."""
        if not self.folder.is_dir():
            return ()
        return tuple(sorted(p.stem for p in self.folder.iterdir() if STEP_FILE.match(p.name)))


@dataclass(frozen=True)
class ComponentStatus:
    name: str
    applied: tuple
    pending: tuple
    unknown: tuple  # recorded in the database, absent from this code (a newer release ran)


class PortalMigrator(Migrator):
    """peewee-migrate's migrator, naming tables' indexes as `portal.Model` does.

    Every portal model sets `legacy_table_names = False`, which also names its indexes
    after the table (`action_item_run_id`, not `actionitem_run_id`); a frozen model in a
    step gets the same without having to say so.
    """

    def create_model(self, model):
        model._meta.legacy_table_names = False
        return super().create_model(model)


class _Router(Router):
    """peewee-migrate's router with a history table of its own per component.

    The library points one shared `MigrateHistory` class at whichever table the last
    router named; with several components in one process that would mix histories.
    """

    def __init__(self, component, db=database):
        super().__init__(db, migrate_dir=component.folder, migrate_table=component.history_table,
                         logger=log, migrator_class=PortalMigrator)
        self.component = component

    @cached_property
    def model(self):
        meta = type("Meta", (), {"database": self.database, "table_name": self.migrate_table})
        history = type(f"History_{self.migrate_table}", (MigrateHistory,), {"Meta": meta})
        history.create_table(safe=True)
        return history

    @property
    def todo(self):
        return list(self.component.steps)

    def compile(self, name, migrate="", rollback="", num=None):
        """Write a step file that runs as written: the library's template leaves out the
        imports its own generated code needs (Decimal defaults, rounding modes)."""
        name = f"{len(self.todo) + 1:03}_{name}"
        code = migrate + rollback
        imports = ["import peewee as pw"]
        if "Decimal(" in code or "ROUND_" in code:
            imports.insert(0, "from decimal import ROUND_HALF_EVEN, Decimal\n")
        (self.migrate_dir / f"{name}.py").write_text(STEP_TEMPLATE.format(
            title=name.split("_", 1)[1].replace("_", " ").capitalize(),
            imports="\n".join(imports), migrate=migrate or "\n    pass",
            rollback=rollback or "\n    pass"))
        return name


def components(app=None):
    """The core, then each plugin with schema steps, as the app collected them."""
    return (app or current_app).extensions["portal_migrations"]


def _recorded(component):
    """Step names the database has recorded for a component (none when it has no table)."""
    if not database.table_exists(component.history_table):
        return []
    cursor = database.execute_sql(
        f'SELECT name FROM "{component.history_table}" ORDER BY id')
    return [row[0] for row in cursor.fetchall()]


def status(app=None):
    """Applied, pending and unknown steps per component; reads, never writes."""
    database.connect(reuse_if_open=True)
    report = []
    for component in components(app):
        done = _recorded(component)
        report.append(ComponentStatus(
            name=component.name,
            applied=tuple(s for s in component.steps if s in done),
            pending=tuple(s for s in component.steps if s not in done),
            unknown=tuple(s for s in done if s not in component.steps),
        ))
    return report


def schema_behind(app=None):
    """{component: pending steps} for every component the database lags behind."""
    return {s.name: s.pending for s in status(app) if s.pending}


def _check_baseline_tables(component, migrator):
    """Whether the baseline's tables already exist, exactly as far as columns go.

    Databases from before per-component histories (0.1's numbered `schema_version`
    steps, plugin tables made from their models) hold the baseline already: then it is
    recorded without running. Every table and column must be there; anything short of
    that is refused with the differences, never patched over.
    """
    tables = {model._meta.table_name: model for model in migrator.orm}
    present = [name for name in tables if database.table_exists(name)]
    if not present:
        return False
    problems = []
    for name, model in tables.items():
        if name not in present:
            problems.append(f"table {name} is missing")
            continue
        columns = {column.name for column in database.get_columns(name)}
        missing = [f.column_name for f in model._meta.sorted_fields if f.column_name not in columns]
        if missing:
            problems.append(f"table {name} lacks {', '.join(missing)}")
    if problems:
        raise SchemaError(
            f"{component.name}: the database holds tables of this component but not its "
            f"baseline schema ({'; '.join(problems)}). It was made by a development build; "
            "restore a backup made by a release, or start from an empty database.")
    return True


def _bring(component, router, migrator, step):
    """Bring one step into the database, in its own transaction; say what was done.

    Steps already recorded (by an earlier upgrade, or by another server upgrading at the
    same moment: the lock makes them take turns) run on paper only, so the migrator
    knows the tables later steps refer to.
    """
    with write_transaction():
        if not is_sqlite():
            database.execute_sql("SELECT pg_advisory_xact_lock(%s)", (UPGRADE_LOCK,))
        done = _recorded(component)
        if step in done:
            router.run_one(step, migrator, fake=True)
            return None
        if not done and step == component.steps[0]:
            router.run_one(step, migrator, fake=True)
            if _check_baseline_tables(component, migrator):
                router.model.create(name=step)
                return f"{step} (adopted: its tables were there)"
        migrate, _ = router.read(step)
        migrate(migrator, database, fake=False)
        migrator()
        router.model.create(name=step)
        return step


def upgrade(app=None):
    """Apply every pending step of every component; return [(component, step)] applied."""
    database.connect(reuse_if_open=True)
    applied = []
    for component in components(app):
        router, migrator = _Router(component), PortalMigrator(database)
        for step in component.steps:
            outcome = _bring(component, router, migrator, step)
            if outcome:
                applied.append((component.name, outcome))
                log.info("%s: applied %s", component.name, outcome)
    return applied


def new_step(component, name, empty=False):
    """Write the next step file of a component; return its path.

    Unless `empty`, the step holds the operations that take the component's history to
    its models (peewee-migrate's auto-diff, worked out on an in-memory database so the
    configured one is not touched). Read it before committing it: the generator cannot
    see raw SQL, engine-specific options or data moves.
    """
    if not re.fullmatch(r"[a-z0-9_]+", name):
        raise SchemaError("Name the step with lower-case letters, digits and underscores.")
    router = _Router(component, db=peewee.SqliteDatabase(":memory:"))
    created = router.create(name, auto=False if empty else list(component.models))
    if created is None:
        raise SchemaError(f"{component.name}: the models match the steps; nothing to write.")
    return component.folder / f"{created}.py"


def collect(host):
    """The schema components of an application: the core, then each plugin with steps.

    The core's models are those its own features return from `portal_models` (each
    feature is a plugin of source "core"); their history is the one of the core. A
    plugin that stores models without steps would see its tables never created or never
    changed; it is marked failed at start-up with what to do instead.
    """
    from portal.plugins.host import call_startup_hook

    core, models = [], {}
    for name, model in call_startup_hook(host, "portal_models"):
        if host.plugins[name].source == "core":
            core.append(model)
        else:
            models.setdefault(name, []).append(model)
    found = [Component(CORE, CORE_STEPS, tuple(core))]
    for name, folder in call_startup_hook(host, "portal_migrations"):
        if not Path(folder).is_dir():
            host.fail(name, f"portal_migrations: {folder} is not a folder")
            continue
        found.append(Component(name, Path(folder), tuple(models.pop(name, ()))))
    for name in models:
        host.fail(name, "portal_models returns models but the plugin has no schema steps: "
                        "return their folder from portal_migrations (docs/plugins.md)")
    return [c for c in found if c.name == CORE or host.plugins[c.name].status == "loaded"]

"""Schema history: the steps build what the models describe, a 0.1 database upgrades
with nothing lost, a plugin changes its table through one step, backups round-trip.

Every test runs on SQLite and, under tests/run.sh, again on PostgreSQL.
"""
import gzip
import re
import shutil
import sqlite3
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import DEMO_PASSWORD, PG_URL, login
from flask.cli import ScriptInfo
from throwaway_postgres import empty_schema

from portal import cli, create_app
from portal.db import BaseModel, database, is_sqlite, make_database
from portal.migrations import CORE_STEPS, SchemaError, components, schema_behind, status

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEARCH_TABLES = re.compile(r"^(content_fts.*|content_search)$")


def invoke(app, *args):
    return CliRunner().invoke(cli.main, list(args), obj=ScriptInfo(create_app=lambda: app))


# -- what a schema is made of, read from the database's own catalogue ---------------------

def _rows(sql, params=()):
    return database.execute_sql(sql, params).fetchall()


def _sqlite_table(table):
    indexes = set()
    for _, name, unique, origin, _partial in _rows(f'PRAGMA index_list("{table}")'):
        columns = tuple(r[2] for r in _rows(f'PRAGMA index_info("{name}")'))
        # SQLite names the indexes behind UNIQUE and PRIMARY KEY itself, by position.
        indexes.add((name if origin == "c" else origin, bool(unique), columns))
    (create,) = _rows("SELECT sql FROM sqlite_master WHERE name = ?", (table,))[0]
    return {
        "columns": {(r[1], r[2].upper(), bool(r[3]), r[5]) for r in _rows(f'PRAGMA table_info("{table}")')},
        "indexes": indexes,
        "foreign keys": {(r[3], r[2], r[4], r[6]) for r in _rows(f'PRAGMA foreign_key_list("{table}")')},
        "without rowid": "WITHOUT ROWID" in create.upper(),
    }


def _postgres_table(table):
    return {
        "columns": set(_rows(
            "SELECT column_name, data_type, character_maximum_length, numeric_precision, "
            "numeric_scale, is_nullable, column_default FROM information_schema.columns "
            "WHERE table_schema = 'public' AND table_name = %s", (table,))),
        "indexes": set(_rows(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' "
            "AND tablename = %s", (table,))),
        # Constraint names differ between CREATE TABLE and ALTER TABLE; what they do may not.
        "constraints": set(_rows(
            "SELECT contype, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass", (f'public."{table}"',))),
    }


def snapshot(tables):
    read = _sqlite_table if is_sqlite() else _postgres_table
    return {table: read(table) for table in sorted(tables)}


def model_tables(app):
    return {m._meta.table_name for c in components(app) for m in c.models}


def build_from_models(app):
    """Today's models made into tables directly: what a model change expects."""
    from portal.instruments.models import UNORDERED

    for model in UNORDERED:  # as the baseline does: no storage order on SQLite
        model._meta.without_rowid = is_sqlite()
    database.create_tables([m for c in components(app) for m in c.models])


def use_empty_database(tmp_path):
    if PG_URL:
        database.close()
        database.obj.close_all()
        empty_schema(PG_URL)
    else:
        database.close()
        database.initialize(make_database(f"sqlite:///{tmp_path / 'from-models.sqlite'}"))
    database.connect()


def test_steps_build_exactly_the_schema_the_models_describe(app, tmp_path):
    """Fails when a model changes without a step (or a step without its model):
    run `portal db revision <component> <name>` and read what it writes."""
    with app.app_context():
        tables = model_tables(app)
        assert tables <= set(database.get_tables())
        extra = set(database.get_tables()) - tables
        assert {t for t in extra if not t.startswith("migrate_history_")
                and not SEARCH_TABLES.match(t)} == set()
        from_steps = snapshot(tables)
        use_empty_database(tmp_path)
        build_from_models(app)
        from_models = snapshot(tables)
    differences = {t: {k: (from_steps[t][k] ^ from_models[t][k]) if isinstance(from_steps[t][k], set)
                       else (from_steps[t][k], from_models[t][k])
                       for k in from_steps[t] if from_steps[t][k] != from_models[t][k]}
                   for t in tables if from_steps[t] != from_models[t]}
    assert differences == {}


@pytest.mark.skipif(not PG_URL, reason="SQLite's REAL is always an 8-byte float")
def test_no_number_column_is_postgresql_s_single_precision_real(app):
    """`real` (peewee's FloatField) keeps six digits and refuses 1e-212, which the forms
    accept: steps core 006, kirkpatrick 002 and supplier_selection 002 make them doubles."""
    with app.app_context():
        assert _rows("SELECT table_name, column_name FROM information_schema.columns "
                     "WHERE table_schema = 'public' AND data_type = 'real'") == []


def test_every_core_model_is_in_the_core_component(app):
    import pkgutil
    import importlib

    import portal

    for module in pkgutil.walk_packages(portal.__path__, "portal."):
        if not module.name.startswith(("portal.builtin_plugins", "portal.starter_content",
                                       "portal.bundled_themes", "portal.migrations.core")):
            importlib.import_module(module.name)

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    core = {m for m in subclasses(BaseModel) if m.__module__.startswith("portal.")
            and not m.__module__.startswith("portal.builtin_plugins")}
    assert core - set(components(app)[0].models) == set()


def test_steps_never_import_the_portal():
    """A step that imported today's models would change meaning with them."""
    steps = list(CORE_STEPS.glob("[0-9]*.py")) + list(ROOT.glob("plugins/*/migrations/[0-9]*.py"))
    assert len(steps) >= 4
    for path in steps:
        assert not re.search(r"^\s*(from|import) portal\b", path.read_text(), re.M), path


def test_two_servers_upgrading_at_once_apply_each_step_once(make_app, tmp_path):
    import os
    import subprocess
    import sys

    url = PG_URL or f"sqlite:///{tmp_path / 'shared.sqlite'}"
    upgrades = [subprocess.Popen(
        [sys.executable, "-m", "portal.cli", "db", "upgrade"], stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "PORTAL_DATABASE_URL": url, "PORTAL_SECRET_KEY": "s" * 32,
             "PORTAL_INSTANCE_PATH": str(tmp_path / f"host-{n}"),
             "PORTAL_LOAD_INSTALLED_PLUGINS": "0"}) for n in (1, 2)]
    outputs = [process.communicate(timeout=120)[0] for process in upgrades]
    assert [p.returncode for p in upgrades] == [0, 0], outputs
    assert "".join(outputs).count("applied core: 001_baseline") == 1
    app = create_app({"PORTAL_DATABASE_URL": url, "PORTAL_LOAD_INSTALLED_PLUGINS": False})
    with app.app_context():
        assert schema_behind(app) == {}
        for component in components(app):
            names = [r[0] for r in _rows(f'SELECT name FROM "{component.history_table}"')]
            assert sorted(names) == sorted(set(names)) == sorted(component.steps)


def test_site_admin_sees_each_components_schema_history(app, demo):
    client = app.test_client()
    login(client, "admin@portal.example", DEMO_PASSWORD)
    html = client.get("/admin/plugins").get_data(as_text=True)
    table = html[html.index('id="schema-table"'):]
    for component in components(app):
        row = table[table.index(f'data-component="{component.name}"'):]
        row = row[:row.index("</tr>")]
        assert component.steps[-1] in row and "none" in row  # nothing pending


# -- a database made by 0.1 (tests/fixtures, built by 0.1's code with the demo data) ------

def load_0_1_database(app_path):
    """Put the 0.1 demo database where the next app will find it; return its row counts."""
    if not PG_URL:
        target = app_path / "instance" / "portal.sqlite"
        target.parent.mkdir(parents=True, exist_ok=True)
        with gzip.open(FIXTURES / "portal-0.1-demo.sqlite.gz") as source, open(target, "wb") as out:
            shutil.copyfileobj(source, out)
        connection = sqlite3.connect(target)
        tables = [r[0] for r in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        counts = {t: connection.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}
        connection.close()
        return counts
    import psycopg2

    # pg_dump --inserts output; psql's own \restrict lines are not SQL.
    dump = "\n".join(line for line in gzip.open(FIXTURES / "portal-0.1-demo.postgresql.sql.gz", "rt")
                     if not line.startswith("\\"))
    connection = psycopg2.connect(PG_URL)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(dump)
        cursor.execute("SET search_path TO public")
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        tables = [r[0] for r in cursor.fetchall()]
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
            counts[table] = cursor.fetchone()[0]
    connection.close()
    return counts


def test_a_0_1_database_upgrades_to_the_head_with_nothing_lost(make_app, tmp_path):
    before = load_0_1_database(tmp_path)
    assert before["schema_version"] == 7 and before["answer"] > 300
    assert before["kirkpatrick_measurement"] == 1 and before["supplier_selection_score"] == 1
    app = make_app()  # runs `portal db upgrade`
    with app.app_context():
        assert schema_behind(app) == {}
        history = {s.name: s.applied for s in status(app)}
        assert history["core"][0] == "001_baseline" and history["kirkpatrick"] == (
            "001_baseline", "002_double_precision")
        after = {t: database.execute_sql(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0]
                 for t in database.get_tables()}
    kept = {t: n for t, n in before.items() if t != "schema_version"}
    assert {t: after.get(t) for t in kept} == kept
    assert "schema_version" not in after  # dropped by core 002
    with app.app_context():  # core 004: every existing account starts at session version 1
        versions = database.execute_sql('SELECT session_version FROM "user"').fetchall()
    assert len(versions) == before["user"] and {v for (v,) in versions} == {1}
    with app.app_context():  # core 017: links between library items stay in the library
        (html,) = database.execute_sql(
            "SELECT html FROM content_item WHERE slug = 'six-principles-overview'").fetchone()
    assert 'href="principle-commitment"' in html and 'href="../' not in html

    client = app.test_client()
    assert client.get("/healthz").status_code == 200
    login(client, "peggy@client.example", DEMO_PASSWORD)
    with app.app_context():
        from portal.instruments.models import Run

        survey = Run.get(Run.title == "Relational survey, autumn")
        pid = survey.partnership_id
    results = client.get(f"/partnerships/{pid}/runs/{survey.id}/")
    assert results.status_code == 200 and "Relational survey, autumn" in results.get_data(as_text=True)
    assert "The six principles of a powered-up training partnership" in client.get(
        f"/partnerships/{pid}/library?q=principles").get_data(as_text=True)
    assert "First-line managers, cohort 1" in client.get(f"/partnerships/{pid}/programs").get_data(as_text=True)
    assert "Coaching supplier 2027" in client.get("/selections").get_data(as_text=True)


def test_a_database_unlike_any_release_is_refused_not_patched(make_app, tmp_path):
    load_0_1_database(tmp_path)
    if PG_URL:
        import psycopg2

        connection = psycopg2.connect(PG_URL)
        connection.autocommit = True
        connection.cursor().execute("ALTER TABLE answer RENAME COLUMN side TO side_of_a_dev_build")
        connection.close()
    else:
        connection = sqlite3.connect(tmp_path / "instance" / "portal.sqlite")
        connection.execute("ALTER TABLE answer RENAME COLUMN side TO side_of_a_dev_build")
        connection.commit()
        connection.close()
    with pytest.raises(SchemaError, match="table answer lacks side"):
        make_app()
    app = create_app({"PORTAL_DATABASE_URL": PG_URL or f"sqlite:///{tmp_path / 'instance' / 'portal.sqlite'}",
                      "PORTAL_LOAD_INSTALLED_PLUGINS": False, "TESTING": True})
    with app.app_context():
        assert "migrate_history_core" not in database.get_tables()  # nothing recorded
    health = app.test_client().get("/healthz")
    assert health.status_code == 503 and "core" in health.get_json()["needs_upgrade"]
    result = invoke(app, "db", "upgrade")
    assert result.exit_code != 0 and "table answer lacks side" in result.output


# -- a plugin that changes its table later, exactly as docs/plugins.md shows ---------------

def documented_files(prefix):
    """{path: source} of the docs' code blocks whose first line names a file under prefix."""
    docs = (ROOT / "docs" / "plugins.md").read_text()
    files = {}
    for block in re.findall(r"```python\n(.*?)```", docs, re.S):
        first = block.splitlines()[0]
        if first.startswith(f"# {prefix}"):
            files[first[2:].strip()] = block
    return files


def install_documented_plugin(plugins_dir, version):
    """Write the docs' acme_notes plugin as it is at `version` 1 or 2."""
    files = documented_files("acme_notes/")
    assert {"acme_notes/__init__.py", "acme_notes/migrations/001_initial.py",
            "acme_notes/migrations/002_add_due_on.py"} <= set(files)
    source = files["acme_notes/__init__.py"]
    if version == 1:  # before the column: the docs mark the line that version 2 adds
        source = "\n".join(line for line in source.splitlines() if "# added in 1.1" not in line)
    wanted = {"acme_notes/__init__.py": source,
              "acme_notes/migrations/001_initial.py": files["acme_notes/migrations/001_initial.py"]}
    if version == 2:
        wanted["acme_notes/migrations/002_add_due_on.py"] = files["acme_notes/migrations/002_add_due_on.py"]
    for name, text in wanted.items():
        path = plugins_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    (plugins_dir / "acme_notes" / "migrations" / "__init__.py").touch()


def test_a_plugin_adds_a_column_with_one_documented_step(make_app):
    install_documented_plugin(make_app.plugins_dir, version=1)
    first = make_app(PORTAL_PLUGINS_STRICT=True)
    with first.app_context():
        note_model = next(c for c in components(first) if c.name == "acme_notes").models[0]
        note_model.create(partnership_id=1, text="Agree the pilot scope")

    install_documented_plugin(make_app.plugins_dir, version=2)
    second = create_app({"TESTING": True, "PORTAL_DATABASE_URL": first.config["PORTAL_DATABASE_URL"],
                         "PORTAL_PLUGINS_DIR": str(make_app.plugins_dir), "PORTAL_PLUGINS_STRICT": True,
                         "PORTAL_LOAD_INSTALLED_PLUGINS": False})
    client = second.test_client()
    health = client.get("/healthz")
    assert health.status_code == 503 and health.get_json()["needs_upgrade"] == ["acme_notes"]
    assert client.get("/login").status_code == 503
    pending = invoke(second, "db", "status")
    assert pending.exit_code == 1 and "pending: 002_add_due_on" in pending.output

    upgraded = invoke(second, "db", "upgrade")
    assert upgraded.exit_code == 0, upgraded.output
    assert "applied acme_notes: 002_add_due_on" in upgraded.output
    assert client.get("/healthz").status_code == 200
    with second.app_context():
        assert "due_on" in {c.name for c in database.get_columns("acme_note")}
        note_model = next(c for c in components(second) if c.name == "acme_notes").models[0]
        note = note_model.get()
        assert note.text == "Agree the pilot scope" and note.due_on is None


def test_db_revision_writes_the_step_a_model_change_needs(make_app):
    install_documented_plugin(make_app.plugins_dir, version=1)
    make_app()
    install_documented_plugin(make_app.plugins_dir, version=2)
    (make_app.plugins_dir / "acme_notes" / "migrations" / "002_add_due_on.py").unlink()
    app = create_app({"TESTING": True, "PORTAL_DATABASE_URL": make_app().config["PORTAL_DATABASE_URL"],
                      "PORTAL_PLUGINS_DIR": str(make_app.plugins_dir),
                      "PORTAL_LOAD_INSTALLED_PLUGINS": False})
    result = invoke(app, "db", "revision", "acme_notes", "add_due_on")
    assert result.exit_code == 0, result.output
    written = (make_app.plugins_dir / "acme_notes" / "migrations" / "002_add_due_on.py").read_text()
    assert "migrator.add_fields" in written and "due_on=pw.DateField(null=True)" in written
    assert "remove_fields" in written
    again = create_app(app.config)
    assert invoke(again, "db", "upgrade").exit_code == 0
    with again.app_context():
        assert "due_on" in {c.name for c in database.get_columns("acme_note")}
    assert "nothing to write" in invoke(again, "db", "revision", "acme_notes", "again").output


def test_a_plugin_with_models_but_no_steps_is_failed_with_what_to_do(make_app):
    (make_app.plugins_dir / "stepless.py").write_text(textwrap.dedent("""
        import peewee
        from portal import Model, hookimpl

        class Thing(Model):
            name = peewee.TextField()

        @hookimpl
        def portal_models():
            return [Thing]
    """))
    app = make_app()
    info = app.extensions["portal_plugins"].plugins["stepless"]
    assert info.status == "failed" and "portal_migrations" in info.error
    with app.app_context():
        assert "thing" not in database.get_tables()


# -- backup and restore --------------------------------------------------------------------

def test_backup_then_restore_into_an_empty_database_round_trips_the_demo(make_app, tmp_path):
    app = make_app()
    from portal.demo import load_full_demo

    with app.test_request_context():
        partnership, _ = load_full_demo(DEMO_PASSWORD)
        before = {t: database.execute_sql(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0]
                  for t in database.get_tables()}
    backup = tmp_path / "portal.backup"
    made = invoke(app, "backup", str(backup))
    assert made.exit_code == 0, made.output

    refused = invoke(app, "restore", str(backup))  # never over a database with data
    assert refused.exit_code != 0 and "is not empty" in refused.output

    if PG_URL:
        database.close()
        database.obj.close_all()
        empty_schema(PG_URL)
        target = create_app(app.config)
    else:
        empty = tmp_path / "restored.sqlite"
        target = create_app({**app.config, "PORTAL_DATABASE_URL": f"sqlite:///{empty}"})
    restored = invoke(target, "restore", str(backup))
    assert restored.exit_code == 0, restored.output
    with target.app_context():
        database.connect(reuse_if_open=True)
        after = {t: database.execute_sql(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0]
                 for t in database.get_tables()}
        assert schema_behind(target) == {}
    assert after == before and before["answer"] > 300
    client = target.test_client()
    login(client, "peggy@client.example", DEMO_PASSWORD)
    assert client.get(f"/partnerships/{partnership.id}/").status_code == 200


def test_restore_refuses_a_file_that_is_not_a_backup(app, tmp_path):
    junk = tmp_path / "notes.txt"
    junk.write_text("not a database")
    result = invoke(app, "restore", str(junk))
    assert result.exit_code != 0 and "is not a backup made by `portal backup`" in result.output

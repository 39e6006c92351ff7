"""docs/plugins.md cannot drift from the code (datasette's test_docs.py does the same).

Each hook is documented under its exact signature and has a test; every Python, TOML and
template block names the file it comes from and matches it; and the example plugin that
implements every hook, docs/examples/acme, does what the docs say when the portal loads it.
"""
import inspect
import re
import shutil
from pathlib import Path

import pytest
from conftest import DEMO_PASSWORD, login, post

from portal.plugins import hookspecs

ROOT = Path(__file__).resolve().parent.parent
DOCS = (ROOT / "docs" / "plugins.md").read_text()
BLOCK = re.compile(r"```(python|toml|html)\n(.*?)```", re.S)
HEADER = re.compile(r"^(?:#|\{#)\s*(\S+?)\s*(?:#\})?$")
HOOKS = {name: getattr(hookspecs, name) for name in dir(hookspecs) if name.startswith("portal_")}


def code_blocks():
    """(language, file named on the first line or None, the rest) of every block."""
    for language, text in BLOCK.findall(DOCS):
        first, _, rest = text.partition("\n")
        match = HEADER.match(first)
        yield language, match.group(1) if match else None, rest


def test_every_hook_is_documented_under_its_exact_signature():
    headings = set(re.findall(r"^### `(portal_\w+\(.*?\))`$", DOCS, re.M))
    for name, spec in HOOKS.items():
        signature = f"{name}({', '.join(inspect.signature(spec).parameters)})"
        assert signature in headings, f"docs/plugins.md has no heading ### `{signature}`"
    documented = {heading.split("(")[0] for heading in headings}
    assert documented == set(HOOKS)


def test_every_hook_has_a_test():
    tests = "".join(p.read_text() for p in (ROOT / "tests").glob("test_*.py"))
    examples = (ROOT / "docs" / "examples" / "acme" / "__init__.py").read_text()
    for name in HOOKS:
        assert f"def {name}(" in examples, f"docs/examples/acme does not implement {name}"
        assert name in tests, f"{name} has no test"


def test_every_code_block_is_taken_from_a_file_a_test_runs():
    blocks = list(code_blocks())
    assert len(blocks) >= 20
    for language, path, body in blocks:
        assert path, f"a {language} block in docs/plugins.md names no file:\n{body[:200]}"
        if path.startswith("acme_notes/"):
            continue  # tests/test_migrations.py installs these and upgrades
        source = ROOT / path
        assert source.is_file(), f"docs/plugins.md quotes {path}, which does not exist"
        assert body in source.read_text(), f"docs/plugins.md differs from {path}:\n{body}"


# -- the example plugin that implements every hook ------------------------------------------

@pytest.fixture
def acme(make_app):
    shutil.copytree(ROOT / "docs" / "examples" / "acme", make_app.plugins_dir / "acme")
    app = make_app(PORTAL_PLUGINS_STRICT=True, ACME_GREETING="Hi")
    from portal.demo import load_demo

    with app.app_context():
        partnership, _ = load_demo(DEMO_PASSWORD)
    return app, partnership


def test_the_example_plugin_loads_with_every_hook(acme):
    app, _ = acme
    info = app.extensions["portal_plugins"].plugins["acme"]
    assert info.status == "loaded" and info.version == "1.0.0"
    assert set(info.hooks) == set(HOOKS)
    assert app.extensions["acme"] == {"greeting": "Hi"}  # portal_startup


def test_the_example_plugins_page_tab_card_and_form(acme):
    app, partnership = acme
    jim = app.test_client()
    login(jim, "jim@supplier.example")
    page = f"/partnerships/{partnership.id}/acme"
    overview = jim.get(f"/partnerships/{partnership.id}/").get_data(as_text=True)
    assert f'href="{page}"' in overview and "Acme goals" in overview  # tab and card
    assert "0 goals</a> agreed so far" in overview
    assert post(jim, f"{page}/goals", {"text": "Pilot by March"}, page=page).status_code == 302
    html = jim.get(page).get_data(as_text=True)
    assert "<li>Pilot by March</li>" in html
    assert '/-/plugins/acme/acme.css' in html  # portal_static_folders
    assert jim.get("/-/plugins/acme/acme.css").status_code == 200
    assert "1 goal</a> agreed so far" in jim.get(f"/partnerships/{partnership.id}/").get_data(as_text=True)
    victor = app.test_client()
    login(victor, "victor@client.example")  # a viewer reads, and may not add
    assert "New goal" not in victor.get(page).get_data(as_text=True)
    assert post(victor, f"{page}/goals", {"text": "No"}, page=page).status_code == 403
    with app.app_context():
        from portal.audit import AuditEntry

        assert AuditEntry.get(AuditEntry.action == "acme_goal_added").details == {
            "goal": "Pilot by March"}


def test_the_example_plugins_calendar_events(acme):
    """portal_calendar_events: a quarterly check once the partnership has a goal, on the
    Calendar tab and in the member's feed."""
    import datetime as dt

    app, partnership = acme
    jim = app.test_client()
    login(jim, "jim@supplier.example")
    calendar = f"/partnerships/{partnership.id}/calendar"
    assert "Acme goals: quarterly check" not in jim.get(calendar).get_data(as_text=True)
    post(jim, f"/partnerships/{partnership.id}/acme/goals", {"text": "Pilot by March"},
         page=f"/partnerships/{partnership.id}/acme")
    html = jim.get(calendar).get_data(as_text=True)
    today = dt.date.today()
    month = (today.month - 1) // 3 * 3 + 4
    first = dt.date(today.year + (month > 12), (month - 1) % 12 + 1, 1)  # next quarter's
    assert f'<time datetime="{first.isoformat()}"' in html
    assert "Acme goals: quarterly check" in html
    feed = re.search(r'value="http://localhost([^"]+\.ics)"', jim.get("/profile").get_data(as_text=True))
    ics = app.test_client().get(feed.group(1)).get_data(as_text=True)
    assert "SUMMARY:Acme goals: quarterly check" in ics


def test_the_example_plugins_review_agenda_point(acme):
    """portal_review_agenda_points: the partnership's goals on a new review's agenda."""
    import datetime as dt

    app, partnership = acme
    carla = app.test_client()
    login(carla, "carla@client.example")
    acme_page = f"/partnerships/{partnership.id}/acme"
    post(carla, f"{acme_page}/goals", {"text": "Pilot by March"}, page=acme_page)
    with app.app_context():
        from portal.accounts.models import User

        attendees = [str(User.get(User.email == e).id) for e in ("peggy@client.example", "sofia@supplier.example")]
    governance = f"/partnerships/{partnership.id}/governance"
    post(carla, governance, {"kind": "business", "title": "Quarterly review",
                             "day": (dt.date.today() + dt.timedelta(days=2)).isoformat(), "time": "09:00",
                             "minutes_planned": "60", "attendees": attendees}, page=governance)
    with app.app_context():
        from portal.meetings.models import AgendaItem

        point = AgendaItem.get(AgendaItem.title == "Acme goals")
    assert point.notes == "- Pilot by March" and point.minutes_planned == 5


def test_the_example_instrument_its_panel_and_its_response_hook(acme):
    app, partnership = acme
    from portal.instruments.models import Run

    peggy = app.test_client()
    login(peggy, "peggy@client.example")
    new_run = f"/partnerships/{partnership.id}/instruments/acme_pulse/runs/new"
    assert post(peggy, new_run, {"title": "Acme pulse, March", "opens_on": "2026-01-01",
                                 "audience": "both", "min_responses": "3"},
                page=new_run).status_code == 302
    with app.app_context():
        run_id = Run.get(Run.instrument_id == "acme_pulse").id
    respond = f"/partnerships/{partnership.id}/runs/{run_id}/respond"
    for email, mood in (("peggy@client.example", "1"), ("jim@supplier.example", "4")):
        client = app.test_client()
        login(client, email)
        assert post(client, respond, {"q-mood": mood, "action": "submit"},
                    page=respond).status_code == 302
    html = peggy.get(f"/partnerships/{partnership.id}/runs/{run_id}/").get_data(as_text=True)
    assert "Acme&#39;s reading" in html and "1 answer at the lowest point of the scale." in html
    with app.app_context():
        from portal.audit import AuditEntry

        answered = [e.details for e in AuditEntry.select().where(
            AuditEntry.action == "acme_pulse_answered").order_by(AuditEntry.id)]
    assert answered == [{"who": "Peggy Olson", "answered": 1}, {"who": "Jim Halpert", "answered": 1}]


def test_the_example_plugins_table_comes_from_its_schema_step(acme):
    app, _ = acme
    from portal.db import database
    from portal.migrations import status

    with app.app_context():
        assert "acme_goal" in database.get_tables()
        assert {s.name: s.applied for s in status(app)}["acme"] == ("001_initial",)


def test_the_example_plugins_health_measure(acme):
    """portal_health_measures: the goals count in the Health tab's score with their weight."""
    app, partnership = acme
    carla = app.test_client()
    login(carla, "carla@client.example")
    health = f"/partnerships/{partnership.id}/health"
    assert 'data-measure="acme_goals"' not in carla.get(health).get_data(as_text=True)
    acme_page = f"/partnerships/{partnership.id}/acme"
    post(carla, f"{acme_page}/goals", {"text": "Pilot by March"}, page=acme_page)
    html = carla.get(health).get_data(as_text=True)
    row = html[html.index('data-measure="acme_goals"'):]
    row = row[:row.index("</tr>")]
    assert "Acme goals set" in row and "Added by the acme plugin" in row
    assert "<td>5</td>" in row and "<td>25</td>" in row  # its weight, its value
    assert "100 %" in row  # the only measure with data: its weight fills the score
    assert '<strong class="kpi__value">25</strong>' in html

"""A third-party plugin works the two ways docs/plugins.md promises: pip-installed
through its entry point, and dropped as a single file into the plugins folder.

Both plugins here use only the public API imported from `portal`, and are driven
through the pages people use: the admin plugin list, the instruments tab, opening a
run, answering it from both organizations, the results and the overview.
"""
import datetime as dt
import importlib.metadata
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import DEMO_PASSWORD, login, post

from portal.demo import load_demo

EXAMPLE_PROJECT = Path(__file__).resolve().parent / "example_plugin"
EXAMPLE_PACKAGE = "portal_example_meeting_check"


def plugin_row(html, name):
    """The row of one plugin in the admin page's plugin table."""
    start = html.index(f'data-plugin="{name}"')
    return html[start:html.index("</tr>", start)]


def build_isolation_args():
    """Build with the interpreter's own setuptools when it can make a wheel by itself.

    setuptools builds wheels unaided from 70.1 on; then pip needs no package index at
    all. An older one (such as the 65.5 that Python 3.11 bundles) needs the `wheel`
    package, which the portal's environment does not install, so pip sets up an
    isolated build environment from its configured sources, as it does for any user.
    """
    setuptools = tuple(int(part) for part in
                       importlib.metadata.version("setuptools").split(".")[:2])
    return ["--no-build-isolation"] if setuptools >= (70, 1) else []


@pytest.fixture
def installed_example(tmp_path, monkeypatch):
    """tests/example_plugin installed by pip into a private site folder on sys.path.

    pip builds in the source tree, so it builds a copy: the repository stays clean and
    no stale build/ folder can hide a file missing from the package data.
    """
    source = tmp_path / "example_plugin"
    shutil.copytree(EXAMPLE_PROJECT, source,
                    ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"))
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                    *build_isolation_args(), "--target", str(site), str(source)],
                   check=True)
    monkeypatch.syspath_prepend(str(site))
    yield site
    # The suite builds many applications in one process: none after this test may find
    # the package already imported.
    for name in [m for m in sys.modules
                 if m == EXAMPLE_PACKAGE or m.startswith(f"{EXAMPLE_PACKAGE}.")]:
        del sys.modules[name]


def open_run(client, partnership_id, instrument_id, title):
    """An editor opens a run for both sides, not anonymous; returns the run's id."""
    page = f"/partnerships/{partnership_id}/instruments/{instrument_id}/runs/new"
    response = post(client, page, {"title": title, "opens_on": dt.date.today().isoformat(),
                                    "closes_on": "", "audience": "both",
                                    "min_responses": "3"}, page=page)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return int(re.search(r"/runs/(\d+)/$", response.headers["Location"]).group(1))


def answer(app, partnership_id, run_id, email, answers):
    """One person logs in and submits their answers, as the answer form sends them."""
    client = app.test_client()
    login(client, email)
    page = f"/partnerships/{partnership_id}/runs/{run_id}/respond"
    data = {f"q-{question}": value for question, value in answers.items()}
    response = post(client, page, dict(data, action="submit"), page=page)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


def test_example_package_installed_with_pip_appears_and_works(make_app, installed_example):
    """The example project is the guide's packaging section made real: if pip-installing
    it stops yielding a listed, working instrument with its own dashboard card, the
    instructions third parties follow are broken."""
    app = make_app(PORTAL_LOAD_INSTALLED_PLUGINS=True, PORTAL_PLUGINS_STRICT=True)
    plugins = app.extensions["portal_plugins"].plugins
    assert "meeting_check" in plugins, "the entry point was not found"
    info = plugins["meeting_check"]
    assert Path(info.module.__file__).is_relative_to(installed_example)  # pip's copy
    with app.app_context():
        partnership, _ = load_demo(DEMO_PASSWORD)
    pid = partnership.id

    admin = app.test_client()
    login(admin, "admin@portal.example")
    row = plugin_row(admin.get("/admin/plugins").get_data(as_text=True), "meeting_check")
    assert "<td>0.3.0</td>" in row
    assert "<code>package portal-example-meeting-check</code>" in row
    assert "pill--loaded" in row
    for hook in ("portal_dashboard_cards", "portal_instruments", "portal_template_folders"):
        assert f"<code>{hook}</code>" in row

    jim = app.test_client()  # an editor on the supplier side
    login(jim, "jim@supplier.example")
    instruments = jim.get(f"/partnerships/{pid}/instruments").get_data(as_text=True)
    assert "Meeting check" in instruments and "did the meeting end with agreed actions" in instruments
    run_id = open_run(jim, pid, "meeting_check", "After the March review")

    answer(app, pid, run_id, "peggy@client.example",
           {"agenda": "2", "decision_makers": "4", "agreed_actions": "0",
            "comment": "Send the agenda a week ahead"})
    answer(app, pid, run_id, "jim@supplier.example",
           {"agenda": "3", "decision_makers": "5", "agreed_actions": "0", "comment": ""})

    results = jim.get(f"/partnerships/{pid}/runs/{run_id}/").get_data(as_text=True)
    assert "Meeting quality 3.5 of 5" in results  # mean of 2.5 (agenda) and 4.5
    assert "Room to improve" in results
    assert "Flagged for discussion (2)" in results
    assert "Discuss: The last review meeting had an agenda both sides had seen beforehand." in results
    assert "Discuss: The people who could take the decisions" not in results  # 4.5 is fine
    assert "Most people left the meeting without agreed actions" in results
    assert "2 of 2 answered no." in results
    assert "1 client and 1 supplier responses." in results
    assert "Send the agenda a week ahead" in results

    overview = jim.get(f"/partnerships/{pid}/").get_data(as_text=True)
    assert 'data-testid="meeting-check-card"' in overview
    assert "After the review meeting" in overview and "Open a meeting check" in overview
    assert "Meeting quality 3.5 of 5" in overview  # the portal's card for the latest run

    sam = app.test_client()  # a member, who cannot open runs
    login(sam, "sam@supplier.example")
    overview = sam.get(f"/partnerships/{pid}/").get_data(as_text=True)
    assert 'data-testid="meeting-check-card"' in overview
    assert "An editor of the partnership opens it." in overview
    assert "Open a meeting check" not in overview


QUICK_POLL = '''
"""Quick poll: two questions at the end of a month of joint work."""
from portal import Instrument, Interpretation, Question, hookimpl

__version__ = "1.2"


def score(results):
    useful, keep = results.items["useful"], results.items["keep_rhythm"]
    if useful.mean is None:
        return Interpretation(headline="No answers yet")
    return Interpretation(
        headline=(f"Usefulness {useful.mean:.1f} of 5; {keep.yes} of {keep.count} "
                  "want to keep the monthly rhythm"),
        band="Quick poll", tone="good" if useful.mean >= 4 else "warning",
        metrics={"Usefulness": useful.mean})


INSTRUMENT = Instrument(
    id="quick_poll", version="1.2", title="Quick poll",
    summary="Two questions at the end of a month of joint work.",
    source="Partnership Portal test suite",
    questions=(
        Question("useful", "This month's joint work was useful to us.",
                 low_label="Not at all", high_label="Very"),
        Question("keep_rhythm", "Should we keep meeting every month?", type="yesno"),
    ),
    score=score,
)


@hookimpl
def portal_instruments():
    return INSTRUMENT
'''


def test_single_file_plugin_in_the_plugins_directory_appears_and_works(make_app):
    """The guide's other promise: one `name.py` in the plugins folder is a plugin, with
    no packaging at all, and its instrument runs like any other."""
    (make_app.plugins_dir / "quick_poll.py").write_text(textwrap.dedent(QUICK_POLL))
    app = make_app(PORTAL_PLUGINS_STRICT=True)
    with app.app_context():
        partnership, _ = load_demo(DEMO_PASSWORD)
    pid = partnership.id

    admin = app.test_client()
    login(admin, "admin@portal.example")
    row = plugin_row(admin.get("/admin/plugins").get_data(as_text=True), "quick_poll")
    assert "<td>1.2</td>" in row and "pill--loaded" in row
    assert f"<code>folder {make_app.plugins_dir / 'quick_poll.py'}</code>" in row

    jim = app.test_client()
    login(jim, "jim@supplier.example")
    assert "Quick poll" in jim.get(f"/partnerships/{pid}/instruments").get_data(as_text=True)
    run_id = open_run(jim, pid, "quick_poll", "End of April")
    answer(app, pid, run_id, "peggy@client.example", {"useful": "5", "keep_rhythm": "1"})
    answer(app, pid, run_id, "jim@supplier.example", {"useful": "4", "keep_rhythm": "0"})

    results = jim.get(f"/partnerships/{pid}/runs/{run_id}/").get_data(as_text=True)
    assert "Usefulness 4.5 of 5; 1 of 2 want to keep the monthly rhythm" in results
    assert "interpretation--good" in results
    assert "1 client and 1 supplier responses." in results

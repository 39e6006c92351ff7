"""Fixtures: a fresh application and database per test, on SQLite or PostgreSQL.

Set PORTAL_TEST_DATABASE_URL to a PostgreSQL URL to run the same suite there
(tests/run.sh does both). Installed plugins on this machine are never loaded unless a
test asks for them (datasette #438).
"""
import os
import re
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from portal import create_app
from portal.db import database
from portal.demo import load_demo
from portal.migrations import upgrade

# The testing kit plugin authors use (portal_app, portal_answers, …): tested here too.
pytest_plugins = ["portal.testing"]

DEMO_PASSWORD = "correct horse battery"
PG_URL = os.environ.get("PORTAL_TEST_DATABASE_URL", "")


#: Browser tests run in the SQLite run of tests/run.sh only: what they drive is the UI,
#: whose data layer the rest of the suite tests on both databases, and PostgreSQL's run,
#: slower per test, is the longer of the two side by side (it took CI past its time).
#: PORTAL_BROWSER_TESTS_ON_BOTH=1 runs them on PostgreSQL too.
BROWSER_FILES = {p.name for p in Path(__file__).parent.glob("test_browser*.py")}


def pytest_collection_modifyitems(config, items):
    if not PG_URL or os.environ.get("PORTAL_BROWSER_TESTS_ON_BOTH"):
        return
    dropped = [item for item in items if item.path.name in BROWSER_FILES]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = [item for item in items if item.path.name not in BROWSER_FILES]


@pytest.fixture(scope="session", autouse=True)
def quick_demo_passwords():
    """The demo's people get a cheap password hash in the tests (PBKDF2, 1,000 rounds)
    instead of a scrypt run per demo load and per login: the suite loads the demo and
    logs in about two thousand times, and scrypt's cost is the point only against a
    thief. The portal still hashes every password it stores with scrypt, as tested in
    tests/test_passwords.py; this only replaces what the demo loader calls."""
    from functools import lru_cache

    from werkzeug.security import generate_password_hash

    @lru_cache(maxsize=8)
    def quick(password):
        return generate_password_hash(password, method="pbkdf2:sha256:1000")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("portal.demo.generate_password_hash", quick)
        patch.setattr("portal.partnerships.demo.generate_password_hash", quick)
        yield


@pytest.fixture
def make_app(tmp_path, monkeypatch):
    """Build an app with extra config; the database is emptied before the first one."""
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.delenv("PORTAL_SECRET_KEY", raising=False)
    url = PG_URL or f"sqlite:///{tmp_path / 'instance' / 'portal.sqlite'}"
    dropped = False  # until this test's first app has migrated it
    if PG_URL:
        import fresh_postgres  # after pytest registered the kit above

        dropped = fresh_postgres.fresh(PG_URL)
    plugins_dir = tmp_path / "plugins"
    plugins_dir.mkdir()

    def factory(**config):
        nonlocal dropped
        settings = {
            "TESTING": True,
            "PORTAL_DATABASE_URL": url,
            "PORTAL_PLUGINS_DIR": str(plugins_dir),
            "PORTAL_LOAD_INSTALLED_PLUGINS": False,
        }
        settings.update(config)
        app = create_app(settings)
        with app.app_context():
            upgrade()
        if dropped and not config and not any(plugins_dir.iterdir()):
            fresh_postgres.remember_migrated(PG_URL)  # a plain migration from nothing
        dropped = False
        return app

    factory.plugins_dir = plugins_dir
    yield factory
    if not database.is_closed():
        database.close()


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def demo(app):
    """The demo organizations, people and partnership; returns the partnership."""
    with app.app_context():
        partnership, _ = load_demo(DEMO_PASSWORD)
    return partnership


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def as_user(app, demo):
    """A new test client logged in as the demo person with that email: as_user(email)."""
    def client_of(email):
        client = app.test_client()
        login(client, email)
        return client
    return client_of


CSRF_RE = re.compile(r'name="csrf-token" content="([^"]+)"')


def csrf_token(client, path="/login"):
    """The token a browser would find in the page's <meta> tag."""
    html = client.get(path).get_data(as_text=True)
    match = CSRF_RE.search(html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


HELD_MINUTE = 29_000_000  # a minute of the year 2025


@pytest.fixture(autouse=True)
def held_minute(monkeypatch):
    """Pages are kept within the minute (portal/page_cache.py). Tests hold that minute
    still: two requests a moment apart could otherwise straddle a minute's turn, and a
    page a test expects to be kept would be drawn again."""
    monkeypatch.setattr("portal.page_cache.minute", lambda: HELD_MINUTE)


def a_minute_passes(monkeypatch):
    """A test that moves a module's clock calls this as well, so that the page cache's
    clock moves as real time would: to the next minute, each call one more."""
    import portal.page_cache

    later = portal.page_cache.minute() + 1
    monkeypatch.setattr(portal.page_cache, "minute", lambda: later)


def login(client, email, password=DEMO_PASSWORD):
    token = csrf_token(client)
    response = client.post("/login", data={"email": email, "password": password,
                                           "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


def post(client, path, data=None, page=None, **kwargs):
    """POST like a browser: with the CSRF token of the page the form was on."""
    data = dict(data or {})
    data["csrf_token"] = csrf_token(client, page or "/profile")
    return client.post(path, data=data, **kwargs)


#: A 4xx answer, in Chromium's words or htmx's: what a test provoked on purpose.
EXPECTED_4XX = re.compile(r"status of 4\d\d|Response Status Error Code 4\d\d")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]


def open_tab(page, name):
    """Click a partnership tab: in the row, or under "More" when the width folds it there
    (the row holds as many as fit, partnerships/_layout.html)."""
    nav = page.get_by_role("navigation", name="Partnership")
    # The partnership's page, not the one a click is leaving, with its stylesheet applied
    # (it decides which tabs the row shows): `is_visible` does not wait for either.
    nav.wait_for()
    page.wait_for_load_state()
    link = nav.locator(".tabs__row > .tabs__tab").get_by_role("link", name=name, exact=True)
    if not link.is_visible():
        nav.locator(".tabs__more summary").click()
        link = nav.locator(".tabs__more").get_by_role("link", name=name, exact=True)
    link.click()


@pytest.fixture(scope="session")
def browser(tmp_path_factory):
    """One headless Chromium (Debian's package) for the whole session."""
    from playwright.sync_api import sync_playwright

    assert os.path.exists(CHROMIUM), "Debian's chromium is required (tests/run.sh installs it)"
    os.environ.setdefault("HOME", str(tmp_path_factory.mktemp("home")))
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def live_server(app, demo):
    """The app served over HTTP in a thread, for the browser tests."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)


@pytest.fixture
def people(browser, live_server):
    """A logged-in page per person, each in its own browser context, made on request.

    At the end no page may have had a script error or a console error (a CSP violation
    shows up there); 4xx answers the test provoked on purpose are expected.
    """
    contexts, pages = [], {}

    def page_for(email, password=DEMO_PASSWORD):
        if email not in pages:
            context = browser.new_context(viewport={"width": 1200, "height": 900})
            contexts.append(context)
            page = context.new_page()
            page.problems = []
            page.on("pageerror", lambda e, p=page: p.problems.append(str(e)))
            page.on("console", lambda m, p=page: p.problems.append(m.text)
                    if m.type == "error" and not EXPECTED_4XX.search(m.text) else None)
            page.goto(f"{live_server}/login")
            page.get_by_label("Email").fill(email)
            page.get_by_label("Password").fill(password)
            page.get_by_role("button", name="Log in").click()
            page.wait_for_url(f"{live_server}/partnerships")
            pages[email] = page
        return pages[email]

    yield page_for
    problems = {email: page.problems for email, page in pages.items() if page.problems}
    for context in contexts:
        context.close()
    assert problems == {}

"""The normal deployment: behind a reverse proxy, on a PostgreSQL server that restarts.

DESIGN §10: trusted-proxy settings decide client addresses, HTTPS and rate limits;
pooled connections survive a database restart. The restart test runs its own
throwaway PostgreSQL cluster, so it runs in both passes of the suite.
"""
import http.cookiejar
import json
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import peewee
import pytest
from conftest import DEMO_PASSWORD, PG_URL, csrf_token, login
from throwaway_postgres import MissingPostgres, ThrowawayPostgres
from werkzeug.serving import make_server

from portal import config
from portal.accounts.models import LoginAttempt, User
from portal.db import CONNECTION_ERRORS, database
from portal.demo import load_demo

CLIENT = "198.51.100.10"
OTHER_CLIENT = "198.51.100.20"
PROXY = "10.0.0.2"


# --- Trusted proxies -------------------------------------------------------------------


def _fail_login(client, token, email, forwarded_for):
    return client.post("/login", data={"email": email, "password": "not the password",
                                       "csrf_token": token},
                       headers={"X-Forwarded-For": forwarded_for})


def _ips_recorded(app):
    with app.app_context():
        return [attempt.ip for attempt in LoginAttempt.select().order_by(LoginAttempt.id)]


def _per_ip_limit(app):
    """accounts/throttle.py allows an untrusted address ten times the failures of one email."""
    return app.config["PORTAL_LOGIN_MAX_FAILURES"] * 10


def test_trusted_proxies_setting_is_read_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.delenv("PORTAL_TRUSTED_PROXIES", raising=False)
    assert config.from_environment(tmp_path)["PORTAL_TRUSTED_PROXIES"] == 0
    monkeypatch.setenv("PORTAL_TRUSTED_PROXIES", "2")
    assert config.from_environment(tmp_path)["PORTAL_TRUSTED_PROXIES"] == 2


def test_a_negative_number_of_proxies_stops_start_up(make_app):
    with pytest.raises(ValueError, match="PORTAL_TRUSTED_PROXIES"):
        make_app(PORTAL_TRUSTED_PROXIES=-1)


def test_behind_one_proxy_failures_throttle_the_forwarded_address_only(make_app):
    # One failure per email, so only the per-address limit (10x) can block.
    app = make_app(PORTAL_TRUSTED_PROXIES=1, PORTAL_LOGIN_MAX_FAILURES=1)
    with app.app_context():
        load_demo(DEMO_PASSWORD)
    client = app.test_client()
    token = csrf_token(client)
    for n in range(_per_ip_limit(app)):
        response = _fail_login(client, token, f"guess{n}@client.example", CLIENT)
        assert response.status_code == 401
    blocked = _fail_login(client, token, "another@client.example", CLIENT)
    assert blocked.status_code == 429
    # The same proxy (the same REMOTE_ADDR) forwarding someone else: not throttled.
    other = _fail_login(client, token, "someone@client.example", OTHER_CLIENT)
    assert other.status_code == 401
    response = client.post("/login", data={"email": "peggy@client.example",
                                           "password": DEMO_PASSWORD, "csrf_token": token},
                           headers={"X-Forwarded-For": OTHER_CLIENT})
    assert response.status_code == 302
    assert set(_ips_recorded(app)) == {CLIENT, OTHER_CLIENT}


def test_without_a_trusted_proxy_a_forged_forwarded_for_does_not_escape_the_limit(make_app):
    app = make_app(PORTAL_LOGIN_MAX_FAILURES=1)
    assert app.config["PORTAL_TRUSTED_PROXIES"] == 0
    client = app.test_client()
    token = csrf_token(client)
    limit = _per_ip_limit(app)
    for n in range(limit):
        response = _fail_login(client, token, f"guess{n}@client.example", f"203.0.113.{n}")
        assert response.status_code == 401
    response = _fail_login(client, token, "another@client.example", "203.0.113.250")
    assert response.status_code == 429
    assert _ips_recorded(app) == ["127.0.0.1"] * limit


@pytest.mark.parametrize("hops, forwarded_for", [
    (1, f"6.6.6.6, {CLIENT}"),
    (2, f"6.6.6.6, {CLIENT}, {PROXY}"),
])
def test_only_the_entries_the_trusted_proxies_added_are_believed(make_app, hops, forwarded_for):
    """The client may send its own X-Forwarded-For; each proxy appends to the right."""
    app = make_app(PORTAL_TRUSTED_PROXIES=hops)
    client = app.test_client()
    token = csrf_token(client)
    _fail_login(client, token, "guess@client.example", forwarded_for)
    assert _ips_recorded(app) == [CLIENT]


@pytest.mark.parametrize("hops, hsts", [(1, True), (0, False)])
def test_https_at_the_proxy_sends_hsts_only_when_the_proxy_is_trusted(make_app, hops, hsts):
    client = make_app(PORTAL_TRUSTED_PROXIES=hops).test_client()
    forwarded = client.get("/login", headers={"X-Forwarded-Proto": "https"})
    assert ("Strict-Transport-Security" in forwarded.headers) is hsts
    assert "Strict-Transport-Security" not in client.get("/login").headers


@pytest.mark.parametrize("hops, location", [(1, "/portal/login"), (0, "/login")])
def test_a_path_prefix_from_a_trusted_proxy_is_kept_in_links(make_app, hops, location):
    client = make_app(PORTAL_TRUSTED_PROXIES=hops).test_client()
    response = client.get("/partnerships", headers={"X-Forwarded-Prefix": "/portal"})
    assert response.status_code == 302
    assert response.headers["Location"].startswith(location + "?")


# --- The database stops answering -----------------------------------------------------


def _refuse_connections(monkeypatch, app):
    """Make every new connection fail as it does while the server is down."""

    def refuse(*args, **kwargs):
        raise peewee.OperationalError("connection refused (the test stopped the database)")

    db = app.extensions["portal_db"]
    if not db.is_closed():  # SQLite keeps a connection between requests: it is lost too
        db.close()
    monkeypatch.setattr(db, "connect", refuse)


def _assert_unavailable_page(status, content_type, html):
    assert status == 503
    assert content_type.startswith("text/html")
    assert "Database not answering" in html
    assert 'class="site-header"' in html and 'class="site-footer"' in html  # the layout


def _assert_unavailable_json(status, body):
    assert status == 503
    assert json.loads(body) == {"status": "error",
                                "database": {"ok": False, "error": "OperationalError"}}


def test_with_the_database_down_pages_are_503_drawn_without_it(app, demo, client, monkeypatch):
    login(client, "peggy@client.example")
    with monkeypatch.context() as patch:
        _refuse_connections(patch, app)
        # Peggy's header (name, organization, notices, navigation) would need the database.
        response = client.get("/partnerships")
        html = response.get_data(as_text=True)
        _assert_unavailable_page(response.status_code, response.content_type, html)
        assert "Peggy" not in html
        assert response.headers["Retry-After"].isdigit()
        assert "database" in response.headers["X-Portal-Message"]
        health = client.get("/healthz")
        _assert_unavailable_json(health.status_code, health.get_data())
    # The session was left alone: Peggy is still logged in once the database answers.
    assert client.get("/partnerships").status_code == 200
    assert client.get("/healthz").status_code == 200


def test_other_database_errors_stay_500(make_app):
    app = make_app()

    @app.route("/-/test/locked")
    def locked():
        # What SQLite says when its busy timeout runs out: the connection is still fine.
        raise peewee.OperationalError("database is locked")

    response = app.test_client().get("/-/test/locked")
    assert response.status_code == 500
    assert "Something went wrong" in response.get_data(as_text=True)


# --- On the suite's PostgreSQL: connections the server ended ---------------------------

needs_postgres = pytest.mark.skipif(
    not PG_URL.startswith("postgres"),
    reason="needs PORTAL_TEST_DATABASE_URL=postgresql://… (tests/run.sh sets it)")


def _terminate_backends(url, pids=None):
    """End the portal's server processes from a second connection, as a restart does."""
    import psycopg2

    conn = psycopg2.connect(url)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND backend_type = 'client backend'")
        found = [pid for (pid,) in cur.fetchall() if pids is None or pid in pids]
        for pid in found:
            cur.execute("SELECT pg_terminate_backend(%s, 5000)", (pid,))
    conn.close()
    return found


def _backend_pid():
    return database.execute_sql("SELECT pg_backend_pid()").fetchone()[0]


@needs_postgres
def test_the_next_request_after_the_server_ended_pooled_connections_succeeds(
        app, demo, client):
    login(client, "peggy@client.example")
    assert client.get("/partnerships").status_code == 200
    assert _terminate_backends(PG_URL), "the pool held no connection to end"
    assert client.get("/partnerships").status_code == 200
    assert client.get("/healthz").status_code == 200


@needs_postgres
def test_a_quiet_pooled_connection_is_handed_out_without_asking_the_server(
        app, demo, client, monkeypatch):
    """peewee's check is a round trip (`SELECT 1`), which was half of what a kept page
    cost on PostgreSQL: it is made only when the server has said something."""
    adapter = app.extensions["portal_db"]._adapter
    asked, check = [], adapter.is_connection_closed
    monkeypatch.setattr(adapter, "is_connection_closed",
                        lambda conn: asked.append(conn) or check(conn))
    login(client, "peggy@client.example")
    for _ in range(3):
        assert client.get("/partnerships").status_code == 200
    assert asked == []
    assert _terminate_backends(PG_URL), "the pool held no connection to end"
    assert client.get("/partnerships").status_code == 200
    assert asked, "a connection the server ended was handed out without a check"


@needs_postgres
def test_a_statement_outside_a_transaction_is_retried_on_a_new_connection(app, demo):
    with app.app_context():
        database.connect(reuse_if_open=True)
        pid = _backend_pid()
        assert _terminate_backends(PG_URL, {pid}) == [pid]
        # Checked out before the server ended it: only the retry can save this query.
        assert User.select().count() > 0
        assert _backend_pid() != pid
        database.close()


@needs_postgres
def test_inside_a_transaction_a_lost_connection_is_an_error_not_a_silent_retry(app, demo):
    with app.app_context():
        database.connect(reuse_if_open=True)
        with pytest.raises(CONNECTION_ERRORS):
            with database.atomic():
                User.select().count()
                _terminate_backends(PG_URL, {_backend_pid()})
                User.select().count()
        database.close()
        database.connect()
        assert User.select().count() > 0
        database.close()


# --- A throwaway PostgreSQL cluster that the test stops and starts ----------------------


@pytest.fixture
def own_postgres():
    try:
        cluster = ThrowawayPostgres()
    except MissingPostgres as exc:
        pytest.fail(str(exc))
    try:
        yield cluster.init().start()
    finally:
        cluster.remove()


class Browser:
    """A logged-in visitor over real HTTP: cookies kept, error statuses returned."""

    def __init__(self, base):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def request(self, path, data=None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, body, timeout=10) as response:
                return response.status, response.headers["Content-Type"], response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers["Content-Type"], error.read()

    def token(self, path):
        html = self.request(path)[2].decode()
        return re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)

    def log_in(self, email):
        status, _, body = self.request("/login", {
            "email": email, "password": DEMO_PASSWORD, "csrf_token": self.token("/login")})
        assert status == 200 and b"Log out" in body  # followed the redirect, logged in


@pytest.fixture
def served(make_app, own_postgres):
    """The portal on the throwaway cluster, served over HTTP by threads like a worker."""
    app = make_app(PORTAL_DATABASE_URL=own_postgres.url)
    with app.app_context():
        partnership, _ = load_demo(DEMO_PASSWORD)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, Browser(f"http://127.0.0.1:{server.server_port}"), partnership.id
    server.shutdown()
    thread.join(5)
    app.extensions["portal_db"].close_all()


def _all_succeed(browser, partnership_id):
    """Several requests at once, so several pooled connections are checked out."""
    paths = ["/partnerships", f"/partnerships/{partnership_id}/", "/notifications",
             "/healthz"] * 3
    with ThreadPoolExecutor(max_workers=4) as pool:
        statuses = list(pool.map(lambda path: browser.request(path)[0], paths))
    assert statuses == [200] * len(paths), list(zip(paths, statuses))
    write = browser.request("/notifications/read",
                            {"csrf_token": browser.token("/notifications")})
    assert write[0] == 200  # the redirect back to the notifications page, followed


def test_the_portal_survives_a_postgresql_restart(served, own_postgres):
    app, browser, partnership_id = served
    browser.log_in("peggy@client.example")
    _all_succeed(browser, partnership_id)  # the pool now holds several connections

    own_postgres.stop()
    own_postgres.start()
    _all_succeed(browser, partnership_id)  # every pooled connection was dead

    own_postgres.stop()
    status, _, body = browser.request("/healthz")
    _assert_unavailable_json(status, body)
    status, content_type, body = browser.request("/partnerships")
    _assert_unavailable_page(status, content_type, body.decode())

    own_postgres.start()
    _all_succeed(browser, partnership_id)


def test_a_postgresql_url_may_name_the_servers_socket(make_app, own_postgres):
    """libpq's form for a server on the same host: the query's host is the socket's
    folder, and it wins over the (empty) host of the URL."""
    app = make_app(PORTAL_DATABASE_URL=own_postgres.socket_url)
    assert "host=" in own_postgres.socket_url and "@/" in own_postgres.socket_url
    with app.app_context():
        database.connect(reuse_if_open=True)
        # inet_server_addr() is NULL on a Unix-domain socket and 127.0.0.1 over TCP.
        assert database.execute_sql("SELECT inet_server_addr()").fetchone() == (None,)
        assert User.select().count() == 0  # the migrated schema, reached through it
        database.close()
    app.extensions["portal_db"].close_all()

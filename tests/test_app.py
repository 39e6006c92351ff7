"""The application shell: configuration, health, headers, htmx served locally."""
import re
from pathlib import Path

from portal import create_app
from portal.db import database

ROOT = Path(__file__).resolve().parent.parent


def test_healthz_reports_database_status(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["schema"]["core"]["applied"][0] == "001_baseline"
    assert body["schema"]["core"]["pending"] == [] and body["schema"]["kirkpatrick"]["pending"] == []


def test_healthz_and_pages_say_when_the_schema_needs_an_upgrade(make_app, demo):
    app = make_app()
    with app.app_context():
        database.execute_sql(
            "DELETE FROM migrate_history_plugin_supplier_selection WHERE name = '001_baseline'")
    client = app.test_client()
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "needs-upgrade" and body["needs_upgrade"] == ["supplier_selection"]
    assert body["schema"]["supplier_selection"]["pending"] == ["001_baseline"]
    assert "portal db upgrade" in body["action"]
    page = client.get("/login")
    assert page.status_code == 503
    assert "needs an upgrade" in page.get_data(as_text=True)
    assert "supplier_selection" in page.get_data(as_text=True)


def test_secret_key_is_generated_once_into_the_instance_folder(make_app):
    first = make_app()
    key_file = Path(first.instance_path) / "secret_key"
    assert key_file.is_file()
    assert first.config["SECRET_KEY"] == key_file.read_text().strip()
    assert len(first.config["SECRET_KEY"]) >= 32
    assert make_app().config["SECRET_KEY"] == first.config["SECRET_KEY"]


def test_secret_key_from_environment_wins(make_app, monkeypatch):
    monkeypatch.setenv("PORTAL_SECRET_KEY", "from-the-environment-0123456789")
    assert make_app().config["SECRET_KEY"] == "from-the-environment-0123456789"


def test_no_secret_key_constant_in_code():
    for path in (ROOT / "portal").rglob("*.py"):
        text = path.read_text()
        assert not re.search(r"SECRET_KEY\"?\s*[:=]\s*[\"'][^\"']+[\"']", text), path


def test_database_url_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path / "inst"))
    monkeypatch.setenv("PORTAL_DATABASE_URL", f"sqlite:///{tmp_path / 'elsewhere.db'}")
    app = create_app({"PORTAL_LOAD_INSTALLED_PLUGINS": False})
    assert app.config["PORTAL_DATABASE_URL"].endswith("elsewhere.db")
    assert database.obj.database == str(tmp_path / "elsewhere.db")


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(app):
    from portal.db import is_sqlite

    if not is_sqlite():
        return
    with app.app_context():
        database.connect(reuse_if_open=True)
        assert database.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert database.execute_sql("PRAGMA busy_timeout").fetchone()[0] >= 5000
        assert database.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1


def test_security_headers_and_csp_forbid_inline_script(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers.getlist("Cache-Control") == ["no-store"]
    for name in ("Referrer-Policy", "Permissions-Policy", "Cross-Origin-Opener-Policy"):
        assert len(response.headers.getlist(name)) == 1, name


def test_a_security_header_the_view_set_is_kept_and_the_others_added(app):
    from flask import Response

    from portal.security import set_security_headers

    with app.test_request_context():
        response = set_security_headers(Response(
            "<p>framed</p>", mimetype="text/html",
            headers={"Cache-Control": "private", "x-frame-options": "SAMEORIGIN"}))
    assert response.headers.getlist("Cache-Control") == ["private"]
    assert response.headers.getlist("X-Frame-Options") == ["SAMEORIGIN"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_pages_carry_no_inline_script(client):
    html = client.get("/login").get_data(as_text=True)
    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag, tag
    assert not re.search(r"\son[a-z]+=", html), "inline event handler found"


def test_htmx_2_is_served_by_the_portal(client):
    html = client.get("/login").get_data(as_text=True)
    src = re.search(r'<script src="(/-/htmx/[^"]+)"', html).group(1)
    script = client.get(src)
    assert script.status_code == 200
    assert script.get_data(as_text=True).startswith("var htmx=")
    assert 'version:"2.' in script.get_data(as_text=True)


def test_nothing_is_loaded_from_another_host():
    pattern = re.compile(r"(src|href)=\"(https?:)?//", re.I)
    for folder in ("portal", "plugins", "themes"):
        for path in (ROOT / folder).rglob("*.html"):
            assert not pattern.search(path.read_text()), path


def test_unknown_url_gets_the_portal_404_page(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "Not found" in html and "Partnership Portal" in html

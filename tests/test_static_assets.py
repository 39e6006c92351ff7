"""Static files (issue 12): URLs that name their content, kept a year by the browser,
sent compressed, and a first visit under 30 KB of JavaScript and CSS."""
import gzip
import re
import shutil
from pathlib import Path

import brotli
from conftest import login

from portal.assets import HTMX_VERSION

ROOT = Path(__file__).resolve().parent.parent
#: What a first visit may download in JavaScript and CSS, compressed (issue 12).
BUDGET = 30 * 1024


def assets_of(html):
    """The stylesheets and scripts a page loads, in order."""
    return (re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
            + re.findall(r'<script src="([^"]+)"', html))


def test_every_stylesheet_and_script_url_names_its_content(client, demo):
    login(client, "peggy@client.example")
    html = client.get(f"/partnerships/{demo.id}/programs").get_data(as_text=True)
    urls = assets_of(html.replace("&amp;", "&"))
    assert {"portal.css", "theme.css", "portal.js", "htmx.min.js", "kirkpatrick.css"} == {
        url.split("?")[0].rsplit("/", 1)[1] for url in urls}
    for url in urls:
        assert re.search(r"\?v=[0-9a-f]{12}$", url) or f"/-/htmx/{HTMX_VERSION}/" in url, url
        response = client.get(url)
        assert response.status_code == 200
        assert response.cache_control.max_age == 31536000 and response.cache_control.immutable
        assert not response.cache_control.no_cache, url  # else browsers ask again each time


def test_a_url_without_the_current_hash_is_checked_again_each_time(client):
    html = client.get("/login").get_data(as_text=True)
    css = next(url for url in assets_of(html) if "portal.css" in url)
    for stale in (css.split("?")[0], css.split("?")[0] + "?v=000000000000"):
        response = client.get(stale)
        assert response.status_code == 200  # a page cached before an upgrade still works
        assert response.cache_control.no_cache and not response.cache_control.immutable
    etag = client.get(css).headers["ETag"]
    assert client.get(css, headers={"If-None-Match": etag}).status_code == 304
    assert client.get(f"/-/htmx/{HTMX_VERSION}x/htmx.min.js").status_code == 404


def test_changing_a_theme_file_changes_its_url(make_app, tmp_path):
    themes = tmp_path / "themes"
    shutil.copytree(ROOT / "themes", themes)
    app = make_app(PORTAL_THEMES_DIR=str(themes))
    client = app.test_client()
    before = next(u for u in assets_of(client.get("/login").get_data(as_text=True))
                  if "theme.css" in u)
    css = themes / "default" / "static" / "theme.css"
    css.write_text(css.read_text() + "\n/* a new colour */\n")
    after = next(u for u in assets_of(client.get("/login").get_data(as_text=True))
                 if "theme.css" in u)
    assert before != after and before.split("?")[0] == after.split("?")[0]
    assert client.get(after).get_data(as_text=True).endswith("/* a new colour */\n")


def test_scripts_and_stylesheets_are_sent_compressed(client):
    html = client.get("/login").get_data(as_text=True)
    for url in assets_of(html):
        plain = client.get(url, headers={"Accept-Encoding": "identity"})
        assert "Content-Encoding" not in plain.headers
        for encoding, decode in (("gzip", gzip.decompress), ("br", brotli.decompress)):
            packed = client.get(url, headers={"Accept-Encoding": encoding})
            assert packed.headers["Content-Encoding"] == encoding, url
            assert "Accept-Encoding" in packed.headers["Vary"]
            assert int(packed.headers["Content-Length"]) < len(plain.data)
            assert decode(packed.data) == plain.data
    page = client.get("/login", headers={"Accept-Encoding": "gzip, br"})
    assert "Content-Encoding" not in page.headers  # pages: see portal/assets.py


def test_a_first_visit_loads_under_30_kb_of_script_and_style(client, demo):
    login(client, "peggy@client.example")
    sizes = {}
    for path in ("/login", "/partnerships", f"/partnerships/{demo.id}/",
                 f"/partnerships/{demo.id}/programs"):
        for url in assets_of(client.get(path).get_data(as_text=True).replace("&amp;", "&")):
            sizes[url] = len(client.get(url, headers={"Accept-Encoding": "br"}).data)
    print({url.split("?")[0]: size for url, size in sizes.items()})
    assert len(sizes) >= 5 and sum(sizes.values()) < BUDGET


def test_no_file_outside_the_static_folders_is_served(client):
    for url in ("/-/themes/default/../theme.toml", "/-/themes/default/%2e%2e/theme.toml",
                "/static/../app.py", "/-/plugins/kirkpatrick/../__init__.py"):
        assert client.get(url).status_code == 404, url

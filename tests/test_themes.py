"""Themes: discovery, per-organization choice, override order, the portal: prefix."""
from conftest import login, post

from portal.accounts.models import Organization


def test_both_shipped_themes_are_found(app):
    assert {"default", "high-contrast"} <= set(app.themes)
    assert app.themes["high-contrast"].title == "High contrast"


def test_org_admin_switches_the_organization_to_high_contrast(app, client, demo):
    login(client, "peggy@client.example")
    html = client.get("/partnerships").get_data(as_text=True)
    assert "/-/themes/default/theme.css" in html and "High contrast theme" not in html
    response = post(client, "/organization/theme", {"theme": "high-contrast"}, page="/organization")
    assert response.status_code == 302
    html = client.get("/partnerships").get_data(as_text=True)
    # The theme's own stylesheet, its template override, and the portal's layout beneath.
    assert "/-/themes/high-contrast/theme.css" in html
    assert 'data-theme="high-contrast"' in html
    assert "/-/themes/default/portal.css" in html
    assert "Leadership Academy 2027" in html
    with app.app_context():
        assert Organization.get_by_id(demo.client_id).theme == "high-contrast"


def test_the_other_organization_keeps_its_theme(client, demo):
    login(client, "peggy@client.example")
    post(client, "/organization/theme", {"theme": "high-contrast"}, page="/organization")
    post(client, "/logout")
    login(client, "jim@supplier.example")
    html = client.get("/partnerships").get_data(as_text=True)
    assert "/-/themes/default/theme.css" in html and 'data-theme="high-contrast"' not in html


def test_unknown_theme_is_refused(app, client, demo):
    login(client, "peggy@client.example")
    response = post(client, "/organization/theme", {"theme": "neon"}, page="/organization")
    assert response.status_code == 422
    assert "Pick one of the installed themes." in response.get_data(as_text=True)
    with app.app_context():
        assert Organization.get_by_id(demo.client_id).theme == "default"


def test_theme_files_are_served_and_traversal_is_not(client):
    assert client.get("/-/themes/high-contrast/theme.css").status_code == 200
    assert client.get("/-/themes/nope/theme.css").status_code == 404
    assert client.get("/-/themes/default/../theme.toml").status_code == 404


def test_theme_from_themes_dir_overrides_a_plugin_template_and_a_plugin_one_the_portal(
        make_app, tmp_path):
    themes = tmp_path / "themes"
    import shutil
    from pathlib import Path

    shutil.copytree(Path(__file__).resolve().parent.parent / "themes", themes)
    (themes / "default" / "templates" / "stage_guide").mkdir(parents=True)
    (themes / "default" / "templates" / "stage_guide" / "guide.html").write_text(
        "{% extends 'portal:errors/error.html' %}")
    app = make_app(PORTAL_THEMES_DIR=str(themes))
    with app.test_request_context():
        env = app.jinja_env
        source, filename, _ = env.loader.get_source(env, "stage_guide/guide.html")
        assert str(themes) in filename
        source, filename, _ = env.loader.get_source(env, "portal:base.html")
        assert filename.endswith("portal/templates/base.html")


def test_a_broken_theme_file_is_skipped(make_app, tmp_path):
    themes = tmp_path / "themes"
    (themes / "broken").mkdir(parents=True)
    (themes / "broken" / "theme.toml").write_text("name = \n")
    (themes / "fine").mkdir()
    (themes / "fine" / "theme.toml").write_text('name = "Fine"\n')
    app = make_app(PORTAL_THEMES_DIR=str(themes))
    assert set(app.themes) == {"default", "high-contrast", "fine"}  # the shipped ones stay


def test_a_theme_in_the_instance_folder_joins_the_shipped_ones(make_app, tmp_path):
    own = tmp_path / "instance" / "themes" / "acme"
    own.mkdir(parents=True)
    (own / "theme.toml").write_text('name = "Acme"\ndescription = "Our colours"\n')
    app = make_app()
    assert {"default", "high-contrast", "acme"} <= set(app.themes)
    assert app.themes["acme"].title == "Acme"

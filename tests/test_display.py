"""A person's own display settings (issue 14): high contrast, larger text, less motion,
following the person across organizations and devices and reaching the login page."""
from conftest import csrf_token, login, post

from portal.accounts.models import User

CONTRAST_LINK = 'href="/-/themes/high-contrast/theme.css'


def html_tag(client, path):
    html = client.get(path).get_data(as_text=True)
    return html[html.index("<html"):html.index(">", html.index("<html")) + 1], html


def test_without_settings_the_device_decides(client, demo):
    tag, html = html_tag(client, "/login")
    assert tag == '<html lang="en">'
    assert 'theme.css' in html and 'media="(prefers-contrast: more)"' in html
    assert 'Display settings</a>' in html


def test_a_visitor_switches_high_contrast_on_for_the_login_page(client, demo):
    response = client.post("/display", data={"contrast": "y", "csrf_token": csrf_token(client)})
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    assert "portal_display=contrast" in response.headers["Set-Cookie"]
    assert "HttpOnly" in response.headers["Set-Cookie"]
    tag, html = html_tag(client, "/login")
    assert tag == '<html lang="en" class="display-contrast">'
    link = html[html.index(CONTRAST_LINK) - 30:html.index(CONTRAST_LINK) + 120]
    assert "media=" not in link, link  # applied whatever the device says


def test_settings_are_kept_with_the_account_and_follow_the_person(app, client, demo):
    login(client, "carla@client.example")
    post(client, "/display", {"large": "y", "still": "y"})
    with app.app_context():
        assert User.get(User.email == "carla@client.example").display == "large still"
    assert html_tag(client, "/profile")[0] == '<html lang="en" class="display-large display-still">'
    # Another browser: nothing until she logs in, then her settings, then its cookie.
    other = app.test_client()
    assert html_tag(other, "/login")[0] == '<html lang="en">'
    login(other, "carla@client.example")
    response = other.get("/partnerships")
    assert 'class="display-large display-still"' in response.get_data(as_text=True)
    assert "portal_display=" in response.headers.get("Set-Cookie", "")
    # Logged out, that browser's login page keeps them.
    post(other, "/logout", page="/partnerships")
    assert html_tag(other, "/login")[0] == '<html lang="en" class="display-large display-still">'


def test_the_profile_shows_and_clears_the_settings(app, client, demo):
    login(client, "peggy@client.example")
    post(client, "/display", {"contrast": "y"})
    html = client.get("/profile").get_data(as_text=True)
    card = html[html.index('id="display-card"'):]
    assert 'checked id="contrast"' in card and 'checked id="large"' not in card
    post(client, "/display", {})
    with app.app_context():
        assert User.get(User.email == "peggy@client.example").display == ""
    assert html_tag(client, "/profile")[0] == '<html lang="en">'


def test_a_forged_or_hostile_cookie_yields_only_known_settings(client, demo):
    client.set_cookie("portal_display", 'large "><script>alert(1)</script> contrast')
    tag, html = html_tag(client, "/login")
    assert tag == '<html lang="en" class="display-contrast display-large">'
    assert "<script>alert" not in html


def test_a_post_without_the_csrf_token_changes_nothing(app, client, demo):
    login(client, "peggy@client.example")
    assert client.post("/display", data={"contrast": "y"}).status_code == 400
    with app.app_context():
        assert User.get(User.email == "peggy@client.example").display == ""

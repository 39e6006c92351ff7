"""Sessions that can be ended (issue 11): a session version in every session and
remember-me cookie, raised by a password change and by "Log out everywhere".

The attack: a remember-me cookie copied from someone's browser kept logging in for a
year from anywhere, whatever its owner did afterwards.
"""
import pytest
from conftest import DEMO_PASSWORD, csrf_token, post

from portal.accounts.models import User

JIM = "jim@supplier.example"
NEW_PASSWORD = "seven orange kites"


def log_in(client, email=JIM, password=DEMO_PASSWORD, remember=False):
    data = {"email": email, "password": password, "csrf_token": csrf_token(client)}
    if remember:
        data["remember"] = "y"
    response = client.post("/login", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:300]


def remember_cookie(client):
    cookie = client.get_cookie("remember_token")
    assert cookie is not None, "no remember-me cookie was set"
    return cookie.value


def replayed(app, value):
    """A fresh browser that has nothing but the captured remember-me cookie."""
    thief = app.test_client()
    thief.set_cookie("remember_token", value)
    return thief


def logged_in(client):
    response = client.get("/partnerships")
    if response.status_code == 302:
        assert "/login" in response.headers["Location"]
        return False
    assert response.status_code == 200
    return True


def test_a_user_id_names_the_session_version(app, demo):
    with app.app_context():
        jim = User.get(User.email == JIM)
        assert jim.session_version == 1 and jim.get_id() == f"{jim.id}:1"


def test_a_captured_remember_cookie_works_only_until_log_out_everywhere(app, demo):
    laptop = app.test_client()
    log_in(laptop, remember=True)
    captured = remember_cookie(laptop)
    assert logged_in(replayed(app, captured))  # what a copied cookie could do until now

    phone = app.test_client()
    log_in(phone)
    response = post(phone, "/logout/everywhere")
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    assert "You are logged out everywhere" in phone.get("/login").get_data(as_text=True)

    assert not logged_in(replayed(app, captured))
    assert not logged_in(laptop)
    assert not logged_in(phone)  # "everywhere" includes the browser that asked
    log_in(phone)  # the password still works


def test_a_password_change_ends_every_other_session_and_remember_cookie(app, demo):
    laptop, office = app.test_client(), app.test_client()
    log_in(laptop, remember=True)
    captured = remember_cookie(laptop)
    log_in(office)

    response = post(laptop, "/profile/password", {"pw-current": DEMO_PASSWORD,
                                                 "pw-new": NEW_PASSWORD})
    assert response.status_code == 302
    assert logged_in(laptop)  # the browser that changed it stays logged in
    assert not logged_in(office)
    assert not logged_in(replayed(app, captured))
    # The laptop asked to be remembered: its new cookie carries the new version.
    renewed = remember_cookie(laptop)
    assert renewed != captured and logged_in(replayed(app, renewed))


def test_a_plain_log_out_ends_only_this_session(app, demo):
    laptop, phone = app.test_client(), app.test_client()
    log_in(laptop)
    log_in(phone)
    post(laptop, "/logout")
    assert not logged_in(laptop) and logged_in(phone)


@pytest.mark.parametrize("stored", ["{id}", "{id}:2", "{id}:0", "{id}:x", "x:1", ":", "",
                                    "{id}:99999999999999999999", "{id}:１"])
def test_a_session_without_the_current_version_loads_nobody(app, demo, stored):
    """A session from before versions ("7"), a forged or damaged one: log in again, no 500."""
    with app.app_context():
        jim_id = User.get(User.email == JIM).id
    client = app.test_client()
    log_in(client)  # a real session (Flask-Login's "strong" protection wants its _id) …
    with client.session_transaction() as session:
        assert session["_user_id"] == f"{jim_id}:1"
        session["_user_id"] = stored.format(id=jim_id)  # … naming another token
    assert not logged_in(client)


def test_log_out_everywhere_needs_a_post_with_the_token(app, demo):
    client = app.test_client()
    log_in(client)
    assert client.get("/logout/everywhere").status_code == 405
    assert client.post("/logout/everywhere").status_code == 400
    assert logged_in(client)
    with app.app_context():
        assert User.get(User.email == JIM).session_version == 1


def test_the_profile_page_offers_log_out_everywhere(app, demo):
    client = app.test_client()
    log_in(client)
    html = client.get("/profile").get_data(as_text=True)
    assert 'action="/logout/everywhere"' in html and "Log out everywhere" in html

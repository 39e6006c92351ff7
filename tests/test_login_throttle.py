"""Login throttling that slows the guesser, not the people who never failed (issue 11).

OWASP's "device cookies": a browser that logged in to an account before is trusted for
that account, has its own small counter of failures, and is exempt from the lockout
other clients cause and from the per-address limit. Everyone else keeps the per-email
and per-address limits; no answer tells whether an account exists.
"""
import re

import pytest
from conftest import DEMO_PASSWORD, csrf_token, login, post
from itsdangerous import URLSafeSerializer

from portal.accounts.models import LoginAttempt, User
from portal.accounts.throttle import DEVICE_COOKIE
from portal.demo import load_demo

JIM = "jim@supplier.example"
CLIENT = "198.51.100.10"
OTHER_CLIENT = "198.51.100.20"


def attempt(client, email, password, **kwargs):
    return client.post("/login", data={"email": email, "password": password,
                                       "csrf_token": csrf_token(client)}, **kwargs)


def fail(client, email, times, **kwargs):
    for _ in range(times):
        response = attempt(client, email, "not the password", **kwargs)
        assert response.status_code in (401, 429)


def without_token(html):
    """A page with its CSRF token blanked: the token differs per session, not per case."""
    return re.sub(r'(name="csrf[-_]token"[^>]*?(?:content|value)=")[^"]*', r"\1", html)


def trusted_browser(app, email=JIM):
    """A browser that logged in to `email` once and logged out again: it keeps its
    device cookie."""
    browser = app.test_client()
    login(browser, email)
    post(browser, "/logout")
    return browser


def test_a_guesser_does_not_lock_out_a_browser_that_logged_in_before(app, demo):
    laptop = trusted_browser(app)
    guesser = app.test_client()
    fail(guesser, JIM, app.config["PORTAL_LOGIN_MAX_FAILURES"])
    assert attempt(guesser, JIM, DEMO_PASSWORD).status_code == 429  # even the right password
    assert attempt(laptop, JIM, DEMO_PASSWORD).status_code == 302
    # Jim logging in does not give the guesser a fresh start.
    assert attempt(app.test_client(), JIM, "another guess").status_code == 429


def test_colleagues_behind_one_address_are_not_stopped_by_its_limit(make_app):
    """The per-address limit (10x) blocks untrusted clients of a busy NAT address, not
    the people whose browsers logged in before."""
    app = make_app(PORTAL_LOGIN_MAX_FAILURES=1)
    with app.app_context():
        load_demo(DEMO_PASSWORD)
    laptop = trusted_browser(app)
    guesser = app.test_client()
    for n in range(10):
        assert attempt(guesser, f"guess{n}@client.example", "nope").status_code == 401
    assert attempt(guesser, "peggy@client.example", DEMO_PASSWORD).status_code == 429
    assert attempt(laptop, JIM, DEMO_PASSWORD).status_code == 302


def test_a_trusted_browser_has_its_own_small_counter(app, demo):
    laptop = trusted_browser(app)
    fail(laptop, JIM, app.config["PORTAL_LOGIN_MAX_FAILURES"])
    response = attempt(laptop, JIM, DEMO_PASSWORD)
    assert response.status_code == 429
    assert "Too many failed logins" in response.get_data(as_text=True)
    # Its failures are its own: another browser is not locked out by them.
    assert attempt(app.test_client(), JIM, DEMO_PASSWORD).status_code == 302
    with app.app_context():
        rows = list(LoginAttempt.select().where(LoginAttempt.email == JIM))
    assert len(rows) == 5 and all(row.device for row in rows)


def test_a_device_cookie_of_another_account_trusts_nothing_else(app, demo):
    """Sam logs in to his own account, then guesses Jim's: untrusted for Jim."""
    sam = trusted_browser(app, "sam@supplier.example")
    fail(sam, JIM, app.config["PORTAL_LOGIN_MAX_FAILURES"])
    assert attempt(sam, JIM, DEMO_PASSWORD).status_code == 429
    assert attempt(sam, "sam@supplier.example", DEMO_PASSWORD).status_code == 302


@pytest.mark.parametrize("forge", ["garbage", "other key", "wrong version"])
def test_a_forged_or_stale_device_cookie_is_untrusted(app, demo, forge):
    with app.app_context():
        jim = User.get(User.email == JIM)
    entry = [[jim.id, 2 if forge == "wrong version" else 1, "nonce", 2_000_000_000]]
    key = "not the portal's key" if forge == "other key" else app.secret_key
    value = URLSafeSerializer(key, salt="portal.device-cookie").dumps(entry)
    guesser = app.test_client()
    guesser.set_cookie(DEVICE_COOKIE, "garbage" if forge == "garbage" else value)
    fail(guesser, JIM, app.config["PORTAL_LOGIN_MAX_FAILURES"])
    assert attempt(guesser, JIM, DEMO_PASSWORD).status_code == 429


def test_log_out_everywhere_also_forgets_trusted_browsers(app, demo):
    laptop = trusted_browser(app)
    phone = app.test_client()
    login(phone, JIM)
    post(phone, "/logout/everywhere")
    fail(app.test_client(), JIM, app.config["PORTAL_LOGIN_MAX_FAILURES"])
    assert attempt(laptop, JIM, DEMO_PASSWORD).status_code == 429


def test_unknown_and_known_emails_are_throttled_alike(app, demo):
    answers = []
    for email in (JIM, "nobody@supplier.example"):
        client = app.test_client()
        fail(client, email, app.config["PORTAL_LOGIN_MAX_FAILURES"])
        blocked = attempt(client, email, DEMO_PASSWORD)
        answers.append((blocked.status_code, without_token(blocked.get_data(as_text=True))))
    assert answers[0] == answers[1] and answers[0][0] == 429
    assert "Too many failed logins. Try again in about 15 minutes." in answers[0][1]


def test_a_successful_login_sets_a_protected_device_cookie(make_app):
    """Signed, sent only over HTTPS when cookies are Secure, unreadable to scripts, and
    kept for a year: the device stays trusted as long as a remember-me cookie would."""
    app = make_app(SESSION_COOKIE_SECURE=True)
    with app.app_context():
        load_demo(DEMO_PASSWORD)
    client = app.test_client()
    response = attempt(client, JIM, DEMO_PASSWORD)
    header = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith(DEVICE_COOKIE))
    assert "HttpOnly" in header and "SameSite=Lax" in header and "Secure" in header
    assert "Max-Age=31536000" in header


def test_behind_a_trusted_proxy_the_real_addresses_are_counted(make_app):
    app = make_app(PORTAL_TRUSTED_PROXIES=1, PORTAL_LOGIN_MAX_FAILURES=1)
    with app.app_context():
        load_demo(DEMO_PASSWORD)
    via_proxy = {"X-Forwarded-For": CLIENT}
    first_visit, laptop = app.test_client(), app.test_client()
    assert attempt(first_visit, JIM, DEMO_PASSWORD, headers=via_proxy).status_code == 302
    laptop.set_cookie(DEVICE_COOKIE, first_visit.get_cookie(DEVICE_COOKIE).value)
    guesser = app.test_client()
    for n in range(10):
        assert attempt(guesser, f"guess{n}@client.example", "nope", headers=via_proxy).status_code == 401
    assert attempt(guesser, "peggy@client.example", DEMO_PASSWORD, headers=via_proxy).status_code == 429
    # The same address, a browser trusted for Jim: in. Another address: not throttled.
    assert attempt(laptop, JIM, DEMO_PASSWORD, headers=via_proxy).status_code == 302
    other = {"X-Forwarded-For": OTHER_CLIENT}
    assert attempt(app.test_client(), "peggy@client.example", DEMO_PASSWORD, headers=other).status_code == 302
    with app.app_context():
        assert {row.ip for row in LoginAttempt.select()} == {CLIENT}


# --- Changing one's password checks the current one: throttled like a login ------------

def change(client, current, new="seven orange kites"):
    return post(client, "/profile/password", {"pw-current": current, "pw-new": new})


def test_guessing_the_current_password_is_throttled_like_a_login(app, demo):
    session = app.test_client()
    login(session, JIM)
    for _ in range(app.config["PORTAL_LOGIN_MAX_FAILURES"]):
        wrong = change(session, "a guess at it")
        assert wrong.status_code == 422
        assert "That is not your current password." in wrong.get_data(as_text=True)
    blocked = change(session, DEMO_PASSWORD)
    assert blocked.status_code == 429
    assert "Too many wrong passwords. Try again in about" in blocked.get_data(as_text=True)
    with app.app_context():
        assert User.get(User.email == JIM).check_password(DEMO_PASSWORD)


def test_a_stolen_session_guessing_the_password_counts_against_the_account(app, demo):
    """A thief with only the session cookie is an untrusted client: the failures count
    per email, like a guesser at the login page, and trusted browsers still get in."""
    laptop = trusted_browser(app)
    thief = app.test_client()
    login(thief, JIM)
    thief.delete_cookie(DEVICE_COOKIE)
    for _ in range(app.config["PORTAL_LOGIN_MAX_FAILURES"]):
        change(thief, "a guess at it")
    assert attempt(app.test_client(), JIM, DEMO_PASSWORD).status_code == 429
    assert attempt(laptop, JIM, DEMO_PASSWORD).status_code == 302

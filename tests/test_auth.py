"""Logging in and out, throttling, CSRF and oversized requests."""
from conftest import DEMO_PASSWORD, csrf_token, login, post

from portal.accounts.models import LoginAttempt


def test_peggy_logs_in_and_sees_her_partnership(client, demo):
    response = login(client, "peggy@client.example")
    assert response.headers["Location"].endswith("/partnerships")
    html = client.get("/partnerships").get_data(as_text=True)
    assert "Leadership Academy 2027" in html
    assert "Co-creation &amp; delivery" in html


def test_email_is_case_insensitive(client, demo):
    login(client, "  Peggy@Client.EXAMPLE ")


def test_wrong_password_and_unknown_email_get_the_same_message(client, demo):
    messages = []
    for email, password in (("peggy@client.example", "wrong password"),
                            ("nobody@client.example", DEMO_PASSWORD)):
        response = client.post("/login", data={"email": email, "password": password,
                                                "csrf_token": csrf_token(client)})
        assert response.status_code == 401
        html = response.get_data(as_text=True)
        assert "That email and password do not match an account." in html
        messages.append(html.count("do not match"))
    assert messages[0] == messages[1]


def test_empty_login_form_says_what_is_missing(client, demo):
    response = client.post("/login", data={"csrf_token": csrf_token(client)})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Enter your email address." in html and "Enter your password." in html


def test_login_is_throttled_after_repeated_failures(app, client, demo):
    for _ in range(app.config["PORTAL_LOGIN_MAX_FAILURES"]):
        client.post("/login", data={"email": "jim@supplier.example", "password": "nope",
                                    "csrf_token": csrf_token(client)})
    response = client.post("/login", data={"email": "jim@supplier.example",
                                           "password": DEMO_PASSWORD,
                                           "csrf_token": csrf_token(client)})
    assert response.status_code == 429
    assert "Too many failed logins" in response.get_data(as_text=True)
    with app.app_context():
        assert LoginAttempt.select().where(
            LoginAttempt.email == "jim@supplier.example").count() == 5
    # Another account is not locked by Jim's failures.
    login(client, "peggy@client.example")


def test_successful_login_clears_failures(app, client, demo):
    client.post("/login", data={"email": "jim@supplier.example", "password": "nope",
                                "csrf_token": csrf_token(client)})
    login(client, "jim@supplier.example")
    with app.app_context():
        assert LoginAttempt.select().where(
            LoginAttempt.email == "jim@supplier.example").count() == 0


def test_login_without_csrf_token_is_refused_with_a_message(client, demo):
    response = client.post("/login", data={"email": "peggy@client.example",
                                           "password": DEMO_PASSWORD})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Form expired" in html and "security token" in html


def test_wrong_csrf_token_is_refused(client, demo):
    csrf_token(client)
    response = client.post("/login", data={"email": "peggy@client.example",
                                           "password": DEMO_PASSWORD,
                                           "csrf_token": "forged"})
    assert response.status_code == 400


def test_logout_needs_post_with_csrf(client, demo):
    login(client, "peggy@client.example")
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400
    assert client.get("/partnerships").status_code == 200
    response = post(client, "/logout")
    assert response.status_code == 302
    assert client.get("/partnerships").status_code == 302  # back to the login page


def test_next_parameter_only_redirects_inside_the_portal(client, demo):
    token = csrf_token(client)
    response = client.post("/login?next=https://evil.example/", data={
        "email": "peggy@client.example", "password": DEMO_PASSWORD, "csrf_token": token})
    assert response.headers["Location"].endswith("/partnerships")


def test_pages_need_a_login(client, demo):
    response = client.get(f"/partnerships/{demo.id}/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_htmx_requests_send_the_token_as_a_header(client, demo):
    login(client, "peggy@client.example")
    token = csrf_token(client, "/profile")
    page = f"/partnerships/{demo.id}/members"
    refused = client.post(page, data={"user": "1", "role": "member"},
                          headers={"HX-Request": "true"})
    assert refused.status_code == 400
    assert refused.headers["X-Portal-Message"].startswith("This form has expired")
    accepted = client.post(page, data={"user": "999999", "role": "member"},
                           headers={"HX-Request": "true", "X-CSRFToken": token})
    assert accepted.status_code == 422  # past CSRF, stopped by validation


def test_oversized_form_is_refused_in_the_layout(client, demo):
    login(client, "peggy@client.example")
    response = client.post("/profile", data={"name": "x" * (2 * 1024 * 1024),
                                             "csrf_token": csrf_token(client, "/profile")})
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert "larger than the portal accepts" in html and "Partnership Portal" in html


def test_unexpected_errors_show_no_stack_trace(app, client, demo):
    @app.route("/boom")
    def boom():
        raise RuntimeError("secret internals")

    response = client.get("/boom")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "Something went wrong" in html
    assert "secret internals" not in html and "Traceback" not in html

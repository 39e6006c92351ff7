"""Passwords after NIST SP 800-63B (issue 11): at least 10 characters, no composition
rules, and never a common password nor the account's own email or name. One rule for
every place a password is set; the demo keeps setting its own."""
import pytest
from click.testing import CliRunner
from conftest import DEMO_PASSWORD, login, post
from flask.cli import ScriptInfo

from portal import cli
from portal.accounts.models import Organization, User
from portal.demo import load_demo

COMMON = "This is one of the most common passwords"
OWN = "Do not use the email address or name of the account"


def test_the_list_of_common_passwords_ships_with_the_portal():
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    from portal.accounts.passwords import common_passwords

    assert len(FREQUENCY_LISTS["passwords"]) >= 10_000
    assert {"password123", "qwertyuiop", "1q2w3e4r5t"} <= common_passwords()


@pytest.mark.parametrize("password, problem", [
    ("short", "Use at least 10 characters."),
    ("x" * 201, "Use at most 200 characters."),
    ("password123", COMMON),
    ("PassWord123", COMMON),       # case does not matter
    ("password 123", COMMON),      # nor spaces
    ("qwertyuiop", COMMON),
    ("1234567890", COMMON),
    ("JimHalpert1", None),
    ("Jim Halpert", None),         # 11 characters, but his name: see below
    ("seven orange kites", None),  # a passphrase: no digit, capital or symbol needed
    ("éléphant rose", None),
])
def test_the_password_rule(password, problem):
    from portal.accounts.passwords import password_problem

    found = password_problem(password, email="someone@else.example", name="Someone Else")
    if problem is None:
        assert found is None
    else:
        assert found is not None and found.startswith(problem)


@pytest.mark.parametrize("password", ["jim@supplier.example", "JIM@SUPPLIER.EXAMPLE",
                                      "jim halpert", "JimHalpert", "partnership portal"])
def test_the_accounts_own_email_and_name_are_refused(password):
    from portal.accounts.passwords import password_problem

    problem = password_problem(password, email="jim@supplier.example", name="Jim Halpert")
    assert problem and problem.startswith(OWN)


def test_a_common_new_password_is_refused_beside_the_field_on_the_profile(app, client, demo):
    login(client, "jim@supplier.example")
    for new, message in (("qwertyuiop", COMMON), ("Jim Halpert", OWN)):
        response = post(client, "/profile/password", {"pw-current": DEMO_PASSWORD, "pw-new": new})
        assert response.status_code == 422
        html = response.get_data(as_text=True)
        beside = html[html.index('id="pw-new"'):]
        assert 'class="field__error" id="pw-new-error"' in beside[:600]
        assert message in beside[:900]
    with app.app_context():
        assert User.get(User.email == "jim@supplier.example").check_password(DEMO_PASSWORD)


@pytest.mark.parametrize("page, action, extra", [
    ("/organization", "/organization/users", {}),
    ("/admin/", "/admin/users", {"organization": None}),
])
def test_admins_cannot_give_a_new_account_a_common_password_or_its_own_name(
        app, client, demo, page, action, extra):
    login(client, "admin@portal.example" if page == "/admin/" else "peggy@client.example")
    if "organization" in extra:
        with app.app_context():
            extra = {"organization": Organization.get(Organization.name == "Northwind Learning").id}
    for password, message in (("password123", COMMON), ("Olga Owens", OWN),
                              ("olga@client.example", OWN)):
        response = post(client, action, {"name": "Olga Owens", "email": "olga@client.example",
                                         "password": password, "org_role": "member", **extra},
                        page=page)
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)
    with app.app_context():
        assert User.get_or_none(User.email == "olga@client.example") is None


def test_create_user_command_uses_the_same_rule(app, monkeypatch):
    monkeypatch.setattr(cli, "create_app", lambda: app)

    def run(password):
        return CliRunner().invoke(cli.main, [
            "create-user", "--email", "lee@acme.example", "--name", "Lee Acmeson",
            "--organization", "Acme", "--kind", "supplier", "--password", password],
            obj=ScriptInfo(create_app=lambda: app))

    for password, message in (("1q2w3e4r5t", COMMON), ("lee@acme.example", OWN),
                              ("Lee Acmeson", OWN)):
        result = run(password)
        assert result.exit_code != 0 and message in result.output
    assert run("seven orange kites").exit_code == 0


def test_the_demo_sets_its_own_password_even_a_short_one(app):
    """PORTAL_DEMO_PASSWORD is the demo's to choose; the rule is for real accounts."""
    with app.app_context():
        load_demo("demo")
    login(app.test_client(), "jim@supplier.example", "demo")

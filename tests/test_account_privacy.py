"""An organization admin adding a person learns nothing about other organizations'
accounts (issue 11): "this address has an account elsewhere" answers exactly like any
other refusal that does not concern the admin's own organization."""
import re

from conftest import csrf_token, login, post

from portal.accounts.models import User
from portal.audit import AuditEntry

NOT_CREATED = ("No account was created for this address. Check the address with the "
               "person; if it is right, ask a site admin to add them.")
PEGGY = "peggy@client.example"  # admin of Northwind Learning
ELSEWHERE = "jim@supplier.example"  # has an account at Supplier Co


def add_person(client, email, name="New Person"):
    return post(client, "/organization/users", {"name": name, "email": email,
                                                "password": "seven orange kites",
                                                "org_role": "member"}, page="/organization")


def answer(response, email):
    """Status and page, with what the admin typed and the session's token blanked."""
    html = response.get_data(as_text=True).replace(email, "ADDRESS")
    return response.status_code, re.sub(r'(name="csrf[-_]token"[^>]*?(?:content|value)=")[^"]*',
                                        r"\1", html)


def test_an_address_with_an_account_elsewhere_answers_like_any_refusal(app, demo):
    client = app.test_client()
    login(client, PEGGY)
    elsewhere = add_person(client, ELSEWHERE)
    status, page = answer(elsewhere, ELSEWHERE)
    assert status == 409
    assert NOT_CREATED in page
    assert "Supplier Co" not in page and "already has an account" not in page
    # Refused often enough, the admin gets the same answer for every address, fresh or
    # not: so the answer above can be no more than "not created".
    limit = app.config["PORTAL_LOGIN_MAX_FAILURES"]
    others = ["sofia@supplier.example", "sam@supplier.example", "admin@portal.example"]
    for n in range(limit - 1):
        assert add_person(client, others[n % len(others)]).status_code == 409
    fresh = add_person(client, "fresh.person@client.example")
    again = add_person(client, ELSEWHERE)
    assert answer(fresh, "fresh.person@client.example") == (status, page)
    assert answer(again, ELSEWHERE) == (status, page)
    with app.app_context():
        assert User.get_or_none(User.email == "fresh.person@client.example") is None
        assert User.get(User.email == ELSEWHERE).organization.name == "Supplier Co"
        refused = [e.details["email"] for e in AuditEntry.select().where(
            AuditEntry.action == "account_not_created").order_by(AuditEntry.id)]
    # Every probe is in the audit log for the site admin.
    assert refused[0] == ELSEWHERE and "fresh.person@client.example" in refused


def test_fresh_addresses_are_created_until_refusals_pile_up(app, demo):
    client = app.test_client()
    login(client, PEGGY)
    assert add_person(client, ELSEWHERE).status_code == 409
    assert add_person(client, "olga@client.example").status_code == 302
    with app.app_context():
        assert User.get(User.email == "olga@client.example").organization.name == "Northwind Learning"


def test_the_site_admin_is_told_the_address_is_taken(app, demo):
    client = app.test_client()
    login(client, "admin@portal.example")
    with app.app_context():
        from portal.accounts.models import Organization

        org = Organization.get(Organization.name == "Northwind Learning").id
    response = post(client, "/admin/users", {"organization": org, "name": "Jim Again",
                                             "email": ELSEWHERE, "password": "seven orange kites",
                                             "org_role": "member"}, page="/admin/")
    assert response.status_code == 409
    assert "Someone already has an account with this email." in response.get_data(as_text=True)


def test_the_members_page_offers_only_the_admins_own_people(app, demo):
    """Adding a member picks from a list of the admin's own organization: an id from
    another organization answers like an id of nobody."""
    client = app.test_client()
    login(client, PEGGY)
    with app.app_context():
        outsider = User.get(User.email == "sam@supplier.example").id
    page = f"/partnerships/{demo.id}/members"
    token = csrf_token(client, page)
    answers = [client.post(page, data={"user": str(user), "role": "member", "csrf_token": token})
               for user in (outsider, 999_999)]
    assert [a.status_code for a in answers] == [422, 422]
    assert answer(answers[0], "") == answer(answers[1], "")
    assert "Choose someone from the list." in answers[0].get_data(as_text=True)

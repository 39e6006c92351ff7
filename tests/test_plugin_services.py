"""The portal operations offered to plugins: organizations and creating partnerships."""
import pytest
from conftest import login

import portal
from portal.partnerships.models import Partnership, PartnershipMember


def test_organizations_and_the_current_one(app, demo):
    with app.test_request_context():
        names = [o.name for o in portal.organizations(kind="supplier")]
        assert "Supplier Co" in names and "Northwind Learning" not in names
        assert portal.current_organization() is None


def test_current_organization_of_a_logged_in_user(app, demo):
    client = app.test_client()
    login(client, "peggy@client.example")
    with client.application.test_request_context():
        from flask_login import login_user
        from portal.accounts.models import User

        login_user(User.get(User.email == "peggy@client.example"))
        assert portal.current_organization().name == "Northwind Learning"


def test_create_partnership_is_idempotent_and_adds_members(app, demo):
    with app.test_request_context():
        pid = portal.create_partnership("Pilot", demo.client_id, demo.supplier_id,
                                        members=[(1, "sponsor")])
        again = portal.create_partnership("Pilot", demo.client_id, demo.supplier_id,
                                          members=[(1, "sponsor")])
        assert pid == again
        assert Partnership.get_by_id(pid).stage == "onboarding"
        assert PartnershipMember.select().where(PartnershipMember.partnership == pid).count() == 1
        assert portal.partnership_url(pid) == f"/partnerships/{pid}/"
        with pytest.raises(ValueError, match="two different organizations"):
            portal.create_partnership("Self", demo.client_id, demo.client_id)

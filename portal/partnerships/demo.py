"""The demo client's second supplier: a younger partnership (onboarding, its contract
ending within the review window), so the client's portfolio has rows that differ."""
import datetime as dt

from werkzeug.security import generate_password_hash

from portal.accounts.models import Organization, User
from portal.db import database
from portal.demo import CLIENT
from portal.partnerships.models import Partnership, PartnershipMember

#: The client's second supplier, so the client's portfolio has more than one row.
SECOND_SUPPLIER = "Brightpath Learning"
SECOND_PARTNERSHIP = "Sales Onboarding Pilot"
# (email, name, org role at the second supplier, role in the second partnership)
SECOND_PEOPLE = [("maya@brightpath.example", "Maya Chen", "admin", "sponsor")]
SECOND_CLIENT_ROLES = {"peggy@client.example": "sponsor", "carla@client.example": "editor"}


def load_demo_second_supplier(password):
    """The second partnership with its supplier's sponsor (idempotent; her password is
    reset to `password` like every demo person's)."""
    with database.atomic():
        client = Organization.get(Organization.name == CLIENT)
        supplier, _ = Organization.get_or_create(name=SECOND_SUPPLIER, defaults={"kind": "supplier"})
        partnership, _ = Partnership.get_or_create(
            name=SECOND_PARTNERSHIP, client=client, supplier=supplier,
            defaults={"stage": "onboarding", "contract_end": dt.date.today() + dt.timedelta(days=75),
                      "description": "A six-month pilot of blended onboarding for new sales hires."})
        members = [(User.get(User.email == email), role) for email, role in SECOND_CLIENT_ROLES.items()]
        for email, name, org_role, role in SECOND_PEOPLE:
            user = User.get_or_none(User.email == email) or User(
                email=email, name=name, organization=supplier, org_role=org_role)
            user.password_hash = generate_password_hash(password)
            user.save()
            members.append((user, role))
        for user, role in members:
            PartnershipMember.get_or_create(partnership=partnership, user=user, defaults={"role": role})
    return partnership

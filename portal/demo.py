"""Demo data: a client, a supplier, one partnership between them and their people."""
import datetime as dt
import os
import secrets

from werkzeug.security import generate_password_hash

from portal.accounts.models import Organization, User
from portal.db import database
from portal.partnerships.models import Partnership, PartnershipMember

CLIENT = "Northwind Learning"
SUPPLIER = "Supplier Co"
OPERATOR = "Portal Operations"
PARTNERSHIP = "Leadership Academy 2027"

# (email, name, organization, org role, partnership role or None, site admin)
PEOPLE = [
    ("peggy@client.example", "Peggy Olson", CLIENT, "admin", "sponsor", False),
    ("carla@client.example", "Carla Mendes", CLIENT, "member", "editor", False),
    ("victor@client.example", "Victor Hale", CLIENT, "member", "viewer", False),
    ("jim@supplier.example", "Jim Halpert", SUPPLIER, "member", "editor", False),
    ("sofia@supplier.example", "Sofia Brandt", SUPPLIER, "admin", "sponsor", False),
    ("sam@supplier.example", "Sam Okafor", SUPPLIER, "member", "member", False),
    ("admin@portal.example", "Ada Admin", OPERATOR, "member", None, True),
]


def demo_password():
    """PORTAL_DEMO_PASSWORD when set, else a fresh random one for this start."""
    return os.environ.get("PORTAL_DEMO_PASSWORD") or secrets.token_urlsafe(9)


def load_demo(password):
    """Create the demo organizations, people and partnership (idempotent).

    Passwords of the demo people are reset to `password` on every run, so the one the
    command prints always works.
    """
    password_hash = generate_password_hash(password)  # one scrypt run, not one per person
    with database.atomic():
        client, _ = Organization.get_or_create(name=CLIENT, defaults={"kind": "client"})
        supplier, _ = Organization.get_or_create(name=SUPPLIER, defaults={"kind": "supplier"})
        operator, _ = Organization.get_or_create(name=OPERATOR, defaults={"kind": "both"})
        orgs = {CLIENT: client, SUPPLIER: supplier, OPERATOR: operator}
        partnership, _ = Partnership.get_or_create(
            name=PARTNERSHIP, client=client, supplier=supplier,
            defaults={
                "stage": "co_creation",
                "contract_end": dt.date.today() + dt.timedelta(days=300),
                "description": "A two-year leadership development program for first-line "
                               "managers, co-designed by both teams.",
            })
        users = []
        for email, name, org, org_role, role, site_admin in PEOPLE:
            user = User.get_or_none(User.email == email)
            if user is None:
                user = User(email=email, name=name, organization=orgs[org],
                            org_role=org_role, is_site_admin=site_admin)
            user.password_hash = password_hash
            user.save()
            users.append(user)
            if role:
                PartnershipMember.get_or_create(partnership=partnership, user=user,
                                                defaults={"role": role})
    return partnership, users

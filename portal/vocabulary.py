"""The partnership vocabulary the whole portal shares, taken from the seed documents.

Keys are stored and compared; labels are lazy translations (str() them for str work)."""
from flask_babel import lazy_gettext as _l  # escaped in pages: portal/i18n.py

# Seed 002, "the lifecycle of a lasting training partnership": four stages.
LIFECYCLE_STAGES = (
    ("selection", _l("Selection")),
    ("onboarding", _l("Onboarding & immersion")),
    ("co_creation", _l("Co-creation & delivery")),
    ("governance", _l("Governance & growth")),
)
STAGE_LABELS = dict(LIFECYCLE_STAGES)

# Partnership roles, weakest first: each role can do what the ones before it can.
PARTNERSHIP_ROLES = (
    ("viewer", _l("Viewer")),
    ("member", _l("Member")),
    ("editor", _l("Editor")),
    ("sponsor", _l("Sponsor")),
)
ROLE_LABELS = dict(PARTNERSHIP_ROLES)
ROLE_RANK = {role: rank for rank, (role, _) in enumerate(PARTNERSHIP_ROLES)}

ORGANIZATION_KINDS = (
    ("client", _l("Client (buys training)")),
    ("supplier", _l("Supplier (provides training)")),
    ("both", _l("Both")),
)
KIND_LABELS = dict(ORGANIZATION_KINDS)

ORG_ROLES = (("member", _l("Member")), ("admin", _l("Organization admin")))


def role_at_least(role, minimum):
    return ROLE_RANK.get(role, -1) >= ROLE_RANK[minimum]

#: How a person gets their notifications by e-mail (profile; portal/reminders.py).
MAIL_FREQUENCIES = (("immediately", _l("Each notification as it comes")),
                    ("daily", _l("A daily digest")),
                    ("off", _l("No e-mail")))

"""The partnership vocabulary the whole portal shares, taken from the seed documents."""

# Seed 002, "the lifecycle of a lasting training partnership": four stages.
LIFECYCLE_STAGES = (
    ("selection", "Selection"),
    ("onboarding", "Onboarding & immersion"),
    ("co_creation", "Co-creation & delivery"),
    ("governance", "Governance & growth"),
)
STAGE_LABELS = dict(LIFECYCLE_STAGES)

# Partnership roles, weakest first: each role can do what the ones before it can.
PARTNERSHIP_ROLES = (
    ("viewer", "Viewer"),
    ("member", "Member"),
    ("editor", "Editor"),
    ("sponsor", "Sponsor"),
)
ROLE_LABELS = dict(PARTNERSHIP_ROLES)
ROLE_RANK = {role: rank for rank, (role, _) in enumerate(PARTNERSHIP_ROLES)}

ORGANIZATION_KINDS = (
    ("client", "Client (buys training)"),
    ("supplier", "Supplier (provides training)"),
    ("both", "Both"),
)
KIND_LABELS = dict(ORGANIZATION_KINDS)

ORG_ROLES = (("member", "Member"), ("admin", "Organization admin"))


def role_at_least(role, minimum):
    return ROLE_RANK.get(role, -1) >= ROLE_RANK[minimum]

#: How a person gets their notifications by e-mail (profile; portal/reminders.py).
MAIL_FREQUENCIES = (("immediately", "Each notification as it comes"),
                    ("daily", "A daily digest"),
                    ("off", "No e-mail"))

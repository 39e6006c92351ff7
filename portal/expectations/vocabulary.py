"""What an expectation can be about and whom it binds, in the words of the seeds.

Every expectation is tied to one of the six principles of seed 000 or one of the six
partnering attributes of seed 003, so a team can see which part of the relationship a
promise serves. The descriptions are short paraphrases for the page, not quotations.
"""
from flask_babel import lazy_gettext as _l

# Who expects what of whom. The order is the order of the groups on the page.
DIRECTIONS = (
    ("client_of_supplier", _l("The client expects of the supplier")),
    ("supplier_of_client", _l("The supplier expects of the client")),
    ("mutual", _l("Both expect of each other")),
)
DIRECTION_LABELS = dict(DIRECTIONS)
DIRECTION_SHORT = {
    "client_of_supplier": _l("Client → supplier"),
    "supplier_of_client": _l("Supplier → client"),
    "mutual": _l("Mutual"),
}

PRINCIPLES_GROUP = _l("Six principles (Power Up Your L&D Partnerships)")
ATTRIBUTES_GROUP = _l("Six partnering attributes (Partnership Relationship Management)")

# key, label, description, group
PRINCIPLES = (
    # Seed 000, "The Principles of Powered-Up Partnerships".
    ("commitment", _l("Commitment"),
     _l("Both parties are treated as equals and work towards a success they share."),
     PRINCIPLES_GROUP),
    ("communication", _l("Communication"),
     _l("Frequent, open, honest and timely conversations, concerns included."),
     PRINCIPLES_GROUP),
    ("credibility", _l("Credibility"),
     _l("Trusting and honoring what each party knows, can do and has done."),
     PRINCIPLES_GROUP),
    ("clarity", _l("Clarity"),
     _l("Personal, professional and organizational expectations are surfaced and managed."),
     PRINCIPLES_GROUP),
    ("cadence", _l("Cadence"),
     _l("A meaningful rhythm of schedules, milestones, deliverables and meetings."),
     PRINCIPLES_GROUP),
    ("collaboration", _l("Collaboration"),
     _l("Consistent win-win behavior that meets and exceeds what the project expects."),
     PRINCIPLES_GROUP),
    # Seed 003, PRM aspect #9: Partnership Continuum's Six Partnering Attributes.
    ("self_disclosure_feedback", _l("Self-disclosure and feedback"),
     _l("Saying openly what one needs and thinks, and giving and inviting feedback."),
     ATTRIBUTES_GROUP),
    ("win_win_orientation", _l("Win/win orientation"),
     _l("Resolving conflicts and solving problems so that every partner comes out ahead."),
     ATTRIBUTES_GROUP),
    ("ability_to_trust", _l("Ability to trust"),
     _l("Building trust through actions and words, and extending it to the partner."),
     ATTRIBUTES_GROUP),
    ("future_orientation", _l("Future orientation"),
     _l("Looking at what comes next rather than dwelling on past mistakes or glories."),
     ATTRIBUTES_GROUP),
    ("comfort_with_change", _l("Comfort with change"),
     _l("Welcoming change instead of holding on to the status quo."),
     ATTRIBUTES_GROUP),
    ("comfort_with_interdependence", _l("Comfort with interdependence"),
     _l("Valuing that each partner relies on the other to reach its goals."),
     ATTRIBUTES_GROUP),
)
PRINCIPLE_LABELS = {key: label for key, label, _, _ in PRINCIPLES}
PRINCIPLE_DESCRIPTIONS = {key: text for key, _, text, _ in PRINCIPLES}


def principle_label(key):
    return PRINCIPLE_LABELS.get(key, key)


def direction_label(key):
    return DIRECTION_LABELS.get(key, key)


def principle_groups():
    """[(group, [(key, label, description)])], principles first, as on the page."""
    groups = []
    for key, label, description, group in PRINCIPLES:
        if not groups or groups[-1][0] != group:
            groups.append((group, []))
        groups[-1][1].append((key, label, description))
    return groups

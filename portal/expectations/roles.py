"""Who may do what with expectations, beyond what access.py enforces for every route."""
from portal.vocabulary import role_at_least


def can_edit(membership):
    """Editors and sponsors write the expectations."""
    return membership is not None and role_at_least(membership.role, "editor")


def sees_everyone(membership, org_admin):
    """Editors, sponsors and (member) org admins follow up on who has not acknowledged."""
    return can_edit(membership) or (membership is not None and bool(org_admin))

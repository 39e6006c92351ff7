"""What a member sees first: what fits their side, role, the partnership's stage, and
what the partnership pinned or had tailored for it."""
from portal.content.library import tailored_for
from portal.content.models import Pin


def score(item, side, role, stage, pinned, partnership):
    points = 0
    if item.id in pinned:
        points += 100
    if tailored_for(item, partnership):
        points += 50
    if item.audience == side:
        points += 8
    elif item.audience == "both":
        points += 3
    else:
        points -= 10  # written for the other side: still listed, just later
    if item.stages and stage in item.stages:
        points += 6
    if item.roles and role in item.roles:
        points += 2
    return points


def pinned_ids(partnership):
    return {p.item_id for p in Pin.select(Pin.item).where(Pin.partnership == partnership)}


def ranked(items, partnership, membership, side, pinned=None):
    """Items ordered for this member: best fit first, then by title. `pinned`: the
    partnership's pinned ids when the caller has read them already."""
    pinned = pinned_ids(partnership) if pinned is None else pinned
    role = membership.role if membership else None
    return sorted(items, key=lambda item: (-score(item, side, role, partnership.stage, pinned,
                                                  partnership), item.title.lower()))

"""What a partnership pinned for its members; the ranking that puts pinned and tailored
items first is listing.py's."""
from portal.content.models import Pin


def pinned_ids(partnership):
    return {p.item_id for p in Pin.select(Pin.item).where(Pin.partnership == partnership)}

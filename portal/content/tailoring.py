"""What a partnership pinned for its members; the ranking that puts pinned and tailored
items first is listing.py's."""
from portal.content.models import Pin
from portal.prepared import Prepared


def pinned_ids(partnership):
    return {item_id for item_id, in _PINNED.rows(getattr(partnership, "id", partnership))}


_PINNED = Prepared(lambda partnership_id: Pin.select(Pin.item)
                   .where(Pin.partnership == partnership_id).tuples())

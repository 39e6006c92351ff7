"""Who a comment on the agreement mentions: members named with @First or @First Last,
who are then notified (views/comments.py)."""
import re

from portal.accounts.models import User
from portal.partnerships.models import PartnershipMember

MENTION = re.compile(r"@([A-Za-zÀ-ÿ][\w.'-]*(?: [A-Za-zÀ-ÿ][\w.'-]*)?)")


def mentioned(text, partnership):
    """Members named with @First or @First Last in a comment."""
    members = list(User.select().join(PartnershipMember, on=(PartnershipMember.user == User.id))
                   .where(PartnershipMember.partnership == partnership))
    found = {}
    for match in MENTION.finditer(text):
        words = match.group(1).lower()
        for user in members:
            full, first = user.name.lower(), user.name.split()[0].lower()
            if words == full or words.startswith(full) or words.split()[0] == first:
                found[user.id] = user
    return list(found.values())

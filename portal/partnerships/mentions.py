"""Who a text mentions: members of the partnership named with @First or @First Last in an
agreement comment or a cohort post, who are then notified."""
import re

from portal.accounts.models import User
from portal.partnerships.models import PartnershipMember

MENTION = re.compile(r"@([A-Za-zÀ-ÿ][\w.'-]*(?: [A-Za-zÀ-ÿ][\w.'-]*)?)")


def mentioned(text, partnership):
    """Members named with @First or @First Last in a text."""
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


def notify_mentioned(text, partnership, author_id, message, url, already=""):
    """Tell each member the text mentions, except its author and anyone `already` (the
    text before an edit) mentioned: an edit does not notify the same person twice."""
    from portal.notifications import notify

    before = {user.id for user in mentioned(already, partnership)} if already else set()
    for user in mentioned(text, partnership):
        if user.id != author_id and user.id not in before:
            notify(user.id, message, url, partnership=partnership)

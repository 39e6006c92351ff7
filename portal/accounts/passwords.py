"""The one rule for a new password, after NIST SP 800-63B (§3.1.1.2, "Password Verifiers").

At least 10 characters, no composition rules (no "a digit and a capital"), long
passphrases welcome, and refused when it is a password attackers try first: one of the
30,000 common passwords in zxcvbn's frequency list (shipped with the `zxcvbn` package,
so the check needs no network), or the account's own email address or name. Compared
without regard to case or spaces, since "Password 123" falls to the same guess as
"password123". Every place that sets a password uses `password_problem`: the profile,
the organization and site admin pages, and `portal create-user`.
"""
from functools import lru_cache

from flask_babel import gettext as _

MIN_LENGTH = 10
#: NIST asks for at least 64; a longer password only costs hashing time.
MAX_LENGTH = 200
#: Words of this site anyone would try.
SITE_WORDS = ("partnershipportal", "portalpassword")


@lru_cache(maxsize=1)
def common_passwords():
    """zxcvbn's list of common passwords (from breaches), lower-cased."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(word.lower() for word in FREQUENCY_LISTS["passwords"])


def _squeezed(text):
    return "".join((text or "").lower().split())


def password_problem(password, email="", name=""):
    """What is wrong with `password` for the account of `email` and `name`, or None."""
    password = password or ""
    if len(password) < MIN_LENGTH:
        return _("Use at least %(num)d characters.", num=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _("Use at most %(num)d characters.", num=MAX_LENGTH)
    squeezed = _squeezed(password)
    if password.lower() in common_passwords() or squeezed in common_passwords():
        return _("This is one of the most common passwords, which attackers try first. "
                 "Choose another: a few unrelated words make a good one.")
    own = {_squeezed(email), _squeezed(email.partition("@")[0]), _squeezed(name), *SITE_WORDS}
    if squeezed in own - {""}:
        return _("Do not use the email address or name of the account, nor the site name, "
                 "as its password.")
    return None

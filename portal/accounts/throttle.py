"""Slowing down password guessing without locking out people who never failed.

OWASP's "Slow Down Online Guessing Attacks with Device Cookies": a browser that has
logged in to an account gets a long-lived signed device cookie for it. An attempt that
presents a valid device cookie for the account it tries is trusted: only its own
failures count against it (a small per-device counter), never the failures of other
clients for the account nor those of its address. Every other attempt is untrusted and
keeps the per-email limit and, ten times as generous, the per-address limit. So a
guesser, or a colleague behind the same NAT or proxy address failing over and over,
blocks untrusted clients for a while but not the people who logged in from their own
browsers before.

Failures are rows in `login_attempt`, so the limits hold across worker processes. An
unknown email is throttled exactly like a known one: no device cookie can name it, and
its failures count per email and per address the same way.
"""
import datetime as dt
import secrets
import time

from flask import after_this_request, current_app, request
from flask_babel import ngettext
from itsdangerous import BadData, URLSafeSerializer

from portal.accounts.models import LoginAttempt, utcnow
from portal.security import client_ip

DEVICE_COOKIE = "portal_device"
DEVICE_SECONDS = 365 * 24 * 3600
#: Accounts one browser is trusted for (a shared computer, a few colleagues).
DEVICES_PER_BROWSER = 5
#: An address may fail this many times the per-email limit.
PER_ADDRESS = 10


def _signer():
    return URLSafeSerializer(current_app.secret_key, salt="portal.device-cookie")


def _devices():
    """The entries of this browser's device cookie: [user id, session version, nonce,
    issued at], newest first; nothing when the cookie is absent, forged or damaged."""
    raw = request.cookies.get(DEVICE_COOKIE)
    if not raw:
        return []
    try:
        entries = _signer().loads(raw)
    except BadData:
        return []
    if not isinstance(entries, list):
        return []
    return [e for e in entries if isinstance(e, list) and len(e) == 4
            and all(isinstance(v, int) for v in (e[0], e[1], e[3])) and isinstance(e[2], str)]


def trusted_device(user):
    """The nonce of this browser's device cookie for `user`, or None when the client is
    untrusted. A cookie from before the user's sessions were ended (a password change,
    "Log out everywhere") no longer counts."""
    entries, now = _devices(), time.time()
    if user is None:
        return None
    for user_id, version, nonce, issued in entries:
        if user_id == user.id and version == user.session_version and now - issued < DEVICE_SECONDS:
            return nonce
    return None


def trust_device(user):
    """After a successful login: this browser gets a fresh device cookie for `user`."""
    nonce = secrets.token_urlsafe(16)
    others = [e for e in _devices() if e[0] != user.id][:DEVICES_PER_BROWSER - 1]
    value = _signer().dumps([[user.id, user.session_version, nonce, int(time.time())]] + others)

    @after_this_request
    def set_cookie(response):
        response.set_cookie(DEVICE_COOKIE, value, max_age=DEVICE_SECONDS, httponly=True,
                            samesite="Lax", secure=current_app.config["SESSION_COOKIE_SECURE"])
        return response

    return nonce


def _window(config):
    return dt.timedelta(seconds=config["PORTAL_LOGIN_WINDOW_SECONDS"])


def wait_before_login(email, device, config, now=None):
    """Seconds to wait before the next try at the account `email`, or 0 when a try may
    be made. `device` is trusted_device()'s answer for that account."""
    now = now or utcnow()
    window = _window(config)
    limit = config["PORTAL_LOGIN_MAX_FAILURES"]
    if device:
        checks = [((LoginAttempt.device == device) & (LoginAttempt.email == email), limit)]
    else:
        untrusted = LoginAttempt.device.is_null()
        checks = [((LoginAttempt.email == email) & untrusted, limit),
                  ((LoginAttempt.ip == client_ip()) & untrusted, limit * PER_ADDRESS)]
    for condition, allowed in checks:
        recent = (LoginAttempt.select(LoginAttempt.at)
                  .where(condition, LoginAttempt.at > now - window)
                  .order_by(LoginAttempt.at.desc()).limit(allowed))
        times = [row.at for row in recent]
        if len(times) >= allowed:
            return max(1, int((times[-1] + window - now).total_seconds()))
    return 0


def record_failure(email, device, config):
    """Count a wrong password (or unknown email); forget failures past the window."""
    now = utcnow()
    LoginAttempt.delete().where(LoginAttempt.at <= now - _window(config)).execute()
    LoginAttempt.create(email=email, ip=client_ip(), device=device, at=now)


def clear_failures(email, device):
    """After the right password: this client's own failures no longer count.

    A trusted device forgets its counter; an untrusted client the untrusted failures for
    the account from its own address. Failures from elsewhere stay until they age out,
    so a guesser's count is not reset by the owner logging in.
    """
    if device:
        where = LoginAttempt.device == device
    else:
        where = LoginAttempt.device.is_null() & (LoginAttempt.ip == client_ip())
    LoginAttempt.delete().where(where, LoginAttempt.email == email).execute()


def wait_message(seconds, what="failed logins"):
    """`what`: "failed logins", "wrong passwords" or "invitation links that did not work"
    (each a whole sentence of its own, for translation)."""
    minutes = max(1, round(seconds / 60))
    if what == "wrong passwords":
        return ngettext("Too many wrong passwords. Try again in about %(num)d minute.",
                        "Too many wrong passwords. Try again in about %(num)d minutes.", minutes)
    if what == "invitation links that did not work":
        return ngettext("Too many invitation links that did not work. Try again in about "
                        "%(num)d minute.",
                        "Too many invitation links that did not work. Try again in about "
                        "%(num)d minutes.", minutes)
    return ngettext("Too many failed logins. Try again in about %(num)d minute.",
                    "Too many failed logins. Try again in about %(num)d minutes.", minutes)

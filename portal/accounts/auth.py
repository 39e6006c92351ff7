"""Logging in and out, with throttling; ending every session; the theme of the user's
organization."""
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, get_flashed_messages, redirect, request, url_for
from flask_babel import gettext
from flask_login import LoginManager, current_user, login_required, login_user, logout_user
from peewee import fn
from werkzeug.security import check_password_hash, generate_password_hash

from portal import audit
from portal.accounts.forms import LoginForm
from portal.accounts.models import Organization, User, normalize_email
from portal.accounts.throttle import (clear_failures, record_failure, trust_device,
                                      trusted_device, wait_before_login, wait_message)
from portal.db import data_version_sql
from portal.errors import error_page
from portal.forms import database_id
from portal.prepared import Prepared
from portal.rendering import is_htmx, render
from flask_babel import lazy_gettext as _l

bp = Blueprint("auth", __name__, template_folder="templates")
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = _l("Please log in to see that page.")
#: Flask-Login flashes the message as given: in the visitor's language, as a plain str.
login_manager.localize_callback = str
login_manager.login_message_category = "info"
login_manager.session_protection = "strong"

#: Compared against when the email is unknown, so both cases take the same time.
_DUMMY_HASH = None


def _user_query(user_id):
    """The user with what every page shows of them: their organization (whose theme the
    page is drawn in) and how many notifications they have not read; and the version of
    the data, read before anything else the page shows (portal/page_cache.py)."""
    from portal.notifications import Notification

    unread = (Notification.select(fn.COUNT(Notification.id))
              .where(Notification.user == User.id, Notification.read_at.is_null()))
    return (User.select(User, Organization, unread.alias("unread_notifications"),
                        data_version_sql().alias("data_version"))
            .join(Organization).where(User.id == user_id).limit(1))


_USER = Prepared(_user_query)


@login_manager.user_loader
def load_user(token):
    """The user a session or remember-me cookie names ("<id>:<session version>", see
    User.get_id), while that version is current: ending a user's sessions raises it."""
    user_id, _, version = token.partition(":")
    user_id, version = database_id(user_id), database_id(version)
    if user_id is None or version is None:
        return None  # a session from before versions, or a damaged one: log in again
    user = _USER.first(user_id)
    if user is None or not user.is_active or user.session_version != version:
        return None
    return user


def _logged_out_midway():
    """What a part of a page asked of the portal (a save in place, a draft, a heartbeat)
    after the session ended, redirected here: a refusal htmx does not swap, so the login
    page never lands inside the page and what was typed stays in its form; portal.js
    shows the message. The "please log in" the redirect flashed is not left for later."""
    get_flashed_messages()
    return error_page(401, gettext("You are logged out, so nothing was sent. Log in again in "
                                   "another tab, then send it again: what you typed is still "
                                   "here."), title=gettext("Logged out"))


def _safe_next(target):
    """Only same-site paths, never an absolute URL an attacker could plant."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
def login():
    global _DUMMY_HASH
    if current_user.is_authenticated:
        return redirect(url_for("partnerships.index"))
    if is_htmx() and request.method == "GET":
        return _logged_out_midway()
    form = LoginForm()
    if form.validate_on_submit():
        email = normalize_email(form.email.data)
        user = User.get_or_none(User.email == email)
        device = trusted_device(user)
        wait = wait_before_login(email, device, current_app.config)
        if wait:
            return error_page(429, wait_message(wait))
        if user is None:
            _DUMMY_HASH = _DUMMY_HASH or generate_password_hash("not a password")
            check_password_hash(_DUMMY_HASH, form.password.data)
        if user is not None and user.is_active and user.check_password(form.password.data):
            clear_failures(email, device)
            login_user(user, remember=form.remember.data)
            trust_device(user)
            audit.record("login", actor=user)
            return redirect(_safe_next(request.args.get("next")) or url_for("partnerships.index"))
        record_failure(email, device, current_app.config)
        # The same message for an unknown email and a wrong password.
        form.password.errors.append(gettext("That email and password do not match an account."))
        return render("accounts/login.html", form=form, status=401)
    return render("accounts/login.html", form=form, status=400 if form.errors else 200)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    logout_user()
    flash(gettext("You are logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/logout/everywhere", methods=["POST"])
@login_required
def logout_everywhere():
    """End every session of the user, this one included, and every remember-me cookie."""
    current_user.end_sessions()
    audit.record("logged_out_everywhere")
    logout_user()
    flash(gettext("You are logged out everywhere: every browser, this one included, needs "
                  "your password again."), "info")
    return redirect(url_for("auth.login"))


def init_app(app):
    login_manager.init_app(app)

"""Logging in and out, with throttling; the theme of the user's organization."""
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, g, redirect, request, url_for
from flask_login import LoginManager, current_user, login_required, login_user, logout_user

from portal import audit
from portal.accounts.forms import LoginForm
from portal.accounts.models import User, normalize_email
from portal.errors import error_page
from portal.rendering import render
from portal.security import clear_failed_logins, login_blocked, record_failed_login

bp = Blueprint("auth", __name__, template_folder="templates")
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Please log in to see that page."
login_manager.login_message_category = "info"
login_manager.session_protection = "strong"

#: Compared against when the email is unknown, so both cases take the same time.
_DUMMY_HASH = None


@login_manager.user_loader
def load_user(user_id):
    user = User.get_or_none(User.id == int(user_id))
    return user if user and user.is_active else None


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
    form = LoginForm()
    if form.validate_on_submit():
        email = normalize_email(form.email.data)
        wait = login_blocked(email, current_app.config)
        if wait:
            minutes = max(1, round(wait / 60))
            return error_page(429, f"Too many failed logins for this account. "
                                   f"Try again in about {minutes} minute(s).")
        user = User.get_or_none(User.email == email)
        if user is None:
            from werkzeug.security import check_password_hash, generate_password_hash

            _DUMMY_HASH = _DUMMY_HASH or generate_password_hash("not a password")
            check_password_hash(_DUMMY_HASH, form.password.data)
        if user is not None and user.is_active and user.check_password(form.password.data):
            clear_failed_logins(email)
            login_user(user, remember=form.remember.data)
            audit.record("login", actor=user)
            return redirect(_safe_next(request.args.get("next")) or url_for("partnerships.index"))
        record_failed_login(email)
        # The same message for an unknown email and a wrong password.
        form.password.errors.append("That email and password do not match an account.")
        return render("accounts/login.html", form=form, status=401)
    return render("accounts/login.html", form=form, status=400 if form.errors else 200)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    logout_user()
    flash("You are logged out.", "info")
    return redirect(url_for("auth.login"))


def _pick_theme():
    if current_user.is_authenticated:
        g.theme_name = current_user.organization.theme


def init_app(app):
    login_manager.init_app(app)
    app.before_request(_pick_theme)

"""A user's own profile, and the organization admin's page for people and theme."""
import datetime as dt

from flask import Blueprint, abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_remembered, login_required, login_user
from werkzeug.security import generate_password_hash

from portal import audit
from portal.accounts.forms import NewUserForm, PasswordForm, ProfileForm, ThemeForm
from portal.accounts.models import EmailTaken, User, create_account, normalize_email, utcnow
from portal.accounts.throttle import (clear_failures, record_failure, trust_device,
                                      trusted_device, wait_before_login, wait_message)
from portal.forms import options
from portal.rendering import render
from flask_babel import lazy_gettext as _l

bp = Blueprint("accounts", __name__, template_folder="templates")

#: What an organization admin is told whenever an account is not created for a reason
#: outside their organization: the address has an account elsewhere, or they have been
#: refused too often lately. The same words, status and page for each, so the answer
#: says nothing about other organizations' people.
NOT_CREATED = _l("No account was created for this address. Check the address with the "
                 "person; if it is right, ask a site admin to add them.")


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    form = ProfileForm(obj=current_user)
    password_form = PasswordForm(prefix="pw", account=current_user)
    if form.validate_on_submit():
        current_user.name = form.name.data.strip()
        current_user.timezone = form.timezone.data
        current_user.mail_frequency = form.mail_frequency.data or current_user.mail_frequency
        if "language" in request.form:  # a form from before languages keeps the choice made
            current_user.language = form.language.data or ""
        # Only these: a whole-row save could put back a session version raised meanwhile.
        current_user.save(only=[User.name, User.timezone, User.mail_frequency, User.language])
        flash(_("Your profile is saved."), "success")
        return redirect(url_for("accounts.profile"))
    status = 422 if form.errors else 200
    return render("accounts/profile.html", form=form, password_form=password_form,
                  status=status)


@bp.route("/profile/password", methods=["POST"])
@login_required
def change_password():
    """Checked and throttled like a login; every other session ends, this one stays."""
    form = ProfileForm(obj=current_user, formdata=None)
    password_form = PasswordForm(prefix="pw", account=current_user)
    status = 422
    if password_form.validate_on_submit():
        email, device = current_user.email, trusted_device(current_user)
        wait = wait_before_login(email, device, current_app.config)
        if wait:
            password_form.current.errors.append(wait_message(wait, "wrong passwords"))
            status = 429
        elif current_user.check_password(password_form.current.data):
            clear_failures(email, device)
            user = current_user.change_password(password_form.new.data)
            login_user(user, remember=login_remembered())
            trust_device(user)
            audit.record("password_changed", actor=user)
            flash(_("Your password is changed. Every other browser logged in as you needs the "
                    "new password now."), "success")
            return redirect(url_for("accounts.profile"))
        else:
            record_failure(email, device, current_app.config)
            password_form.current.errors.append(_("That is not your current password."))
    return render("accounts/profile.html", form=form, password_form=password_form,
                  status=status)


def _theme_options():
    return options((t.name, _(t.title)) for t in current_app.themes.values())


def _require_org_admin():
    if not current_user.is_org_admin:
        abort(403)


def _organization_page(user_form=None, theme_form=None, status=200):
    org = current_user.organization
    theme_form = theme_form or ThemeForm(theme=org.theme)
    theme_form.theme.choices = _theme_options()
    users = User.select().where(User.organization == org).order_by(User.name)
    return render("accounts/organization.html", org=org, users=users,
                  user_form=user_form or NewUserForm(), theme_form=theme_form,
                  themes=current_app.themes, block="org_users", status=status)


@bp.route("/organization")
@login_required
def organization():
    _require_org_admin()
    return _organization_page()


@bp.route("/organization/users", methods=["POST"])
@login_required
def create_user():
    _require_org_admin()
    form = NewUserForm()
    if not form.validate_on_submit():
        return _organization_page(user_form=form, status=422)
    org = current_user.organization
    if _refused_lately() < current_app.config["PORTAL_LOGIN_MAX_FAILURES"]:
        try:
            create_account_from(form, org)
            return redirect(url_for("accounts.organization"))
        except EmailTaken:
            holder = User.get_or_none(User.email == normalize_email(form.email.data))
            if holder is not None and holder.organization_id == org.id:
                form.email.errors.append(_("Someone in %(organization)s already has an account "
                                           "with this email.", organization=org.name))
                return _organization_page(user_form=form, status=409)
    else:
        generate_password_hash(form.password.data)  # the work an attempt would do
    audit.record("account_not_created", email=normalize_email(form.email.data),
                 organization=org.name)
    form.email.errors.append(NOT_CREATED)
    return _organization_page(user_form=form, status=409)


def _refused_lately():
    """How often the current admin was refused an account outside their organization
    within the login window: past the login limit every address is refused alike, so
    trying addresses one by one to find other organizations' people goes slowly, and
    each try is in the audit log."""
    since = utcnow() - dt.timedelta(seconds=current_app.config["PORTAL_LOGIN_WINDOW_SECONDS"])
    return (audit.AuditEntry.select()
            .where(audit.AuditEntry.actor == current_user.id,
                   audit.AuditEntry.action == "account_not_created",
                   audit.AuditEntry.at > since).count())


def create_account_from(form, organization):
    """Create the account a NewUserForm describes; EmailTaken when the address has one."""
    user = create_account(form.email.data, form.name.data, form.password.data,
                          organization, org_role=form.org_role.data)
    audit.record("user_created", email=user.email, organization=user.organization.name)
    flash(_("%(name)s can now log in as %(email)s.", name=user.name, email=user.email), "success")
    return user


@bp.route("/organization/theme", methods=["POST"])
@login_required
def set_theme():
    _require_org_admin()
    form = ThemeForm()
    form.theme.choices = _theme_options()
    if form.validate_on_submit():
        org = current_user.organization
        org.theme = form.theme.data
        org.save()
        audit.record("theme_changed", organization=org.name, theme=org.theme)
        flash(_("%(organization)s now uses the %(theme)s theme.", organization=org.name,
                theme=_(current_app.themes[org.theme].title)), "success")
        return redirect(url_for("accounts.organization"))
    return _organization_page(theme_form=form, status=422)

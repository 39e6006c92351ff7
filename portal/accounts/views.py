"""A user's own profile, and the organization admin's page for people and theme."""
from flask import Blueprint, abort, current_app, flash, redirect, url_for
from flask_login import current_user, login_required

from portal import audit
from portal.accounts.forms import NewUserForm, PasswordForm, ProfileForm, ThemeForm
from portal.accounts.models import EmailTaken, User, create_account
from portal.forms import options
from portal.rendering import render

bp = Blueprint("accounts", __name__, template_folder="templates")


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    form = ProfileForm(obj=current_user)
    password_form = PasswordForm(prefix="pw")
    if form.validate_on_submit():
        current_user.name = form.name.data.strip()
        current_user.timezone = form.timezone.data
        current_user.save()
        flash("Your profile is saved.", "success")
        return redirect(url_for("accounts.profile"))
    status = 422 if form.errors else 200
    return render("accounts/profile.html", form=form, password_form=password_form,
                  status=status)


@bp.route("/profile/password", methods=["POST"])
@login_required
def change_password():
    form, password_form = ProfileForm(obj=current_user, formdata=None), PasswordForm(prefix="pw")
    if password_form.validate_on_submit():
        if current_user.check_password(password_form.current.data):
            current_user.set_password(password_form.new.data)
            current_user.save()
            audit.record("password_changed")
            flash("Your password is changed.", "success")
            return redirect(url_for("accounts.profile"))
        password_form.current.errors.append("That is not your current password.")
    return render("accounts/profile.html", form=form, password_form=password_form, status=422)


def _theme_options():
    return options((t.name, t.title) for t in current_app.themes.values())


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
    if form.validate_on_submit():
        try:
            create_account_from(form, current_user.organization)
        except EmailTaken:
            return _organization_page(user_form=form, status=409)
        return redirect(url_for("accounts.organization"))
    return _organization_page(user_form=form, status=422)


def create_account_from(form, organization):
    """Create the account a NewUserForm describes; a taken email becomes a field error."""
    try:
        user = create_account(form.email.data, form.name.data, form.password.data,
                              organization, org_role=form.org_role.data)
    except EmailTaken:
        form.email.errors.append("Someone already has an account with this email.")
        raise
    audit.record("user_created", email=user.email, organization=user.organization.name)
    flash(f"{user.name} can now log in as {user.email}.", "success")
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
        flash(f"{org.name} now uses the {current_app.themes[org.theme].title} theme.", "success")
        return redirect(url_for("accounts.organization"))
    return _organization_page(theme_form=form, status=422)

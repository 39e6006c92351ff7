"""The page where an invited person chooses their name and password and comes in.

It is open to visitors: the link's secret token is the only key. A link that does not
match any invitation counts as a failure of the visitor's address in the login
throttle's table (portal/accounts/throttle.py), so trying tokens from one address stops
after PORTAL_LOGIN_MAX_FAILURES within the login window; a known link that is used,
replaced or expired says so plainly and offers nothing else. The page never says
whether an address has an account: it shows only the address the invitation was sent
to, to the holder of its link.
"""
import datetime as dt

from flask import Blueprint, current_app, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from portal import audit
from portal.accounts.forms import check_password_rule
from portal.accounts.invitations import Invitation, InvitationError, accept, find, refusal
from portal.accounts.models import LoginAttempt, utcnow
from portal.accounts.throttle import trust_device, wait_message
from portal.db import write_transaction
from portal.forms import Form
from portal.plugins.hookspecs import hookimpl
from portal.rendering import render
from portal.security import client_ip
from flask_babel import lazy_gettext as _l

bp = Blueprint("invitations", __name__, template_folder="templates")

#: The `email` of a failed look-up in `login_attempt`: never an address (it has no @),
#: so it cannot add to the failures of an account.
LINK_FAILURE = "invitation link"


class AcceptForm(Form):
    name = StringField(_l("Your name"), validators=[
        DataRequired(_l("Enter your name.")),
        Length(max=120, message=_l("Keep the name under 120 characters."))])
    password = PasswordField(_l("Choose a password"), validators=[DataRequired(_l("Choose a password."))])
    repeat = PasswordField(_l("Type the password again"), validators=[
        DataRequired(_l("Type the password again."))])

    def __init__(self, *args, invitation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.invitation = invitation

    def validate_password(self, field):
        check_password_rule(field, self.invitation.email, self.name.data)

    def validate_repeat(self, field):
        if field.data != self.password.data:
            field.errors.append(_("The two passwords differ; type the same one twice."))


def _wait():
    """Seconds this address must wait after too many links that matched nothing."""
    config = current_app.config
    since = utcnow() - dt.timedelta(seconds=config["PORTAL_LOGIN_WINDOW_SECONDS"])
    recent = list(LoginAttempt.select(LoginAttempt.at)
                  .where(LoginAttempt.email == LINK_FAILURE, LoginAttempt.ip == client_ip(),
                         LoginAttempt.at > since)
                  .order_by(LoginAttempt.at.desc()).limit(config["PORTAL_LOGIN_MAX_FAILURES"]))
    if len(recent) < config["PORTAL_LOGIN_MAX_FAILURES"]:
        return 0
    return max(1, int((recent[-1].at - since).total_seconds()))


def _page(invitation, form=None, message=None, status=200):
    return render("accounts/invitation.html", invitation=invitation, form=form,
                  message=message, status=status)


@bp.route("/invitations/<token>", methods=["GET", "POST"], endpoint="accept")
def accept_page(token):
    wait = _wait()
    if wait:
        return _page(None, message=wait_message(wait, "invitation links that did not work"),
                     status=429)
    invitation = find(token)
    if invitation is None:
        now = utcnow()
        window = dt.timedelta(seconds=current_app.config["PORTAL_LOGIN_WINDOW_SECONDS"])
        LoginAttempt.delete().where(LoginAttempt.at <= now - window).execute()
        LoginAttempt.create(email=LINK_FAILURE, ip=client_ip(), device=None, at=now)
        return _page(None, status=404, message=_(
            "This invitation link does not work. Check that you copied the whole link from "
            "the invitation, or ask the person who invited you for a new one."))
    if invitation.status() != "waiting":
        return _page(invitation, message=refusal(invitation), status=410)
    if current_user.is_authenticated:
        return _page(invitation, status=409, message=_(
            "You are logged in as %(name)s. This invitation makes a new account: "
            "log out first, then open the link again.", name=current_user.name))
    form = AcceptForm(invitation=invitation, data={"name": invitation.name})
    if not form.validate_on_submit():
        return _page(invitation, form, status=422 if form.errors else 200)
    try:
        with write_transaction():
            user = accept(invitation, form.name.data.strip(), form.password.data)
    except InvitationError as exc:
        return _page(invitation, message=str(exc), status=410)
    login_user(user)
    trust_device(user)
    audit.record("login", actor=user)
    if invitation.partnership_id:
        flash(_("Welcome, %(name)s. You are in the partnership “%(partnership)s”.",
                name=user.name, partnership=invitation.partnership.name), "success")
        return redirect(url_for("partnerships.show", partnership_id=invitation.partnership_id))
    flash(_("Welcome, %(name)s.", name=user.name), "success")
    return redirect(url_for("partnerships.index"))


@hookimpl
def portal_blueprints():
    return bp


@hookimpl
def portal_models():
    return [Invitation]

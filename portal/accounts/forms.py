"""Forms for logging in, profiles and managing an organization's people."""
from zoneinfo import available_timezones

from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from portal.accounts.passwords import password_problem
from portal.forms import Form, options
from portal.vocabulary import MAIL_FREQUENCIES, ORG_ROLES

TIMEZONES = sorted(available_timezones() - {"localtime", "Factory"})


def check_password_rule(field, email, name):
    """The password rule (accounts/passwords.py) as a field error."""
    problem = password_problem(field.data, email=email or "", name=name or "")
    if problem:
        raise ValidationError(problem)


class LoginForm(Form):
    email = EmailField("Email", validators=[DataRequired("Enter your email address.")])
    password = PasswordField("Password", validators=[DataRequired("Enter your password.")])
    remember = BooleanField("Keep me logged in on this device")


class ProfileForm(Form):
    name = StringField("Name", validators=[
        DataRequired("Enter your name."), Length(max=120, message="Keep the name under 120 characters.")])
    timezone = SelectField("Time zone", choices=options((tz, tz.replace("_", " ")) for tz in TIMEZONES),
                           invalid_choice_message="Choose a time zone from the list.")
    # Optional: a form sent without it (an older page, a script) keeps the choice made.
    mail_frequency = SelectField("E-mail me my notifications", choices=options(MAIL_FREQUENCIES),
                                 validators=[Optional()],
                                 invalid_choice_message="Choose how often to get e-mail.")


class PasswordForm(Form):
    current = PasswordField("Current password", validators=[DataRequired("Enter your current password.")])
    new = PasswordField("New password", validators=[DataRequired("Enter a new password.")])

    def __init__(self, *args, account=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.account = account  # whose password: its email and name are refused

    def validate_new(self, field):
        check_password_rule(field, getattr(self.account, "email", ""),
                            getattr(self.account, "name", ""))


def _email_field():
    return EmailField("Email", validators=[
        DataRequired("Enter an email address."),
        Email("That does not look like an email address.", check_deliverability=False),
        Length(max=254)])


class NewUserForm(Form):
    name = StringField("Name", validators=[DataRequired("Enter the person's name."), Length(max=120)])
    email = _email_field()
    password = PasswordField("Initial password", validators=[DataRequired("Set an initial password.")])
    org_role = SelectField("Role in the organization", choices=options(ORG_ROLES), default="member")

    def validate_password(self, field):
        check_password_rule(field, self.email.data, self.name.data)


class ThemeForm(Form):
    theme = SelectField("Theme", invalid_choice_message="Pick one of the installed themes.")

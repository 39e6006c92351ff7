"""Forms for logging in, profiles and managing an organization's people."""
from zoneinfo import available_timezones

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from portal.accounts.passwords import password_problem
from portal.forms import Form, options
from portal.i18n import LANGUAGES
from portal.vocabulary import MAIL_FREQUENCIES, ORG_ROLES

TIMEZONES = sorted(available_timezones() - {"localtime", "Factory"})


def check_password_rule(field, email, name):
    """The password rule (accounts/passwords.py) as a field error."""
    problem = password_problem(field.data, email=email or "", name=name or "")
    if problem:
        raise ValidationError(problem)


class LoginForm(Form):
    email = EmailField(_l("Email"), validators=[DataRequired(_l("Enter your email address."))])
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password."))])
    remember = BooleanField(_l("Keep me logged in on this device"))


class ProfileForm(Form):
    name = StringField(_l("Name"), validators=[
        DataRequired(_l("Enter your name.")), Length(max=120, message=_l("Keep the name under 120 characters."))])
    timezone = SelectField(_l("Time zone"), choices=options((tz, tz.replace("_", " ")) for tz in TIMEZONES),
                           invalid_choice_message=_l("Choose a time zone from the list."))
    # Each language named in itself, so that a person who cannot read the page finds theirs.
    language = SelectField(_l("Language"), choices=options([("", _l("As my browser asks")),
                                                            *LANGUAGES.items()]),
                           validators=[Optional()],
                           invalid_choice_message=_l("Choose a language from the list."))
    # Optional: a form sent without it (an older page, a script) keeps the choice made.
    mail_frequency = SelectField(_l("E-mail me my notifications"), choices=options(MAIL_FREQUENCIES),
                                 validators=[Optional()],
                                 invalid_choice_message=_l("Choose how often to get e-mail."))


class PasswordForm(Form):
    current = PasswordField(_l("Current password"), validators=[DataRequired(_l("Enter your current password."))])
    new = PasswordField(_l("New password"), validators=[DataRequired(_l("Enter a new password."))])

    def __init__(self, *args, account=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.account = account  # whose password: its email and name are refused

    def validate_new(self, field):
        check_password_rule(field, getattr(self.account, "email", ""),
                            getattr(self.account, "name", ""))


def _email_field():
    return EmailField(_l("Email"), validators=[
        DataRequired(_l("Enter an email address.")),
        Email(_l("That does not look like an email address."), check_deliverability=False),
        Length(max=254)])


class NewUserForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter the person's name.")), Length(max=120)])
    email = _email_field()
    password = PasswordField(_l("Initial password"), validators=[DataRequired(_l("Set an initial password."))])
    org_role = SelectField(_l("Role in the organization"), choices=options(ORG_ROLES), default="member")

    def validate_password(self, field):
        check_password_rule(field, self.email.data, self.name.data)


class ThemeForm(Form):
    theme = SelectField(_l("Theme"), invalid_choice_message=_l("Pick one of the installed themes."))

"""Organizations, their users, and the login attempts that throttle guessing."""
import datetime as dt

import peewee
from flask_login import UserMixin
from werkzeug.security import check_password_hash, generate_password_hash

from portal.db import BaseModel


def utcnow():
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def initials_of(name):
    """Up to two capitals for an organization's mark ("Northwind Learning" is "NL")."""
    words = [w for w in name.split() if w[:1].isalnum()]
    return "".join(w[0] for w in words[:2]).upper() or "?"


class Organization(BaseModel):
    name = peewee.CharField(max_length=120, unique=True)
    kind = peewee.CharField(max_length=16)  # client, supplier, both
    theme = peewee.CharField(max_length=64, default="default")
    created_at = peewee.DateTimeField(default=utcnow)

    @property
    def initials(self):
        return initials_of(self.name)


class User(UserMixin, BaseModel):
    email = peewee.CharField(max_length=254, unique=True)
    name = peewee.CharField(max_length=120)
    password_hash = peewee.CharField(max_length=255)
    organization = peewee.ForeignKeyField(Organization, backref="users", on_delete="CASCADE")
    org_role = peewee.CharField(max_length=16, default="member")  # member, admin
    is_site_admin = peewee.BooleanField(default=False)
    timezone = peewee.CharField(max_length=64, default="UTC")
    is_active_account = peewee.BooleanField(default=True)
    created_at = peewee.DateTimeField(default=utcnow)
    # Part of every session and remember-me cookie (get_id): raising it ends them all.
    session_version = peewee.IntegerField(default=1)
    # E-mail of notifications: "immediately", "daily" (a digest) or "off" (reminders.py).
    mail_frequency = peewee.CharField(max_length=16, default="immediately")
    # Part of the calendar feed's address; raising it ends the earlier addresses.
    calendar_feed_version = peewee.IntegerField(default=1)
    # Display settings that follow the person: "contrast large still" (accounts/display.py).
    display = peewee.CharField(max_length=32, default="")
    # The language the portal speaks to them (portal/i18n.py); empty: the browser's.
    language = peewee.CharField(max_length=16, default="")

    @property
    def is_active(self):
        return self.is_active_account

    def get_id(self):
        """Flask-Login's alternative token: the id and the session version, so a session
        or remember-me cookie made before the version changed no longer loads anyone."""
        return f"{self.id}:{self.session_version}"

    def end_sessions(self):
        """End every session and remember-me cookie of this user; returns the user as now
        stored. One UPDATE, so two requests doing it at once both count."""
        User.update(session_version=User.session_version + 1).where(User.id == self.id).execute()
        return User.get_by_id(self.id)

    @property
    def is_org_admin(self):
        return self.org_role == "admin"

    def set_password(self, password):
        # Werkzeug's default is scrypt, a memory-hard KDF.
        self.password_hash = generate_password_hash(password)

    def check_password(self, password):
        return check_password_hash(self.password_hash, password)

    def change_password(self, password):
        """Set a new password and end every session made with the old one; returns the
        user as now stored."""
        self.set_password(password)
        User.update(password_hash=self.password_hash, session_version=User.session_version + 1
                    ).where(User.id == self.id).execute()
        return User.get_by_id(self.id)


class LoginAttempt(BaseModel):
    """Failed logins, kept in the database so throttling holds across workers.

    `device` is the nonce of the device cookie the attempt presented for this account
    (portal/accounts/throttle.py); NULL for an attempt from an untrusted client.
    """

    email = peewee.CharField(max_length=254, index=True)
    ip = peewee.CharField(max_length=64, index=True)
    at = peewee.DateTimeField(default=utcnow, index=True)
    device = peewee.CharField(max_length=64, null=True, index=True)


def normalize_email(email):
    return (email or "").strip().lower()


class EmailTaken(Exception):
    """Someone already has an account with this email."""


def create_account(email, name, password, organization, org_role="member",
                   is_site_admin=False):
    """Create a user; raise EmailTaken instead of a database error for a duplicate."""
    from portal.db import database

    user = User(email=normalize_email(email), name=name.strip(), organization=organization,
                org_role=org_role, is_site_admin=is_site_admin)
    user.set_password(password)
    try:
        with database.atomic():
            user.save()
    except peewee.IntegrityError as exc:
        raise EmailTaken(user.email) from exc
    return user

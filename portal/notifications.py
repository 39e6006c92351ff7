"""Messages for one person inside the portal: mentions, versions awaiting a sponsor's
sign-off, and the rest."""
import peewee
from flask import Blueprint, redirect, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from portal.accounts.models import User, utcnow
from portal.db import BaseModel
from portal.partnerships.models import Partnership
from portal.plugins.hookspecs import hookimpl
from portal.prepared import Prepared
from portal.rendering import render

bp = Blueprint("notifications", __name__)


class Notification(BaseModel):
    user = peewee.ForeignKeyField(User, backref="notifications", on_delete="CASCADE")
    partnership = peewee.ForeignKeyField(Partnership, null=True, on_delete="CASCADE")
    text = peewee.CharField(max_length=300)
    url = peewee.CharField(max_length=300)
    created_at = peewee.DateTimeField(default=utcnow)
    read_at = peewee.DateTimeField(null=True)
    mailed_at = peewee.DateTimeField(null=True)  # by `portal reminders` (reminders.py)


def notify(user_id, text, url, partnership=None):
    Notification.create(user=user_id, text=text[:300], url=url[:300], partnership=partnership)


def settled(url, user_ids=None):
    """Mark read what still asks people (all, or `user_ids`) to act on `url`, once it is
    done or moot: a sponsor whose organization has signed is not reminded to sign."""
    query = Notification.update(read_at=utcnow()).where(Notification.url == url,
                                                        Notification.read_at.is_null())
    if user_ids is not None:
        query = query.where(Notification.user.in_(list(user_ids)))
    query.execute()


_UNREAD = Prepared(lambda user_id: Notification.select(peewee.fn.COUNT(Notification.id))
                   .where(Notification.user == user_id, Notification.read_at.is_null()))


def unread_count():
    if not current_user.is_authenticated:
        return 0
    counted = getattr(current_user, "unread_notifications", None)  # read with the user
    return counted if counted is not None else _UNREAD.scalar(current_user.id)


@bp.route("/notifications")
@login_required
def index():
    items = list(Notification.select().where(Notification.user == current_user.id)
                 .order_by(Notification.created_at.desc()).limit(100))
    return render("notifications/index.html", items=items)


@bp.route("/notifications/read", methods=["POST"])
@login_required
def mark_read():
    if FlaskForm().validate_on_submit():
        (Notification.update(read_at=utcnow())
         .where(Notification.user == current_user.id, Notification.read_at.is_null()).execute())
    return redirect(url_for("notifications.index"))


def init_app(app):
    app.add_template_global(unread_count, "unread_notifications")


@hookimpl
def portal_blueprints():
    return bp


@hookimpl
def portal_models():
    return [Notification]

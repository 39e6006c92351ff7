"""The site admin's pages: organizations, partnerships, people, plugins, audit log."""
from functools import wraps

from flask import Blueprint, abort, current_app, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from peewee import JOIN, IntegrityError

from portal import audit
from portal.accounts.models import EmailTaken, Organization, User
from portal.accounts.views import create_account_from
from portal.admin.forms import OrganizationForm, PartnershipForm, SiteUserForm
from portal.audit import AuditEntry
from portal.db import database
from portal.forms import options
from portal.migrations import status as schema_status
from portal.plugins import faults
from portal.partnerships.models import Partnership
from portal.rendering import render

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")


def site_admin_required(view):
    @wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if not current_user.is_site_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapper


def _org_choices():
    return options((o.id, o.name) for o in Organization.select().order_by(Organization.name))


def _admin_page(org_form=None, partnership_form=None, user_form=None, status=200):
    choices = _org_choices()
    partnership_form = partnership_form or PartnershipForm()
    partnership_form.client.choices = partnership_form.supplier.choices = choices
    user_form = user_form or SiteUserForm()
    user_form.organization.choices = choices
    return render(
        "admin/index.html", status=status,
        organizations=Organization.select().order_by(Organization.name),
        partnerships=Partnership.select().order_by(Partnership.name),
        org_form=org_form or OrganizationForm(), partnership_form=partnership_form,
        user_form=user_form,
    )


@bp.route("/")
@site_admin_required
def index():
    return _admin_page()


@bp.route("/organizations", methods=["POST"])
@site_admin_required
def create_organization():
    form = OrganizationForm()
    if form.validate_on_submit():
        try:
            with database.atomic():
                org = Organization.create(name=form.name.data.strip(), kind=form.kind.data,
                                          theme=current_app.config["PORTAL_DEFAULT_THEME"])
        except IntegrityError:
            form.name.errors.append(_("An organization with this name already exists."))
            return _admin_page(org_form=form, status=409)
        audit.record("organization_created", organization=org.name, kind=org.kind)
        flash(_("%(name)s is created. Add its first admin below.", name=org.name), "success")
        return redirect(url_for("admin.index"))
    return _admin_page(org_form=form, status=422)


@bp.route("/partnerships", methods=["POST"])
@site_admin_required
def create_partnership():
    form = PartnershipForm()
    form.client.choices = form.supplier.choices = _org_choices()
    if form.validate_on_submit():
        partnership = Partnership.create(
            name=form.name.data.strip(), client=form.client.data, supplier=form.supplier.data,
            stage=form.stage.data, contract_end=form.contract_end.data,
            notice_days=form.notice_days.data,
            description=(form.description.data or "").strip())
        audit.record("partnership_created", partnership=partnership, name=partnership.name)
        flash(_("The partnership %(name)s is created. Organization admins can "
                "now add their people.", name=partnership.name), "success")
        return redirect(url_for("admin.index"))
    return _admin_page(partnership_form=form, status=422)


@bp.route("/users", methods=["POST"])
@site_admin_required
def create_user():
    form = SiteUserForm()
    form.organization.choices = _org_choices()
    if form.validate_on_submit():
        try:
            create_account_from(form, Organization.get_by_id(form.organization.data))
        except EmailTaken:
            # The site admin sees every account anyway.
            form.email.errors.append(_("Someone already has an account with this email."))
            return _admin_page(user_form=form, status=409)
        return redirect(url_for("admin.index"))
    return _admin_page(user_form=form, status=422)


@bp.route("/plugins")
@site_admin_required
def plugins():
    host = current_app.extensions["portal_plugins"]
    return render("admin/plugins.html", plugins=list(host.plugins.values()),
                  faults=faults.recent(), schema=schema_status())


@bp.route("/audit")
@site_admin_required
def audit_log():
    entries = (AuditEntry.select(AuditEntry, User)
               .join(User, JOIN.LEFT_OUTER, on=(AuditEntry.actor == User.id))
               .order_by(AuditEntry.at.desc()).limit(200))
    return render("admin/audit.html", entries=entries)

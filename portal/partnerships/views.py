"""Partnership pages: the list of one's partnerships, the overview and the members."""
from flask import Blueprint, abort, current_app, flash, g, redirect, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from markupsafe import Markup

from portal import DashboardCard, audit
from portal.accounts.models import Organization, User
from portal.content import reviews
from portal.forms import options
from portal.instruments.runs import waiting_for
from portal.partnerships.access import for_org_admins, members_of, requires_role
from portal.partnerships.forms import AddMemberForm, RoleForm, StageForm
from portal.partnerships.models import Partnership, PartnershipMember
from portal.plugins.host import call_hook
from portal.plugins.services import current_membership, current_partnership, logged_in_user
from portal.rendering import is_htmx, render
from portal.vocabulary import LIFECYCLE_STAGES, ROLE_LABELS

bp = Blueprint("partnerships", __name__, template_folder="templates")


@bp.route("/")
def home():
    if current_user.is_authenticated:
        return redirect(url_for("partnerships.index"))
    return redirect(url_for("auth.login"))


@bp.route("/partnerships")
@login_required
def index():
    memberships = (PartnershipMember.select(PartnershipMember, Partnership)
                   .join(Partnership)
                   .where(PartnershipMember.user == current_user.id)
                   .order_by(Partnership.name))
    managed = []
    if current_user.is_org_admin:
        org_id = current_user.organization_id
        mine = {m.partnership_id for m in memberships}
        managed = [p for p in Partnership.select().where(
            (Partnership.client == org_id) | (Partnership.supplier == org_id)
        ).order_by(Partnership.name) if p.id not in mine]
    waiting = {m.partnership_id: len(waiting_for(current_user, m.partnership)) for m in memberships}
    return render("partnerships/index.html", memberships=memberships, managed=managed,
                  waiting=waiting, due_reviews=reviews.due_for(current_user))


@bp.route("/partnerships/<int:partnership_id>/")
def show(partnership_id):
    partnership = g.partnership
    return render("partnerships/show.html", partnership=partnership,
                  members=members_of(partnership), stages=LIFECYCLE_STAGES,
                  stage_form=StageForm(stage=partnership.stage),
                  cards=dashboard_cards(partnership))


def dashboard_cards(partnership):
    """Cards from every plugin, by weight; a plugin that fails gets a calm card in its place.

    What went wrong is recorded for the site admin (plugins page); members are told only
    that the card is missing, never an error text.
    """
    errors = []
    cards = [card for _, card in call_hook(
        current_app.extensions["portal_plugins"], "portal_dashboard_cards", errors=errors,
        partnership=current_partnership(), membership=current_membership(),
        user=logged_in_user())]
    cards += [DashboardCard(gettext("%(name)s: this card could not be shown", name=name),
                            Markup("<p>%s</p>") % gettext(
                                "It is left out for now; the site admin can see why on "
                                "the plugins page. Nothing you saved is affected."),
                            weight=1000, tone="warning") for name, _ in errors]
    return sorted(cards, key=lambda card: (card.weight, str(card.title)))


@bp.route("/partnerships/<int:partnership_id>/stage", methods=["POST"])
@requires_role("editor")
def set_stage(partnership_id):
    partnership = g.partnership
    form = StageForm()
    if form.validate_on_submit():
        before = partnership.stage
        partnership.stage = form.stage.data
        partnership.save()
        audit.record("stage_changed", partnership=partnership,
                     before=before, after=partnership.stage)
        flash(gettext("The partnership is now in %(stage)s.", stage=partnership.stage_label), "success")
    else:
        flash(gettext("Pick one of the four lifecycle stages."), "error")
    return redirect(url_for("partnerships.show", partnership_id=partnership.id))


def _candidates(partnership):
    """People the current user may add: their own organization's, or both for site admins."""
    orgs = [partnership.client_id, partnership.supplier_id]
    if not current_user.is_site_admin:
        orgs = [current_user.organization_id]
    present = PartnershipMember.select(PartnershipMember.user).where(
        PartnershipMember.partnership == partnership)
    return list(User.select(User, Organization).join(Organization)
                .where(User.organization.in_(orgs), User.id.not_in(present),
                       User.is_active_account == True)  # noqa: E712
                .order_by(Organization.name, User.name))


def _members_page(form=None, status=200):
    partnership = g.partnership
    form = form or AddMemberForm()
    form.user.choices = options((u.id, f"{u.name} ({u.organization.name})")
                                for u in _candidates(partnership))
    return render("partnerships/members.html", partnership=partnership,
                  members=members_of(partnership), form=form, role_labels=ROLE_LABELS,
                  can_manage=g.partnership_org_admin, block="members", status=status)


@bp.route("/partnerships/<int:partnership_id>/members")
@for_org_admins
def members(partnership_id):
    return _members_page()


def _manageable(member):
    """Org admins manage their own organization's people; site admins anyone's."""
    if not g.partnership_org_admin:
        abort(403)
    if not current_user.is_site_admin and member.user.organization_id != current_user.organization_id:
        abort(403)


@bp.route("/partnerships/<int:partnership_id>/members", methods=["POST"])
@for_org_admins
def add_member(partnership_id):
    if not g.partnership_org_admin:
        abort(403)
    form = AddMemberForm()
    form.user.choices = options((u.id, u.name) for u in _candidates(g.partnership))
    if not form.validate_on_submit():
        return _members_page(form, status=422)
    member = PartnershipMember.create(partnership=g.partnership, user=form.user.data,
                                      role=form.role.data)
    audit.record("member_added", partnership=g.partnership, user=member.user.email,
                 role=member.role)
    flash(gettext("%(name)s joined as %(role)s.", name=member.user.name, role=member.role_label), "success")
    return _after_change()


@bp.route("/partnerships/<int:partnership_id>/members/<int:member_id>/role", methods=["POST"])
@for_org_admins
def change_role(partnership_id, member_id):
    member = _member_or_404(member_id)
    _manageable(member)
    form = RoleForm()
    if form.validate_on_submit():
        before, member.role = member.role, form.role.data
        member.save()
        audit.record("member_role_changed", partnership=g.partnership,
                     user=member.user.email, before=before, after=member.role)
        flash(gettext("%(name)s is now %(role)s.", name=member.user.name, role=member.role_label), "success")
    else:
        flash(gettext("Pick one of the four roles."), "error")
    return _after_change()


@bp.route("/partnerships/<int:partnership_id>/members/<int:member_id>/remove", methods=["POST"])
@for_org_admins
def remove_member(partnership_id, member_id):
    member = _member_or_404(member_id)
    _manageable(member)
    member.delete_instance()
    audit.record("member_removed", partnership=g.partnership, user=member.user.email)
    flash(gettext("%(name)s no longer belongs to this partnership.", name=member.user.name), "success")
    return _after_change()


def _member_or_404(member_id):
    member = PartnershipMember.get_or_none(PartnershipMember.id == member_id,
                                           PartnershipMember.partnership == g.partnership)
    if member is None:
        abort(404)
    return member


def _after_change():
    """htmx gets the refreshed member list in place; a plain form post is redirected."""
    if is_htmx():
        return _members_page()
    return redirect(url_for("partnerships.members", partnership_id=g.partnership.id))

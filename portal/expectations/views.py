"""Expectation pages of a partnership: the list, adding and changing, acknowledging.

Editors and sponsors write expectations; every member, viewers included, acknowledges
them — acknowledging records that one has read what is expected, it changes nothing
the partnership shares (seed 003, PRM aspect #4: every new member is briefed).
"""
import datetime as dt

from flask import abort, flash, g, redirect, request, url_for
from flask_babel import gettext as _, ngettext
from flask_login import current_user
from flask_wtf import FlaskForm
from peewee import JOIN

from portal import audit
from portal.accounts.models import User
from portal.errors import error_page
from portal.forms import posted_id_pairs
from portal.expectations import changes
from portal.expectations.acknowledgements import acknowledge as record_acknowledgements
from portal.expectations.acknowledgements import board
from portal.partnerships.access import members_of
from portal.expectations.forms import AcknowledgeForm, ExpectationForm
from portal.expectations.models import RelationalExpectation
from portal.expectations.roles import can_edit, sees_everyone
from portal.expectations.vocabulary import direction_label, principle_groups, principle_label
from portal.partnerships.access import partnership_blueprint, requires_role
from portal.rendering import is_htmx, render

bp = partnership_blueprint("expectations", __name__, "/expectations", template_folder="templates")
HISTORY = ("expectation_created", "expectation_changed", "expectation_archived")


def _expectation_or_404(expectation_id):
    """Only an expectation of this partnership; another partnership's id is a 404."""
    expectation = RelationalExpectation.get_or_none(
        RelationalExpectation.id == expectation_id,
        RelationalExpectation.partnership == g.partnership)
    if expectation is None:
        abort(404)
    return expectation


def _index_url(anchor=None):
    url = url_for("expectations.index", partnership_id=g.partnership.id)
    return f"{url}#{anchor}" if anchor else url


@bp.route("")
def index(partnership_id):
    return _list_page()


def _list_page(form=None, status=200):
    current = board(g.partnership)
    editor = can_edit(g.membership)
    if editor and form is None:
        form = ExpectationForm(members=current.members)
    return render("expectations/index.html", block="expectations", partnership=g.partnership,
                  board=current, mine=current.pending_for(current_user.id), can_edit=editor,
                  form=form if editor else None, principles=principle_groups(),
                  sees_everyone=sees_everyone(g.membership, g.partnership_org_admin),
                  history=_history(g.partnership), today=dt.date.today(), status=status)


def _history(partnership, limit=10):
    """The latest changes to the wording, from the audit log, for everyone to read."""
    log = audit.AuditEntry
    entries = (log.select(log, User)  # with who did it, whom the page names
               .join(User, JOIN.LEFT_OUTER, on=(log.actor == User.id), attr="actor")
               .where(log.partnership == partnership, log.action.in_(HISTORY))
               .order_by(log.at.desc(), log.id.desc()).limit(limit))
    rows = []
    for entry in entries:
        detail = entry.details
        who = entry.actor.name if entry.actor_id else _("The portal")
        if entry.action == "expectation_created":
            what = _("%(name)s added: “%(text)s”", name=who, text=_short(detail.get("text")))
        elif entry.action == "expectation_archived":
            what = _("%(name)s archived: “%(text)s”", name=who, text=_short(detail.get("text")))
        else:
            fields = ", ".join(_field_name(name) for name in sorted(detail.get("after", {})))
            text = detail.get("after", {}).get("text") or _current_text(detail.get("expectation"))
            what = _("%(name)s changed the %(fields)s of “%(text)s” (version %(version)s)",
                     name=who, fields=fields, text=_short(text), version=detail.get("version"))
        rows.append((entry, what))
    return rows


def _field_name(name):
    labels = {"review_on": _("review date"), "principle": _("principle"),
              "direction": _("direction"), "text": _("wording"), "owner": _("owner")}
    return labels.get(name, name)


def _current_text(expectation_id):
    expectation = RelationalExpectation.get_or_none(RelationalExpectation.id == expectation_id)
    return expectation.text if expectation else ""


def _short(text, size=80):
    text = " ".join((text or "").split())
    return text if len(text) <= size else text[: size - 1].rstrip() + "…"


def _form_page(form, expectation=None, theirs=None, status=200):
    return render("expectations/form.html", partnership=g.partnership, form=form,
                  expectation=expectation, theirs=theirs, principles=principle_groups(),
                  direction_label=direction_label, principle_label=principle_label,
                  status=status)


def _me():
    return current_user._get_current_object()


def _require_editor():
    if not can_edit(g.membership):
        abort(403)


@bp.route("", methods=["POST"])
@requires_role("editor")
def create(partnership_id):
    _require_editor()
    form = ExpectationForm(members=members_of(g.partnership))
    if not form.validate_on_submit():
        # The list again, with the form open and what was typed kept next to its errors.
        return _list_page(form, status=422)
    expectation = changes.create(
        g.partnership, _me(), form.direction.data, form.text.data, form.principle.data,
        form.owner.data, form.review_on.data)
    flash(_("The expectation is added. Every member is asked to acknowledge it."), "success")
    return redirect(_index_url(f"expectation-{expectation.id}"))


@bp.route("/<int:expectation_id>/edit", methods=["GET", "POST"])
@requires_role("editor")
def edit(partnership_id, expectation_id):
    expectation = _expectation_or_404(expectation_id)
    _require_editor()
    if expectation.archived:
        return error_page(409, _("This expectation is archived, so it can no longer be changed. "
                                 "Add a new one instead."), title=_("Archived"))
    members = members_of(g.partnership)
    form = ExpectationForm(members=members, saved_review_on=expectation.review_on,
                           former_owner=_former_owner(expectation, members))
    if request.method == "GET":
        form.direction.data = expectation.direction
        form.text.data = expectation.text
        form.principle.data = expectation.principle
        form.owner.data = expectation.owner_id or 0
        form.review_on.data = expectation.review_on
        form.base.data = changes.stamp(expectation)
    if form.validate_on_submit():
        outcome = changes.update(
            g.partnership, expectation.id, _me(), form.base.data, form.direction.data,
            form.text.data, form.principle.data, form.owner.data, form.review_on.data)
        if outcome.conflict:
            # Keep what was typed; the next save knowingly replaces the newer version.
            form.base.data = changes.stamp(outcome.expectation)
            return _form_page(form, expectation, theirs=outcome.expectation, status=409)
        flash(_saved_message(outcome), "success" if outcome.changed else "info")
        return redirect(_index_url(f"expectation-{expectation.id}"))
    return _form_page(form, expectation, status=422 if form.errors else 200)


def _former_owner(expectation, members):
    """An owner who has left the partnership stays selectable, so editing the wording
    does not force choosing a new owner."""
    if expectation.owner_id and all(m.user_id != expectation.owner_id for m in members):
        return expectation.owner
    return None


def _saved_message(outcome):
    if not outcome.changed:
        return _("Nothing was changed.")
    if outcome.reworded:
        return _("The expectation is saved as version %(number)s. "
                 "Every member is asked to acknowledge the new wording.",
                 number=outcome.expectation.version)
    return _("The expectation is saved. Its wording did not change, so the acknowledgements "
             "given still count.")


@bp.route("/<int:expectation_id>/archive", methods=["POST"])
@requires_role("editor")
def archive(partnership_id, expectation_id):
    expectation = _expectation_or_404(expectation_id)
    _require_editor()
    if not FlaskForm().validate_on_submit():
        abort(400)
    if changes.archive(g.partnership, expectation, _me()):
        flash(_("“%(text)s” is archived. It no longer asks anyone for an "
                "acknowledgement; the audit log keeps it.", text=_short(expectation.text)), "success")
    else:
        flash(_("That expectation was already archived."), "info")
    return redirect(_index_url())


# Acknowledging is reading: viewers are members who must be briefed too, so they may
# send this; tests/test_authorization.py lists both views in VIEWER_WRITES.
@bp.route("/<int:expectation_id>/acknowledge", methods=["POST"])
@requires_role("viewer")
def acknowledge(partnership_id, expectation_id):
    expectation = _expectation_or_404(expectation_id)
    if expectation.archived:
        return error_page(409, _("This expectation is archived; it needs no acknowledgement."),
                          title=_("Archived"))
    form = AcknowledgeForm()
    if not form.validate_on_submit():
        abort(400)
    return _acknowledged({expectation.id: form.version.data} if form.version.data else {})


@bp.route("/acknowledge", methods=["POST"])
@requires_role("viewer")
def acknowledge_all(partnership_id):
    """The `seen` list holds `id:version` for each expectation as the member read it;
    anything else in it is left out."""
    if not FlaskForm().validate_on_submit():
        abort(400)
    return _acknowledged(dict(posted_id_pairs("seen")))


def _acknowledged(seen):
    done, stale = record_acknowledgements(g.partnership, current_user, seen)
    if done:
        audit.record("expectations_acknowledged", partnership=g.partnership,
                     expectations=[{"id": e.id, "version": e.version} for e in done])
        count = len(done)
        flash(ngettext("You acknowledged %(num)d expectation.",
                       "You acknowledged %(num)d expectations.", count), "success")
    for expectation in stale:
        flash(_("“%(text)s” changed after you opened the page. Read the "
                "new wording and acknowledge it again.", text=_short(expectation.text, 60)), "warning")
    if not done and not stale:
        flash(_("There was nothing to acknowledge."), "info")
    if is_htmx():
        return _list_page()
    return redirect(_index_url())

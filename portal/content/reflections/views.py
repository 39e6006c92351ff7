"""The reflection pages: the member's own list and what is shared with them, writing a
plan, and coming back to note what happened and whom to share it with."""
from flask import abort, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.partnerships.access import partnership_blueprint
from portal.accounts.models import utcnow
from portal.content.library import visible_items
from portal.content.reflections.forms import PRIVATE, ReflectionForm
from portal.content.reflections.models import Reflection
from portal.content.reflections.sharing import mine, share_options, shared_with
from portal.errors import error_page
from portal.rendering import render

# The content area keeps the templates of all its pages in portal/content/templates.
bp = partnership_blueprint("reflections", __name__, "/reflections", template_folder="../templates")


def _refuse_viewers():
    if g.membership is None or g.membership.role == "viewer":
        return error_page(403, _("Viewers read the partnership's pages but do not record "
                                 "reflections; ask an editor for the member role."))
    return None


def _reflection_or_404(reflection_id):
    """Only the author's own reflection: anyone else gets 404, editors included."""
    reflection = Reflection.get_or_none(Reflection.id == reflection_id,
                                        Reflection.partnership == g.partnership,
                                        Reflection.user == current_user.id)
    if reflection is None:
        abort(404)
    return reflection


def _thread_url(reflection):
    if reflection.shared_cohort_id is None:
        return None
    return url_for("cohorts.thread", partnership_id=g.partnership.id,
                   cohort_id=reflection.shared_cohort_id,
                   item_id=reflection.item_id) + f"#reflection-{reflection.id}"


@bp.route("")
def index(partnership_id):
    own = mine(current_user.id, g.partnership)
    return render("reflections/index.html", partnership=g.partnership,
                  waiting=[r for r in own if not r.outcome], tried=[r for r in own if r.outcome],
                  shared=shared_with(current_user.id, g.partnership),
                  can_reflect=g.membership.role != "viewer")


@bp.route("/new", methods=["GET", "POST"])
def new(partnership_id):
    refused = _refuse_viewers()
    if refused:
        return refused
    library = sorted(visible_items(g.partnership), key=lambda i: i.title.lower())
    wanted = request.args.get("item", "")
    chosen = next((i for i in library if str(i.id) == wanted), None)
    # The page offers the cohorts that work through the item asked for; a submitted form
    # may name any cohort of the user, and validate_share refuses one without the item
    # (the item chosen in the form may differ from the one in the address).
    cohorts = share_options(current_user.id, g.partnership,
                            chosen if request.method == "GET" else None)
    form = ReflectionForm(library=library, cohorts=cohorts)
    if request.method == "GET" and chosen is not None:
        form.item.data = chosen.id
    if form.validate_on_submit():
        at = utcnow()
        reflection = Reflection.create(
            user=current_user.id, partnership=g.partnership, item=form.item.data,
            plan=form.plan.data.strip(), created_at=at, updated_at=at,
            shared_cohort=form.share.data or None, shared_at=at if form.share.data else None)
        if reflection.shared_cohort_id:
            message = _("Your plan is saved. The members of “%(name)s” can read it. Come back "
                        "after you have tried it and note what happened.",
                        name=reflection.shared_cohort.name)
        else:
            message = _("Your plan is saved. Only you can read it. Come back after you have "
                        "tried it and note what happened.")
        flash(message, "success")
        return redirect(url_for("reflections.edit", partnership_id=partnership_id,
                                reflection_id=reflection.id))
    return render("reflections/form.html", partnership=g.partnership, form=form,
                  reflection=None, chosen=chosen, status=422 if form.errors else 200)


@bp.route("/<int:reflection_id>", methods=["GET", "POST"])
def edit(partnership_id, reflection_id):
    reflection = _reflection_or_404(reflection_id)
    refused = _refuse_viewers() if request.method == "POST" else None
    if refused:
        return refused
    cohorts = share_options(current_user.id, g.partnership, reflection.item_id)
    if reflection.shared_cohort_id and all(c.id != reflection.shared_cohort_id for c in cohorts):
        cohorts.append(reflection.shared_cohort)  # left the cohort: can still unshare
    form = ReflectionForm(cohorts=cohorts)
    del form.item
    form.fixed_item_id = reflection.item_id
    if request.method == "GET":
        form.plan.data = reflection.plan
        form.outcome.data = reflection.outcome
        form.share.data = reflection.shared_cohort_id or PRIVATE
    if form.validate_on_submit():
        _save(reflection, form)
        return redirect(url_for("reflections.edit", partnership_id=partnership_id,
                                reflection_id=reflection.id))
    return render("reflections/form.html", partnership=g.partnership, form=form,
                  reflection=reflection, chosen=reflection.item, thread_url=_thread_url(reflection),
                  status=422 if form.errors else 200)


def _save(reflection, form):
    at = utcnow()
    outcome = (form.outcome.data or "").strip()
    share = form.share.data or None
    was_shared = reflection.shared_cohort_id
    reflection.plan = form.plan.data.strip()
    if outcome and not reflection.outcome:
        reflection.outcome_at = at
    reflection.outcome = outcome
    if share != was_shared:
        reflection.shared_cohort, reflection.shared_at = share, at if share else None
    reflection.updated_at = at
    reflection.save()
    if share and share != was_shared:
        flash(_("Saved and shared: the members of “%(name)s” can read it beside the item's "
                "discussion.", name=reflection.shared_cohort.name), "success")
    elif was_shared and not share:
        flash(_("Saved. It is private again: only you can read it."), "success")
    else:
        flash(_("Your reflection is saved."), "success")

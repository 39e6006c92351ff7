"""Practice and reflection: after reading an item a member writes down what they will try,
and later what happened when they tried it.

Seed 004: practice and reflection are how new behaviour sticks, and fear of failure is
what stops people trying. So a reflection is private to its author — nobody else, not
even an editor or a sponsor, can open it (404, as for anything not shared with you) —
until the author shares it with one of their cohorts that works through the item; then
the members of that cohort, and only they, read it beside the item's discussion.
"""
import peewee
from flask import Blueprint, abort, flash, g, redirect, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from portal.accounts.models import Organization, User, utcnow
from portal.content.cohorts import Cohort, CohortItem, CohortMember
from portal.content.library import visible_items
from portal.content.models import ContentItem
from portal.db import BaseModel
from portal.errors import error_page
from portal.forms import options
from portal.partnerships.models import Partnership
from portal.rendering import render

MAX_TEXT = 4_000
PRIVATE = 0


class Reflection(BaseModel):
    user = peewee.ForeignKeyField(User, backref="+", on_delete="CASCADE")
    partnership = peewee.ForeignKeyField(Partnership, backref="+", on_delete="CASCADE")
    item = peewee.ForeignKeyField(ContentItem, backref="+", on_delete="CASCADE")
    plan = peewee.TextField()  # what I will try
    outcome = peewee.TextField(default="")  # what happened, written later
    created_at = peewee.DateTimeField(default=utcnow)
    updated_at = peewee.DateTimeField(default=utcnow)
    outcome_at = peewee.DateTimeField(null=True)
    shared_cohort = peewee.ForeignKeyField(Cohort, null=True, backref="+", on_delete="SET NULL")
    shared_at = peewee.DateTimeField(null=True)

    class Meta:
        indexes = ((("user", "partnership", "item"), False), (("shared_cohort", "item"), False))


TABLES = [Reflection]


def for_item(user, partnership, item):
    """The user's own reflections on an item, newest first (for the library's item page)."""
    return list(Reflection.select().where(Reflection.user == user,
                                          Reflection.partnership == partnership,
                                          Reflection.item == item)
                .order_by(Reflection.created_at.desc(), Reflection.id.desc()))


def mine(user, partnership):
    return list(Reflection.select(Reflection, ContentItem).join(ContentItem)
                .where(Reflection.user == user, Reflection.partnership == partnership)
                .order_by(Reflection.created_at.desc(), Reflection.id.desc()))


def shared_with(user, partnership):
    """Other people's reflections shared with cohorts the user belongs to."""
    cohorts = (CohortMember.select(CohortMember.cohort).join(Cohort)
               .where(CohortMember.user == user, Cohort.partnership == partnership))
    return list(Reflection.select(Reflection, ContentItem, User, Cohort)
                .join(ContentItem).switch(Reflection).join(User)
                .switch(Reflection).join(Cohort)
                .where(Reflection.partnership == partnership, Reflection.user != user,
                       Reflection.shared_cohort.in_(cohorts))
                .order_by(Reflection.updated_at.desc(), Reflection.id.desc()))


def shared_on(cohort, item):
    """Reflections shared with this cohort about this item, for its discussion page."""
    return list(Reflection.select(Reflection, User, Organization)
                .join(User).join(Organization)
                .where(Reflection.shared_cohort == cohort, Reflection.item == item)
                .order_by(Reflection.shared_at, Reflection.id))


def share_options(user, partnership, item=None):
    """The user's cohorts in this partnership, only those working through `item` if given."""
    query = (Cohort.select().join(CohortMember)
             .where(CohortMember.user == user, Cohort.partnership == partnership))
    if item is not None:
        query = query.where(Cohort.id.in_(CohortItem.select(CohortItem.cohort)
                                          .where(CohortItem.item == item)))
    return list(query.order_by(Cohort.starts_on.desc(), Cohort.id.desc()))


class ReflectionForm(FlaskForm):
    item = SelectField("The item you read", coerce=int,
                       invalid_choice_message="Choose an item of this partnership's library.",
                       invalid_value_message="Choose an item of this partnership's library.")
    plan = TextAreaField("What I will try", validators=[
        DataRequired("Write down one thing you will try; a small step is enough."),
        Length(max=MAX_TEXT, message=f"Keep it under {MAX_TEXT:,} characters.")])
    outcome = TextAreaField("What happened when I tried it", validators=[
        Optional(), Length(max=MAX_TEXT, message=f"Keep it under {MAX_TEXT:,} characters.")])
    share = SelectField("Who can read it", coerce=int,
                        invalid_choice_message="Choose “only me” or one of your cohorts.",
                        invalid_value_message="Choose “only me” or one of your cohorts.")

    def __init__(self, *args, cohorts=(), library=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.item.choices = options((i.id, i.title) for i in library)
        self.share.choices = options(
            [(PRIVATE, "Only me (private)")]
            + [(c.id, f"Me and the members of the cohort “{c.name}”") for c in cohorts])

    def validate_share(self, field):
        """A cohort that works through this very item: elsewhere nobody would see it."""
        item_id = self.item.data if "item" in self._fields else self.fixed_item_id
        if field.data and not CohortItem.select().where(CohortItem.cohort == field.data,
                                                         CohortItem.item == item_id).exists():
            raise ValidationError("That cohort does not work through this item. Share it with "
                                  "a cohort that does, or keep it private.")


bp = Blueprint("reflections", __name__, template_folder="templates")
PREFIX = "/partnerships/<int:partnership_id>/reflections"


def _refuse_viewers():
    if g.membership is None or g.membership.role == "viewer":
        return error_page(403, "Viewers read the partnership's pages but do not record "
                               "reflections; ask an editor for the member role.")
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


@bp.route(PREFIX)
def index(partnership_id):
    own = mine(current_user.id, g.partnership)
    return render("reflections/index.html", partnership=g.partnership,
                  waiting=[r for r in own if not r.outcome], tried=[r for r in own if r.outcome],
                  shared=shared_with(current_user.id, g.partnership),
                  can_reflect=g.membership.role != "viewer")


@bp.route(f"{PREFIX}/new", methods=["GET", "POST"])
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
        message = "Your plan is saved."
        if reflection.shared_cohort_id:
            message += f" The members of “{reflection.shared_cohort.name}” can read it."
        else:
            message += " Only you can read it."
        flash(message + " Come back after you have tried it and note what happened.", "success")
        return redirect(url_for("reflections.edit", partnership_id=partnership_id,
                                reflection_id=reflection.id))
    return render("reflections/form.html", partnership=g.partnership, form=form,
                  reflection=None, chosen=chosen, status=422 if form.errors else 200)


@bp.route(f"{PREFIX}/<int:reflection_id>", methods=["GET", "POST"])
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
        flash(f"Saved and shared: the members of “{reflection.shared_cohort.name}” can read it "
              "beside the item's discussion.", "success")
    elif was_shared and not share:
        flash("Saved. It is private again: only you can read it.", "success")
    else:
        flash("Your reflection is saved.", "success")

"""The library of a partnership: tailored list, search, reading, pins and notes, and
the organization's own items written in the portal."""
from flask import abort, current_app, flash, g, redirect, request, url_for
from flask_babel import gettext
from flask_login import current_user
from flask_wtf import FlaskForm
from markupsafe import Markup

from portal import audit
from portal.content import library, listing, search, tailoring
from portal.content.forms import FeedbackForm, ItemForm, NoteForm, PreviewForm
from portal.content.models import (
    Completion, ContentItem, ContentRevision, Feedback, ItemView, PartnershipNote, Pin,
)
from portal.accounts.models import utcnow
from portal.db import write_transaction
from portal.forms import database_id, first_error
from portal.markup import render_markdown
from portal.partnerships.access import partnership_blueprint, requires_role
from portal.partnerships.models import Partnership
from portal.prepared import Prepared
from portal.rendering import render
from portal.vocabulary import STAGE_LABELS, role_at_least

bp = partnership_blueprint("content", __name__, "/library", template_folder="templates")
FACETS = ("audience", "stage", "principle", "tag")
PAGE_SIZE = 40


def ensure_synced():
    """Load content/ once per process (cheap when nothing changed: mtimes are compared)."""
    app = current_app._get_current_object()
    if not app.extensions.get("content_synced"):
        library.sync()
        app.extensions["content_synced"] = True


def _can_edit():
    return g.membership is not None and role_at_least(g.membership.role, "editor")


def _item_or_404(slug):
    item = _ITEM.first(g.partnership.client_id, g.partnership.supplier_id, slug)
    if item is None:
        abort(404)
    return item


_ITEM = Prepared(lambda client_id, supplier_id, slug: library.visible_items(
    Partnership(client=client_id, supplier=supplier_id)).where(ContentItem.slug == slug).limit(1))


def _mine(model, by_user=True):
    """A reader's (or, without `by_user`, the partnership's) row of `model` for an item."""
    if by_user:
        return Prepared(lambda user_id, partnership_id, item_id: model.select().where(
            model.user == user_id, model.partnership == partnership_id, model.item == item_id
        ).limit(1))
    return Prepared(lambda partnership_id, item_id: model.select().where(
        model.partnership == partnership_id, model.item == item_id).limit(1))


_NOTE, _FEEDBACK, _COMPLETED = _mine(PartnershipNote, by_user=False), _mine(Feedback), _mine(Completion)
_VIEWED_SINCE = Prepared(lambda user_id, partnership_id, item_id, since: ItemView.select(ItemView.id).where(
    ItemView.user == user_id, ItemView.item == item_id, ItemView.at >= since,
    ItemView.partnership == partnership_id).limit(1))


def record_view(user_id, partnership_id, item_id):
    """Count a view once per person, item and (UTC) day.

    A reload, or going back to the article, is not another view, and a page a member
    reads should not be a write on every request: the enablement figures then grow
    with the people and the days, not with page loads.
    """
    at = utcnow()
    day = at.replace(hour=0, minute=0, second=0, microsecond=0)
    if _VIEWED_SINCE.scalar(user_id, partnership_id, item_id, day) is None:
        with write_transaction():
            ItemView.create(user=user_id, partnership=partnership_id, item=item_id, at=at)


def _facet_values(items):
    counts = {facet: {} for facet in FACETS}
    for item in items:
        for facet, values in (("audience", [item.audience]), ("stage", item.stages),
                              ("principle", item.principles), ("tag", item.tags)):
            for value in values:
                counts[facet][value] = counts[facet].get(value, 0) + 1
    return {facet: sorted(values.items(), key=lambda kv: (-kv[1], kv[0])) for facet, values in counts.items()}


def _matches(item, chosen):
    return ((not chosen["audience"] or item.audience == chosen["audience"])
            and (not chosen["stage"] or chosen["stage"] in item.stages)
            and (not chosen["principle"] or chosen["principle"] in item.principles)
            and (not chosen["tag"] or chosen["tag"] in item.tags))


@bp.route("")
def index(partnership_id):
    ensure_synced()
    partnership = g.partnership
    query = request.args.get("q", "")
    pages = min(database_id(request.args.get("more")) or 1, 50)
    chosen = {facet: request.args.get(facet, "").strip().lower() for facet in FACETS}
    words, note = search.words_of(query)
    snippets = {}
    pinned = tailoring.pinned_ids(partnership)
    shown = PAGE_SIZE * pages
    if words or query.strip():
        if words:
            found = search.search(query, limit=shown,
                                  organizations=[partnership.client_id, partnership.supplier_id])
            by_id = {item.id: item for item in library.visible_items(
                partnership, *library.LIST_FIELDS).where(ContentItem.id.in_([i for i, _ in found]))}
            results = [by_id[item_id] for item_id, _ in found if item_id in by_id]
            snippets = dict(found)
        else:
            note = gettext("Type a word to search: your search had no letters or digits.")
            results = []
        facets = _facet_values(results)
        results = [item for item in results if _matches(item, chosen)]
        total = (search.count(query, [partnership.client_id, partnership.supplier_id])
                 if words and not any(chosen.values()) else len(results))
        more = len(snippets) == shown
    else:
        # Browsing: ranked, filtered, counted and faceted by the database (listing.py).
        side = partnership.side_of(current_user.organization_id)
        role = g.membership.role if g.membership else None
        results = listing.ranked(partnership, side, role, chosen, shown + 1)
        facets, total = listing.facets(partnership), listing.count(partnership, chosen)
        more = len(results) > shown
    more_url = None
    if more:
        args = {k: v for k, v in request.args.items() if k != "more"}
        more_url = url_for("content.index", partnership_id=partnership.id, more=pages + 1, **args)
    done = {c.item_id for c in Completion.select(Completion.item).where(
        Completion.user == current_user.id, Completion.partnership == partnership)}
    return render("content/index.html", block="results" if request.headers.get("HX-Target") == "results" else None,
                  partnership=partnership, results=results[:shown], total=total,
                  more_url=more_url,
                  query=query, words=words, note=note,
                  snippets=snippets, facets=facets, chosen=chosen, pinned=pinned, done=done,
                  # the layout reads both organizations anyway: items name theirs from them
                  org_names={partnership.client_id: partnership.client.name,
                             partnership.supplier_id: partnership.supplier.name},
                  stage_labels=STAGE_LABELS, can_edit=_can_edit(), tailored_for=library.tailored_for)


@bp.route("/<slug>")
def item(partnership_id, slug):
    ensure_synced()
    item = _item_or_404(slug)
    pid, uid = g.partnership.id, current_user.id
    record_view(uid, pid, item.id)
    note = _NOTE.first(pid, item.id)
    feedback, completed = _FEEDBACK.first(uid, pid, item.id), _COMPLETED.first(uid, pid, item.id)
    return render("content/item.html", partnership=g.partnership, item=item, note=note,
                  feedback=feedback, completed=completed, can_edit=_can_edit(),
                  pinned=item.id in tailoring.pinned_ids(g.partnership),
                  extras=_extras(item), stage_labels=STAGE_LABELS,
                  can_author=_can_edit() and item.organization_id == current_user.organization_id)


def _extras(item):
    """Reflections and cohort threads for this item, from the modules that keep them."""
    out = {}
    try:
        from portal.content import cohorts, reflections
    except ImportError:  # pragma: no cover - both ship with the portal
        return out
    out["reflections"] = reflections.for_item(current_user, g.partnership, item)
    out["cohorts"] = cohorts.cohorts_with_item(current_user, g.partnership, item)
    return out


def _check_form():
    if not FlaskForm().validate_on_submit():
        abort(400)


@bp.route("/<slug>/done", methods=["POST"])
def complete(partnership_id, slug):
    item = _item_or_404(slug)
    _check_form()
    with write_transaction():
        if not Completion.select().where(Completion.user == current_user.id, Completion.partnership == g.partnership,
                                         Completion.item == item).exists():
            Completion.create(user=current_user.id, partnership=g.partnership, item=item)
    try:
        from portal.content import reviews

        reviews.schedule_after_completion(current_user, g.partnership, item)
        flash(gettext("Marked as read. It will come back for a short review, so it stays with you."), "success")
    except ImportError:  # pragma: no cover
        flash(gettext("Marked as read."), "success")
    return redirect(url_for("content.item", partnership_id=partnership_id, slug=slug))


@bp.route("/<slug>/feedback", methods=["POST"])
def feedback(partnership_id, slug):
    item = _item_or_404(slug)
    form = FeedbackForm()
    if not form.validate_on_submit():
        flash(first_error(form), "error")
        return redirect(url_for("content.item", partnership_id=partnership_id, slug=slug))
    with write_transaction():
        (Feedback.delete().where(Feedback.user == current_user.id, Feedback.partnership == g.partnership,
                                 Feedback.item == item).execute())
        Feedback.create(user=current_user.id, partnership=g.partnership, item=item,
                        helpful=form.helpful.data == "1", comment=form.comment.data)
    flash(gettext("Thank you for your feedback."), "success")
    return redirect(url_for("content.item", partnership_id=partnership_id, slug=slug) + "#feedback")


@bp.route("/<slug>/pin", methods=["POST"])
@requires_role("editor")
def pin(partnership_id, slug):
    item = _item_or_404(slug)
    _check_form()
    existing = Pin.get_or_none(Pin.partnership == g.partnership, Pin.item == item)
    if existing:
        existing.delete_instance()
        flash(gettext("“%(title)s” is no longer pinned.", title=item.title), "success")
    else:
        Pin.create(partnership=g.partnership, item=item, pinned_by=current_user.id)
        flash(gettext("“%(title)s” is pinned: everyone in the partnership sees it first.", title=item.title), "success")
    audit.record("content_pinned" if not existing else "content_unpinned", partnership=g.partnership, item=slug)
    return redirect(url_for("content.item", partnership_id=partnership_id, slug=slug))


@bp.route("/<slug>/note", methods=["POST"])
@requires_role("editor")
def note(partnership_id, slug):
    item = _item_or_404(slug)
    form = NoteForm()
    if not form.validate_on_submit():
        flash(first_error(form), "error")
        return redirect(url_for("content.item", partnership_id=partnership_id, slug=slug))
    body = form.body.data
    with write_transaction():
        PartnershipNote.delete().where(PartnershipNote.partnership == g.partnership,
                                       PartnershipNote.item == item).execute()
        if body:
            PartnershipNote.create(partnership=g.partnership, item=item, body=body,
                                   html=render_markdown(body), author=current_user.id)
    audit.record("content_note", partnership=g.partnership, item=slug)
    flash(gettext("The note for this partnership is saved.") if body else gettext("The note is removed."), "success")
    return redirect(url_for("content.item", partnership_id=partnership_id, slug=slug))


# Authoring -----------------------------------------------------------------------------

def _fields(form):
    return library.fields_from({
        "title": form.title.data, "summary": form.summary.data, "audience": form.audience.data,
        "roles": form.roles.data, "stages": form.stages.data, "principles": form.principles.data,
        "tags": [t.strip().lower() for t in (form.tags.data or "").split(",") if t.strip()],
        "reading_time": form.reading_time.data or 1,
        "partnerships": [str(g.partnership.id)] if form.tailored.data else [],
        "recall": {"question": form.recall_question.data, "answer": form.recall_answer.data},
    })


def _author_page(form, item=None, status=200):
    preview = render_markdown(form.body.data or "") if form.body.data else ""
    return render("content/edit.html", partnership=g.partnership, form=form, item=item,
                  preview=preview, status=status)


@bp.route("/new", methods=["GET", "POST"])
@requires_role("editor")
def new(partnership_id):
    if not _can_edit():
        abort(403)
    form = ItemForm()
    if form.validate_on_submit():
        slug = form.slug.data
        if ContentItem.select().where(ContentItem.slug == slug).exists():
            form.slug.errors.append(gettext("Another item already uses this address; choose another."))
            return _author_page(form, status=409)
        try:
            fields = _fields(form)
        except library.ContentError as exc:
            form.body.errors.append(str(exc))
            return _author_page(form, status=422)
        with write_transaction():
            item = library.store(slug, fields, form.body.data.replace("\r\n", "\n"), "portal",
                                 organization=current_user.organization_id)
            ContentRevision.create(item=item, fields=fields, body=item.body, author=current_user.id)
        audit.record("content_created", partnership=g.partnership, item=slug)
        flash(gettext("“%(title)s” is in the library of %(organization)s's partnerships.",
                      title=item.title, organization=current_user.organization.name), "success")
        return redirect(url_for("content.item", partnership_id=partnership_id, slug=slug))
    return _author_page(form, status=422 if form.errors else 200)


@bp.route("/<slug>/edit", methods=["GET", "POST"])
@requires_role("editor")
def edit(partnership_id, slug):
    item = _item_or_404(slug)
    if not _can_edit() or item.source != "portal" or item.organization_id != current_user.organization_id:
        abort(403)
    form = ItemForm(obj=item) if request.method == "GET" else ItemForm()
    if request.method == "GET":
        form.tags.data = ", ".join(item.tags)
        form.tailored.data = library.tailored_for(item, g.partnership)
        form.recall_question.data, form.recall_answer.data = item.recall_question, item.recall_answer
    form.slug.data = item.slug  # the address stays: links and reviews point to it
    if form.validate_on_submit():
        try:
            fields = _fields(form)
        except library.ContentError as exc:
            form.body.errors.append(str(exc))
            return _author_page(form, item, status=422)
        with write_transaction():
            item = library.store(item.slug, fields, form.body.data.replace("\r\n", "\n"), "portal",
                                 organization=item.organization_id)
            ContentRevision.create(item=item, fields=fields, body=item.body, author=current_user.id)
        audit.record("content_edited", partnership=g.partnership, item=slug)
        flash(gettext("The item is saved as a new revision."), "success")
        return redirect(url_for("content.item", partnership_id=partnership_id, slug=slug))
    revisions = list(ContentRevision.select().where(ContentRevision.item == item)
                     .order_by(ContentRevision.created_at.desc()))
    return render("content/edit.html", partnership=g.partnership, form=form, item=item,
                  revisions=revisions, preview=item.html if request.method == "GET" else render_markdown(form.body.data or ""),
                  status=422 if form.errors else 200)


@bp.route("/preview", methods=["POST"])
@requires_role("editor")
def preview(partnership_id):
    """The Markdown editor's preview (htmx), rendered and sanitized like the real thing."""
    form = PreviewForm()
    if not form.validate_on_submit():
        # Shown in place of the preview (htmx does not swap error responses); nothing is saved.
        return render("content/_preview.html",
                      preview=Markup('<p class="field__error">{}</p>').format(first_error(form)))
    html, toc = library.render(form.body.data)
    return render("content/_preview.html", preview=html)

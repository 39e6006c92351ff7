"""The library's files outside any partnership: the images its items show, and the site
admin's page of files that could not be loaded (with a button to read content/ again)."""
from flask import Blueprint, abort, current_app, flash, redirect, request, send_from_directory, url_for
from flask_babel import ngettext
from flask_login import login_required
from flask_wtf import FlaskForm

from portal.admin.views import site_admin_required
from portal.content import library
from portal.content.models import ContentItem, ContentProblem
from portal.content.views import ensure_synced
from portal.rendering import render

bp = Blueprint("library_files", __name__, template_folder="templates")
IMAGE_TYPES = (".svg", ".png", ".jpg", ".jpeg", ".gif", ".webp")


@bp.route("/-/content/<path:filename>")
@login_required
def image(filename):
    if not filename.lower().endswith(IMAGE_TYPES):
        abort(404)
    return send_from_directory(current_app.config["PORTAL_CONTENT_DIR"], filename, max_age=3600)


@bp.route("/admin/content", methods=["GET", "POST"])
@site_admin_required
def problems():
    if request.method == "POST":
        if not FlaskForm().validate_on_submit():
            abort(400)
        loaded, found = library.sync()
        current_app.extensions["content_synced"] = True
        flash(ngettext("Reloaded: %(num)d file in the library, %(problems)s with problems.",
                       "Reloaded: %(num)d files in the library, %(problems)s with problems.",
                       len(loaded), problems=len(found)), "success")
        return redirect(url_for("library_files.problems"))
    ensure_synced()
    return render("content/problems.html", problems=list(ContentProblem.select().order_by(ContentProblem.path)),
                  items=ContentItem.select().where(ContentItem.removed == False).count())  # noqa: E712

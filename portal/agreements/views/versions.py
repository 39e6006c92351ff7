"""Versions of the agreement: proposing the current text as a version, each sponsor
ratifying it for their organization, exporting it (Markdown, print), and what changed
since the version in force. ratification.py keeps the rules."""
from flask import Response, abort, flash, g, redirect, url_for
from flask_babel import gettext
from flask_login import current_user
from markupsafe import Markup

from portal.agreements import ratification
from portal.agreements.diffs import changed, diff_rows
from portal.agreements.forms import RatifyForm
from portal.agreements.models import AgreementVersion
from portal.agreements.views.scope import check_form, current_agreement
from portal.errors import error_page
from portal.markup import render_markdown
from portal.partnerships.access import requires_role
from portal.rendering import render


def _version_or_404(number):
    version = AgreementVersion.get_or_none(AgreementVersion.agreement == current_agreement(),
                                           AgreementVersion.number == number)
    if version is None:
        abort(404)
    return version


@requires_role("editor")
def propose(partnership_id):
    check_form()
    version = ratification.propose(current_agreement(), current_user,
                                   lambda number: _version_url(partnership_id, number))
    flash(gettext("Version %(number)s is proposed. A sponsor of each organization can now ratify it.",
                  number=version.number), "success")
    return redirect(url_for("agreements.version", partnership_id=partnership_id, number=version.number))


def _version_url(partnership_id, number):
    return url_for("agreements.version", partnership_id=partnership_id, number=number)


def _signatures(version):
    return {r.side: r for r in version.ratifications}


def version(partnership_id, number):
    """A version, its sign-offs, and whether it can still be signed: a superseded one
    says which version replaced it; the newest says whether the working text has moved
    on since it was proposed, with the diff."""
    version = _version_or_404(number)
    side = g.partnership.side_of(current_user.organization_id)
    newer = ratification.newer_version(version)
    superseded = ratification.is_superseded(version, newer)
    rows = []
    if newer is None:
        text, _ = ratification.current_text(current_agreement())
        rows = diff_rows(version.content, text) if text != version.content else []
    return render("agreements/version.html", partnership=g.partnership, version=version,
                  html=Markup(render_markdown(version.content)), signatures=_signatures(version),
                  newer=newer, superseded=superseded, rows=rows, moved_on=changed(rows),
                  can_ratify=g.membership is not None and g.membership.role == "sponsor"
                  and side is not None and side not in _signatures(version) and not superseded,
                  side=side)


@requires_role("sponsor")
def ratify(partnership_id, number):
    version = _version_or_404(number)
    form = RatifyForm()
    if not form.validate_on_submit():
        abort(400)
    side = g.partnership.side_of(current_user.organization_id)
    try:
        ratification.ratify(version, current_user, side, form.content_hash.data or "",
                            _version_url(partnership_id, number))
    except ratification.RatificationError as exc:
        return error_page(409, str(exc), title=gettext("Not ratified"))
    version = _version_or_404(number)
    if version.in_force_at:
        flash(gettext("Version %(number)s is ratified by both organizations and is now in force.",
                      number=version.number), "success")
    else:
        flash(gettext("Your organization has ratified version %(number)s; the other sponsor's "
                      "sign-off is still needed.", number=version.number), "success")
    return redirect(url_for("agreements.version", partnership_id=partnership_id, number=number))


def export_markdown(partnership_id, number):
    version = _version_or_404(number)
    partnership = g.partnership
    lines = ["# " + gettext("Partnership agreement: %(name)s", name=partnership.name), "",
             gettext("Between %(client)s (client) and %(supplier)s (supplier).",
                     client=partnership.client.name, supplier=partnership.supplier.name),
             gettext("Version %(number)s, SHA-256 %(hash)s.", number=version.number,
                     hash=version.content_hash), ""]
    for side, sig in sorted(_signatures(version).items()):
        day = sig.at.strftime("%Y-%m-%d")
        if sig.user_id:
            line = gettext("Ratified for %(organization)s by %(name)s on %(date)s.",
                           organization=sig.organization.name, name=sig.user.name, date=day)
        else:
            line = gettext("Ratified for %(organization)s by a sponsor on %(date)s.",
                           organization=sig.organization.name, date=day)
        lines.append("- " + line)
    body = "\n".join(lines) + "\n\n" + version.content
    return Response(body, mimetype="text/markdown", headers={
        "Content-Disposition": f'attachment; filename="agreement-v{version.number}.md"'})


def export_print(partnership_id, number):
    version = _version_or_404(number)
    return render("agreements/print.html", partnership=g.partnership, version=version,
                  html=Markup(render_markdown(version.content)), signatures=_signatures(version))


def changes(partnership_id):
    """What changed since the version in force, as a diff of the whole text."""
    agreement = current_agreement()
    in_force = ratification.in_force(agreement)
    text, _ = ratification.current_text(agreement)
    rows = diff_rows(in_force.content, text) if in_force else []
    return render("agreements/changes.html", partnership=g.partnership, version=in_force,
                  rows=rows, any_change=changed(rows))

"""A person's own display settings: high contrast, larger text, less motion.

The organization's theme is chosen by its admin; someone who needs high contrast cannot
wait for that, so these follow the person (stored with their account, whichever
organization they are in) and apply on top of any theme. A cookie carries them to the
pages shown before anyone logs in (the login page above all): it is set whenever a
logged-in page sees settings the cookie does not have, and stays after logging out.
Without any setting, the browser's own `prefers-contrast: more` and
`prefers-reduced-motion: reduce` are followed (portal.css and base.html).
"""
from flask import Blueprint, current_app, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import BooleanField

from portal.accounts.models import User
from portal.forms import Form
from portal.rendering import render
from flask_babel import lazy_gettext as _l

bp = Blueprint("display", __name__)

#: Each setting: its key (stored, in the cookie and as the class `display-<key>` on
#: <html>) and its words.
SETTINGS = (("contrast", _l("High contrast"), _l("Black on white, strong outlines and underlined links.")),
            ("large", _l("Larger text"), _l("Every page a quarter larger.")),
            ("still", _l("Less motion"), _l("No animations or smooth scrolling.")))
COOKIE = "portal_display"
YEAR = 365 * 24 * 3600


def parse(text):
    """The known settings in `text` (space-separated), in their fixed order: a cookie or
    a column holding anything else yields only what is known."""
    given = set((text or "").split())
    return tuple(key for key, _label, _hint in SETTINGS if key in given)


def current_settings():
    """The settings of whoever is looking: their account's, else their browser's cookie."""
    if "display" not in g:
        if current_user.is_authenticated:
            g.display = parse(current_user.display)
        else:
            g.display = parse(request.cookies.get(COOKIE, ""))
    return g.display


def html_classes():
    return " ".join(f"display-{key}" for key in current_settings())


class DisplayForm(Form):
    contrast = BooleanField(SETTINGS[0][1], description=SETTINGS[0][2])
    large = BooleanField(SETTINGS[1][1], description=SETTINGS[1][2])
    still = BooleanField(SETTINGS[2][1], description=SETTINGS[2][2])


def form_for_current():
    chosen = current_settings()
    return DisplayForm(formdata=None, data={key: key in chosen for key, _l, _h in SETTINGS})


@bp.route("/display", methods=["GET", "POST"])
def settings():
    """Anyone may set these, logged in or not: the login page links here."""
    form = DisplayForm() if request.method == "POST" else form_for_current()
    if form.validate_on_submit():
        chosen = " ".join(key for key, _l, _h in SETTINGS if form[key].data)
        g.display = parse(chosen)
        if current_user.is_authenticated:
            User.update(display=chosen).where(User.id == current_user.id).execute()
        flash(_("Your display settings are saved.") if current_user.is_authenticated else
              _("Your display settings are saved in this browser."), "success")
        response = redirect(_back())
        _remember(response, chosen)
        return response
    return render("accounts/display.html", form=form, back=_back(),
                  status=422 if form.errors else 200)


def _back():
    """Where "Save" leads: the profile for a person logged in, else the login page."""
    return url_for("accounts.profile" if current_user.is_authenticated else "auth.login")


def _remember(response, chosen):
    response.set_cookie(COOKIE, chosen, max_age=YEAR, httponly=True, samesite="Lax",
                        secure=current_app.config.get("SESSION_COOKIE_SECURE", False))


def carry_to_cookie(response):
    """After a logged-in page, put the person's settings into the cookie if it differs,
    so the login page shows them next time (after logging out, on this browser)."""
    if ("display" in g and current_user.is_authenticated
            and request.cookies.get(COOKIE, "") != " ".join(g.display)):
        _remember(response, " ".join(g.display))
    return response


def init_app(app):
    app.add_template_global(html_classes, "display_classes")
    app.add_template_global(current_settings, "display_settings")
    app.add_template_global(form_for_current, "display_form")
    app.after_request(carry_to_cookie)

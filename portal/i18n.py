"""Languages and time zones (issue 14): each person's own choice, else the browser's
language, else English; their time zone, else UTC.

Messages are marked with Flask-Babel's `gettext` (`_` in templates) and `ngettext`;
the catalogs are `portal/translations/<language>/LC_MESSAGES/messages.po`, compiled to
`.mo` beside them (`pybabel compile -d portal/translations`; tests/test_i18n.py fails
when one is older than its `.po`). A plugin ships its own catalogs in a `translations`
folder beside its module (docs/plugins.md); they are merged over the portal's.
"""
from pathlib import Path
from types import SimpleNamespace

from flask import has_request_context, request
from flask.globals import _cv_app
import flask_babel
from flask_babel import Babel, get_translations
from flask_babel.speaklater import LazyString
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import Markup, escape

def _escaped_html(self):
    return escape(str(self))


def _lazy_text(self):
    if self._func is flask_babel.gettext:  # as flask_babel.gettext, with the request's catalog
        text = _translations().ugettext(*self._args)
        return text % self._kwargs if self._kwargs else text
    return str(self._func(*self._args, **self._kwargs))


# A lazy message (`lazy_gettext`, a form's label or error made at import time) shown in a
# page is text like any other: Flask-Babel's LazyString marks it safe HTML as it is, so
# "Write the item's text." would reach the page unescaped. Escaped here, once, for all.
# And it is looked up in the request's translations found once (`_translations`): a page
# shows a hundred labels, and Flask-Babel finds the context and locale again for each.
LazyString.__html__ = _escaped_html
LazyString.__str__ = _lazy_text


def _babel_state():
    """Flask-Babel's per-context state, as its `_get_current_context` finds it, without
    going through `g`'s proxy three times: every `gettext`, `get_locale` and
    `get_translations` starts there, a few hundred times for a drawn page (issue 12)."""
    context = _cv_app.get(None)
    if context is None:
        return None
    found = context.g.__dict__.get("_flask_babel")
    if found is None:
        found = context.g._flask_babel = SimpleNamespace()
    return found


flask_babel._get_current_context = _babel_state

#: The languages the portal speaks, by code, each named in itself.
LANGUAGES = {"en": "English", "de": "Deutsch"}
TRANSLATIONS = Path(__file__).parent / "translations"


def locale():
    """The person's language, else the best the browser accepts, else English (and the
    default, English, outside a request: a command, a reminder run)."""
    if not has_request_context():
        return None
    if current_user and current_user.is_authenticated:
        chosen = getattr(current_user, "language", "")
        if chosen in LANGUAGES:
            return chosen
    return request.accept_languages.best_match(LANGUAGES) or "en"


def timezone():
    if current_user and current_user.is_authenticated:
        return current_user.timezone or "UTC"
    return "UTC"


def _translations():
    """The request's translations, for templates. Flask-Babel finds the context, the
    domain and the locale again for every message, a few hundred times a page (about a
    third of the function calls of drawing one); here they are found once per context
    and locale. `force_locale` sets another locale object, so it is obeyed."""
    context = _cv_app.get(None)
    if context is None:
        return get_translations()
    state = getattr(context.g, "_flask_babel", None)  # where Flask-Babel keeps the locale
    kept = getattr(context.g, "_portal_translations", None)
    if kept is None or state is None or kept[0] is not getattr(state, "babel_locale", None):
        translations = get_translations()
        state = getattr(context.g, "_flask_babel", None)
        kept = context.g._portal_translations = (getattr(state, "babel_locale", None),
                                                 translations)
    return kept[1]


def _formatted(context, text, variables):
    """What Jinja's newstyle gettext makes of a translation: Markup when the template
    escapes, then formatted with the call's variables; a message without `%` comes out
    the same, so it is not formatted (nor its Markup escaped again for nothing)."""
    if context.eval_ctx.autoescape:
        text = Markup(text)
    return text % variables if "%" in text else text


@pass_context
def _gettext(context, string, **variables):
    return _formatted(context, _translations().ugettext(string), variables)


@pass_context
def _ngettext(context, singular, plural, num, **variables):
    variables.setdefault("num", num)
    return _formatted(context, _translations().ungettext(singular, plural, num), variables)


@pass_context
def _pgettext(context, message_context, string, **variables):
    variables.setdefault("context", message_context)
    return _formatted(context, _translations().upgettext(message_context, string), variables)


@pass_context
def _npgettext(context, message_context, singular, plural, num, **variables):
    variables.setdefault("context", message_context)
    variables.setdefault("num", num)
    return _formatted(context, _translations().unpgettext(message_context, singular, plural, num),
                      variables)


#: Jinja's newstyle callables, each in one call: Jinja's own `_` looks `gettext` up in the
#: context and calls it, which calls the function it wraps, which formats even a message
#: without a placeholder; a page shows a few hundred messages (issue 12).
TEMPLATE_GETTEXT = {"_": _gettext, "gettext": _gettext, "ngettext": _ngettext,
                    "pgettext": _pgettext, "npgettext": _npgettext}


def plugin_translation_folders(host):
    """A loaded plugin's `translations` folder, beside its module, when it has one."""
    import sys

    folders = []
    for info in host.loaded:
        plugin = host.pm.get_plugin(info.name)
        module = sys.modules.get(getattr(plugin, "__name__", ""), plugin)
        found = Path(getattr(module, "__file__", "") or "").parent / "translations"
        if getattr(module, "__file__", None) and found.is_dir():
            folders.append(str(found))
    return folders


def init_app(app, host):
    folders = [str(TRANSLATIONS), *plugin_translation_folders(host)]
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(folders)
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "en")
    Babel(app, locale_selector=locale, timezone_selector=timezone)
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
        newstyle=True)
    app.jinja_env.globals.update(TEMPLATE_GETTEXT)
    # {% trans %} blocks written over several lines are one message, spaces collapsed.
    app.jinja_env.policies["ext.i18n.trimmed"] = True

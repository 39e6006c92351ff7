"""A query string holding a control character is refused before any view reads it.

No address the portal writes carries a C0 control character (tab, line feed and carriage
return aside) and PostgreSQL cannot store a NUL, so such a query value comes from a
hand-made request: the answer is a 400 page in the portal's layout, before a view could
search with it, put it in a link or take it to the database (issue 11). Form fields get
the same check with a message beside the field (`portal.forms.Form`, `clean_text`).
"""
from flask import request

from portal.errors import error_page
from portal.forms import CONTROL
from flask_babel import lazy_gettext as _l

QUERY_MESSAGE = _l("The address holds an invisible control character (such as NUL, \\0) that "
                   "no page of the portal uses. Check the link, or type the address again.")


def refuse_control_characters():
    """The 400 page when a name or value of the query string holds a control character."""
    for name, values in request.args.lists():
        if any(CONTROL.search(text) for text in (name, *values)):
            return error_page(400, QUERY_MESSAGE)
    return None


def init_app(app):
    app.before_request(refuse_control_characters)

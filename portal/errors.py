"""Error pages in the portal's own layout; no stack trace ever reaches the browser."""
from flask import current_app, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from portal import db, layout
from portal.rendering import render
from flask_babel import lazy_gettext as _l

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Check what you entered and try again.")),
    401: (_l("Please log in"), _l("You need to log in to see this page.")),
    403: (_l("Not allowed"), _l("Your role in this partnership does not allow this action.")),
    404: (_l("Not found"), _l("There is nothing here, or it is not shared with you.")),
    405: (_l("Not allowed"), _l("This address does not accept that kind of request.")),
    409: (_l("Conflict"), _l("Someone else changed this at the same time. Nothing you entered was lost.")),
    413: (_l("Too large"), _l("What you sent is larger than the portal accepts. Nothing was saved; shorten it and try again.")),
    422: (_l("Please check the form"), _l("Some fields need another look.")),
    429: (_l("Too many attempts"), _l("Please wait a little and try again.")),
    500: (_l("Something went wrong"), _l("The portal hit an unexpected error. It has been logged; nothing you had saved before was lost.")),
    503: (_l("Database not answering"), _l("The portal cannot reach its database just now. Nothing you had saved before was lost; try again in a moment.")),
}

#: Seconds a client or proxy should wait before retrying while the database is down.
RETRY_AFTER_SECONDS = 5


def error_page(status, message=None, title=None):
    default_title, default_message = MESSAGES.get(status, (_("Error"), ""))
    title, message = title or default_title, message or default_message
    body, status = render("errors/error.html", status=status, code=status,
                          title=title, message=message)
    # htmx does not swap error responses; portal.js shows this header as a notice.
    return body, status, {"X-Portal-Message": str(message).encode("ascii", "ignore").decode()}


def _http_error(exc):
    message = exc.description if getattr(exc, "portal_message", False) else None
    return error_page(exc.code or 500, message)


def _csrf_error(exc):
    return error_page(
        400,
        _("This form has expired or did not come from the portal (missing or wrong "
          "security token). Nothing was saved: reload the page and send it again."),
        title=_("Form expired"),
    )


def _unexpected(exc):
    if isinstance(exc, HTTPException):
        return _http_error(exc)
    current_app.logger.exception("unhandled error on %s %s", request.method, request.path)
    return error_page(500)


def _database_error(exc):
    """A database that stopped answering is a 503 page; any other database error a 500.

    The page is drawn without the database (`layout.without_database`), which a
    logged-in user's header would otherwise need, failing a second time.
    """
    if not db.connection_lost():
        return _unexpected(exc)
    current_app.logger.error("database not answering on %s %s: %s",
                             request.method, request.path, exc)
    layout.without_database()
    body, status, headers = error_page(503)
    headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return body, status, headers


def init_app(app):
    app.register_error_handler(CSRFError, _csrf_error)
    for error in db.CONNECTION_ERRORS:
        app.register_error_handler(error, _database_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)
    app.register_error_handler(InternalServerError, lambda exc: error_page(500))

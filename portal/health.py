"""`GET /healthz` for load balancers and monitoring: is the database answering, and is
its schema the one this code needs?"""
import time

from flask import Blueprint, jsonify, request
from flask_babel import gettext as _

from portal.db import CONNECTION_ERRORS, database, is_sqlite
from portal.migrations import schema_behind, status

bp = Blueprint("health", __name__)


def database_down(exc):
    """The failure answer: JSON 503, also when the request's connect fails before the view.

    db.init_app connects before every view, so with the database down that connect
    raises first; this blueprint's handler keeps the answer JSON for monitors.
    """
    return jsonify(status="error", database={"ok": False, "error": type(exc).__name__}), 503


#: Answered even while the schema is behind: the health check and the files a 503 page uses.
ALWAYS_SERVED = {"health.healthz", "static", "themes.static", "assets.htmx_script"}


def init_app(app):
    """Answer 503 to every page while the database lags behind this code's schema.

    Pages would otherwise fail one by one on a missing column (a 500 each). The check
    costs a few queries per process until the schema is current once: steps only move
    forward, so a process that saw a current schema never needs to look again.
    """
    state = {"current": False}

    @app.before_request
    def _refuse_while_behind():
        if state["current"] or request.endpoint in ALWAYS_SERVED:
            return None
        behind = schema_behind(app)
        if not behind:
            state["current"] = True
            return None
        from portal import layout
        from portal.errors import error_page

        layout.without_database()
        return error_page(503, title=_("Upgrade needed"), message=_(
            "This portal's database needs an upgrade before it can serve pages "
            "(%(components)s). Nothing was lost: the person who runs the "
            "portal needs to run the command “portal db upgrade” on its server.",
            components=", ".join(sorted(behind))))


for _error in CONNECTION_ERRORS:
    bp.register_error_handler(_error, database_down)


@bp.route("/healthz")
def healthz():
    """200 when the database answers with this code's schema; 503 otherwise.

    A server whose schema is behind must leave the load balancer's pool: its pages would
    fail on a missing column, so the answer names each component with pending steps.
    """
    started = time.perf_counter()
    try:
        database.execute_sql("SELECT 1").fetchone()
        report = status()
    except Exception as exc:  # noqa: BLE001 - report, never raise, from a health check
        return database_down(exc)
    behind = {s.name: list(s.pending) for s in report if s.pending}
    body = {
        "status": "needs-upgrade" if behind else "ok",
        "database": {
            "ok": True,
            "engine": "sqlite" if is_sqlite() else "postgresql",
            "latency_ms": round((time.perf_counter() - started) * 1000, 2),
        },
        "schema": {s.name: {"applied": list(s.applied), "pending": list(s.pending),
                            "unknown": list(s.unknown)} for s in report},
    }
    if behind:
        body["needs_upgrade"] = sorted(behind)
        body["action"] = "run `portal db upgrade`"
    return jsonify(body), 503 if behind else 200

"""`GET /healthz` for load balancers and monitoring: is the database answering?"""
import time

from flask import Blueprint, jsonify

from portal.db import database, is_sqlite
from portal.migrations import current_version, latest_version

bp = Blueprint("health", __name__)


@bp.route("/healthz")
def healthz():
    started = time.perf_counter()
    try:
        database.execute_sql("SELECT 1").fetchone()
        version = current_version()
    except Exception as exc:  # noqa: BLE001 - report, never raise, from a health check
        return jsonify(status="error", database={"ok": False, "error": type(exc).__name__}), 503
    body = {
        "status": "ok" if version == latest_version() else "needs-upgrade",
        "database": {
            "ok": True,
            "engine": "sqlite" if is_sqlite() else "postgresql",
            "schema_version": version,
            "latest_schema_version": latest_version(),
            "latency_ms": round((time.perf_counter() - started) * 1000, 2),
        },
    }
    return jsonify(body), 200 if version == latest_version() else 503

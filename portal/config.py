"""Configuration read from the environment, with the instance folder for local state.

Everything a deployment may need to change is a `PORTAL_*` environment variable, so the
same code runs the demo on embedded SQLite and production on PostgreSQL.
"""
import importlib
import os
import secrets
from pathlib import Path

import platformdirs

#: The name of the per-user data folder that holds the instance when none is set.
APP_DIR_NAME = "partnership-portal"


def shipped_folder(package):
    """The folder of a package that travels inside the distribution.

    plugins/, content/ and themes/ sit at the top of the repository and are installed as
    `portal.builtin_plugins`, `portal.starter_content` and `portal.bundled_themes`
    (pyproject.toml), so the same lookup finds them in a checkout, an editable install
    and a wheel, whatever the working directory.
    """
    return Path(importlib.import_module(package).__file__).resolve().parent


def instance_path():
    """Where local state lives: the database, the secret key, drop-in plugins.

    One rule, whatever the working directory or the install location:
    PORTAL_INSTANCE_PATH when set, else the user's data folder for this application
    (`~/.local/share/partnership-portal` on Linux, as platformdirs reports it). A rule
    based on the working directory would give `portal create-user`, started from another
    folder, a second, empty database without a word.
    """
    configured = os.environ.get("PORTAL_INSTANCE_PATH")
    if configured:
        return Path(configured).expanduser().resolve()
    return platformdirs.user_data_path(APP_DIR_NAME, appauthor=False).resolve()


def _flag(value, default=False):
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _names(value):
    return {n.strip() for n in (value or "").split(",") if n.strip()}


def secret_key(instance_path):
    """Return the session signing key: from the environment, or generated once.

    A constant in code would let anyone who read the source forge sessions, so when
    PORTAL_SECRET_KEY is unset a random key is written to the instance folder the first
    time and read back afterwards. O_EXCL keeps two workers starting together from each
    writing a different key.
    """
    key = os.environ.get("PORTAL_SECRET_KEY")
    if key:
        return key
    path = Path(instance_path) / "secret_key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as fh:
        key = secrets.token_hex(32)
        fh.write(key)
    return key


def from_environment(instance_path):
    """Build the configuration mapping for a new application."""
    env = os.environ.get
    instance = Path(instance_path)
    return {
        "SECRET_KEY": secret_key(instance),
        "PORTAL_DATABASE_URL": env("PORTAL_DATABASE_URL")
        or f"sqlite:///{instance / 'portal.sqlite'}",
        "PORTAL_PLUGINS_DIR": env("PORTAL_PLUGINS_DIR") or str(instance / "plugins"),
        "PORTAL_CONTENT_DIR": env("PORTAL_CONTENT_DIR")
        or str(shipped_folder("portal.starter_content")),
        "PORTAL_THEMES_DIR": env("PORTAL_THEMES_DIR") or str(instance / "themes"),
        "PORTAL_DEFAULT_THEME": env("PORTAL_DEFAULT_THEME") or "default",
        "PORTAL_LOAD_INSTALLED_PLUGINS": _flag(env("PORTAL_LOAD_INSTALLED_PLUGINS"), True),
        "PORTAL_PLUGINS_ALLOW": _names(env("PORTAL_PLUGINS_ALLOW")),
        "PORTAL_PLUGINS_BLOCK": _names(env("PORTAL_PLUGINS_BLOCK")),
        "PORTAL_PLUGINS_STRICT": _flag(env("PORTAL_PLUGINS_STRICT")),
        "PORTAL_LOGIN_MAX_FAILURES": int(env("PORTAL_LOGIN_MAX_FAILURES") or 5),
        "PORTAL_LOGIN_WINDOW_SECONDS": int(env("PORTAL_LOGIN_WINDOW_SECONDS") or 900),
        # Reverse proxies in front of the portal whose X-Forwarded-* headers are believed;
        # 0 believes none, since a client can send those headers itself.
        "PORTAL_TRUSTED_PROXIES": int(env("PORTAL_TRUSTED_PROXIES") or 0),
        "PORTAL_PAGE_CACHE_MB": float(env("PORTAL_PAGE_CACHE_MB") or 32),
        "PORTAL_FRAGMENT_CACHE_MB": float(env("PORTAL_FRAGMENT_CACHE_MB") or 8),
        "PORTAL_SMTP_HOST": env("PORTAL_SMTP_HOST") or "",
        "PORTAL_SMTP_PORT": int(env("PORTAL_SMTP_PORT") or 587),
        "PORTAL_SMTP_SECURITY": (env("PORTAL_SMTP_SECURITY") or "starttls").strip().lower(),
        "PORTAL_SMTP_USER": env("PORTAL_SMTP_USER") or "",
        "PORTAL_SMTP_PASSWORD": env("PORTAL_SMTP_PASSWORD") or "",
        "PORTAL_SMTP_FROM": env("PORTAL_SMTP_FROM") or "Partnership Portal <portal@localhost>",
        "PORTAL_SMTP_TIMEOUT": int(env("PORTAL_SMTP_TIMEOUT") or 10),
        # The address people open the portal at, for the links in e-mails.
        "PORTAL_BASE_URL": env("PORTAL_BASE_URL") or "http://127.0.0.1:8000",
        # Forms in this portal are text; 1 MB leaves room and stops abuse early.
        "MAX_CONTENT_LENGTH": int(env("PORTAL_MAX_CONTENT_LENGTH") or 1024 * 1024),
        "MAX_FORM_MEMORY_SIZE": int(env("PORTAL_MAX_CONTENT_LENGTH") or 1024 * 1024),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _flag(env("PORTAL_SECURE_COOKIES")),
        "REMEMBER_COOKIE_SECURE": _flag(env("PORTAL_SECURE_COOKIES")),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": None,
        "WTF_CSRF_SSL_STRICT": _flag(env("PORTAL_SECURE_COOKIES")),
    }

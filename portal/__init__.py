"""Partnership Portal.

Plugin authors import only from here, e.g. `from portal import hookimpl, NavItem`; the
names in `__all__` are the public API, defined in `portal/api.py` and listed in
docs/plugins.md. The application factory lives in `portal/app.py`.
"""
from portal.api import *  # noqa: F403 - the public API is exactly api.__all__
from portal.api import __all__ as _api
from portal.app import create_app

__all__ = ["create_app", *_api]
__version__ = "0.1.0"

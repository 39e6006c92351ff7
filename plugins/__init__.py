"""The plugins shipped with the portal, installed as the package `portal.builtin_plugins`.

Each sub-package is a plugin written against the public API only (`from portal import
...`), loaded from the explicit list in `portal/plugins/host.py`. The folder stays at the
top of the repository (the design card's layout); pyproject.toml maps it into the
distribution so a wheel carries it (docs/decisions.md, "A distribution that works
anywhere").
"""

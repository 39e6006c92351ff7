"""Plugins use the documented API only: `from portal import <a name in portal.__all__>`.

Built-in plugins are written exactly as a third party would write them; if one needs
something the API does not offer, the API is extended (and documented), never bypassed.
"""
import ast
from pathlib import Path

import portal

ROOT = Path(__file__).resolve().parent.parent
PLUGIN_CODE = sorted((ROOT / "plugins").rglob("*.py")) + sorted(
    (ROOT / "tests" / "example_plugin").rglob("*.py"))


def portal_imports(path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "portal" or alias.name.startswith("portal."):
                    yield node.lineno, f"import {alias.name}"
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "portal":
                for alias in node.names:
                    if alias.name not in portal.__all__:
                        yield node.lineno, f"from portal import {alias.name}"
            elif node.module.startswith("portal."):
                yield node.lineno, f"from {node.module} import …"


def test_there_is_plugin_code_to_check():
    assert len(PLUGIN_CODE) >= 7


def test_plugins_import_only_the_documented_api():
    offences = [f"{path.relative_to(ROOT)}:{line}: {what}"
                for path in PLUGIN_CODE for line, what in portal_imports(path)]
    assert offences == []


def test_every_public_name_is_documented():
    docs = (ROOT / "docs" / "plugins.md").read_text()
    missing = [name for name in portal.__all__ if name != "create_app" and f"`{name}" not in docs]
    assert missing == []

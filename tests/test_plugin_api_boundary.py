"""Plugins use the documented API only: `from portal import <a name in portal.__all__>`.

Built-in plugins are written exactly as a third party would write them; if one needs
something the API does not offer, the API is extended (and documented), never bypassed.
"""
import ast
import re
from pathlib import Path

import portal

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = [ROOT / "tests" / "example_plugin" / "portal_example_meeting_check",
            ROOT / "docs" / "examples" / "acme", ROOT / "docs" / "examples" / "renewal" / "renewal"]
PLUGIN_CODE = sorted(p for p in (ROOT / "plugins").rglob("*.py") if "migrations" not in p.parts) + sorted(
    p for root in EXAMPLES for p in root.rglob("*.py") if "migrations" not in p.parts)


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


# -- beyond imports: what plugin code and templates may reach ---------------------------------

PLUGIN_ROOTS = sorted(p for p in (ROOT / "plugins").iterdir() if (p / "__init__.py").is_file()) + EXAMPLES
#: Reaching around the API: the rows the portal keeps for its own views, model internals,
#: and the login library behind `logged_in_user()` / `login_required`.
FORBIDDEN = {
    r"\bg\.(partnership|membership)\b": "use current_partnership() / current_membership()",
    r"\._meta\b": "use the API (write_transaction(), your own model fields)",
    r"\bflask_login\b|\bcurrent_user\b": "use logged_in_user() / login_required from portal",
}
TEMPLATE_REFERENCE = re.compile(r"{%-?\s*(?:extends|include|import|from)\s+[\"']([^\"']+)[\"']")
URL_FOR = re.compile(r"url_for\(\s*[\"']([\w.]+)[\"']")
BLUEPRINT = re.compile(r"(?:Blueprint|partnership_blueprint)\(\s*[\"'](\w+)[\"']")


def plugin_files(root, pattern):
    return sorted(p for p in root.rglob(pattern) if "migrations" not in p.parts)


def test_plugins_reach_nothing_around_the_api():
    offences = []
    for root in PLUGIN_ROOTS:
        for path in plugin_files(root, "*.py") + plugin_files(root, "*.html"):
            for line_number, line in enumerate(path.read_text().splitlines(), 1):
                for pattern, instead in FORBIDDEN.items():
                    if re.search(pattern, line):
                        offences.append(f"{path.relative_to(ROOT)}:{line_number}: {instead}")
    assert offences == []


def test_plugins_use_only_public_or_their_own_templates_and_endpoints():
    offences = []
    for root in PLUGIN_ROOTS:
        code = [p.read_text() for p in plugin_files(root, "*.py")]
        own_blueprints = {name for text in code for name in BLUEPRINT.findall(text)}
        own_templates = {str(p.relative_to(folder)) for folder in root.rglob("templates")
                         for p in folder.rglob("*.html")}
        for path in plugin_files(root, "*.py") + plugin_files(root, "*.html"):
            text = path.read_text()
            for template in TEMPLATE_REFERENCE.findall(text):
                if template not in portal.PUBLIC_TEMPLATES and template not in own_templates:
                    offences.append(f"{path.relative_to(ROOT)}: template {template}")
            for endpoint in URL_FOR.findall(text):
                blueprint = endpoint.split(".")[0]
                if (endpoint not in portal.PUBLIC_ENDPOINTS and blueprint not in own_blueprints
                        and not endpoint.startswith(".")):
                    offences.append(f"{path.relative_to(ROOT)}: endpoint {endpoint}")
    assert offences == []


def test_public_templates_and_endpoints_exist(app):
    for template in portal.PUBLIC_TEMPLATES:
        app.jinja_env.get_template(template)
    assert set(portal.PUBLIC_ENDPOINTS) <= set(app.view_functions)


def test_the_portals_own_features_use_hooks_as_plugins_do():
    """A core feature's hooks read only their arguments and the API, never the request's
    `g`, so they prove the contract a plugin gets is enough."""
    from portal.plugins.host import DEFAULT_PLUGINS

    offences = []
    for module in DEFAULT_PLUGINS:
        path = ROOT / (module.replace(".", "/") + ".py")
        for line_number, line in enumerate(path.read_text().splitlines(), 1):
            if re.search(r"\bg\.|\bg\b,|import g\b", line):
                offences.append(f"{path.relative_to(ROOT)}:{line_number}")
    assert len(DEFAULT_PLUGINS) >= 8 and offences == []

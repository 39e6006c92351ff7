"""The code stays in small modules that import each other in one direction (issue 10,
"one place per feature in the core").

Two modules that import each other at load time work only while they happen to load in
the right order, and they cannot be split or read apart; a module past a few screens
mixes layers (models, forms, domain, pages) that the Indico-style layout keeps apart
(STYLE.md). Both checks read the source, so they need no app and run in a moment.
"""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORTAL = ROOT / "portal"
MAX_LINES = 400


def _skipped(relative):
    """Schema steps are generated one per change and read as a history, not a module;
    the machinery that runs them (portal/migrations/__init__.py) is checked like the rest."""
    path = relative.as_posix()
    if path.startswith("portal/migrations/"):
        return path.startswith("portal/migrations/core/")
    return "migrations" in relative.parts[:-1]


def _source_files():
    for top in ("portal", "plugins"):
        for path in sorted((ROOT / top).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if "__pycache__" not in relative.parts and not _skipped(relative):
                yield relative


def _line_count(relative):
    return len((ROOT / relative).read_text(encoding="utf-8").splitlines())


# The import graph ---------------------------------------------------------------------

def portal_modules():
    """{dotted name: path} of every module in the portal/ folder."""
    modules = {}
    for path in sorted(PORTAL.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if "__pycache__" in parts:
            continue
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


def _is_type_checking(test):
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def load_time_imports(tree):
    """The Import and ImportFrom nodes that run when the module loads.

    Imports inside a function run later, when it is called, and those under
    `if TYPE_CHECKING:` never run; class bodies, `try` and `if` run at load time.
    """
    pending = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            continue
        elif isinstance(node, ast.If) and _is_type_checking(node.test):
            pending.extend(node.orelse)
        else:
            pending.extend(child for child in ast.iter_child_nodes(node)
                           if isinstance(child, ast.stmt) or hasattr(child, "body"))


def _known(name, modules):
    """The longest prefix of `name` that is a portal module, or None."""
    parts = name.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in modules:
            return candidate
        parts.pop()
    return None


def import_graph():
    """{module: {portal modules it imports at load time}}.

    `from package import name` points at package.name when that is a module, else at
    the package. That Python runs a package's __init__ before any of its submodules is
    not counted: a package that re-exports its submodules' names is not a circle.
    """
    modules = portal_modules()
    graph = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets = set()
        for node in load_time_imports(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found = [_known(alias.name, modules) for alias in node.names]
            else:
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[:len(package.split(".")) - node.level + 1]
                    base = ".".join(anchor + ([base] if base else []))
                found = [_known(f"{base}.{alias.name}", modules) if f"{base}.{alias.name}" in modules
                         else _known(base, modules) for alias in node.names]
            targets.update(t for t in found if t is not None)
        graph[name] = targets
    return graph


def import_cycles(graph):
    """Each circle of modules importing each other, as a path that ends where it starts."""
    index, low, stack, on_stack, cycles = {}, {}, [], set(), []

    def visit(node):  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1 or node in graph.get(node, ()):
                cycles.append(_path_within(component, graph))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return cycles


def _path_within(component, graph):
    """One circle through the component's first module, for a readable message."""
    start = min(component)
    paths, seen = [[start]], {start}
    while paths:
        path = paths.pop(0)
        for target in sorted(graph[path[-1]] & component):
            if target == start:
                return path + [start]
            if target not in seen:
                seen.add(target)
                paths.append(path + [target])
    return sorted(component)


# Tests ---------------------------------------------------------------------------------

def test_no_portal_modules_import_each_other_in_a_circle():
    cycles = import_cycles(import_graph())
    assert cycles == [], "import circles at load time:\n" + "\n".join(
        " -> ".join(cycle) for cycle in cycles)


def test_every_module_fits_in_a_few_screens():
    too_long = {str(relative): lines for relative in _source_files()
                if (lines := _line_count(relative)) > MAX_LINES}
    assert too_long == {}, f"split these modules, each under {MAX_LINES} lines: {too_long}"


def test_the_cycle_check_sees_a_circle():
    graph = {"portal.a": {"portal.b"}, "portal.b": {"portal.c"}, "portal.c": {"portal.a"},
             "portal.d": {"portal.a"}}
    assert import_cycles(graph) == [["portal.a", "portal.b", "portal.c", "portal.a"]]


def test_imports_inside_functions_and_type_checking_are_not_load_time():
    tree = ast.parse("import os\n"
                     "from typing import TYPE_CHECKING\n"
                     "if TYPE_CHECKING:\n    import portal.late\n"
                     "try:\n    import portal.optional\nexcept ImportError:\n    pass\n"
                     "def view():\n    import portal.lazy\n"
                     "class Form:\n    import portal.in_class\n")
    names = {alias.name for node in load_time_imports(tree) for alias in node.names}
    assert names == {"os", "TYPE_CHECKING", "portal.optional", "portal.in_class"}

"""`portal new-plugin NAME`: an installable plugin package whose tests pass as written.

The files under `plugin/` are templates: `$name` (the Python package and entry-point
name), `$dist` (the distribution name) and `$title` are filled in, and `__package__` in a
path becomes the package's name. They end in `.tmpl` so that packaging tools ship them
as data, never as modules of the portal.
"""
import re
from pathlib import Path
from string import Template

TEMPLATE = Path(__file__).resolve().parent / "plugin"
NAME = re.compile(r"[a-z][a-z0-9_]{1,40}")


class ScaffoldError(ValueError):
    """The plugin cannot be written; the message says why."""


def new_plugin(name, directory):
    """Write the plugin package `name` into `directory`/`name`; return its folder."""
    if not NAME.fullmatch(name) or name.startswith("portal"):
        raise ScaffoldError(
            f"{name!r} cannot name a plugin: use 2 to 41 lower-case letters, digits and "
            "underscores, starting with a letter (and not 'portal…', which is ours)")
    target = Path(directory) / name
    if target.exists():
        raise ScaffoldError(f"{target} exists already; choose another name or folder")
    values = {"name": name, "dist": name.replace("_", "-"),
              "title": name.replace("_", " ").capitalize()}
    for source in sorted(TEMPLATE.rglob("*.tmpl")):
        relative = source.relative_to(TEMPLATE).with_suffix("")
        path = target / Path(*(part.replace("__package__", name) for part in relative.parts))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(Template(source.read_text()).substitute(values))
    return target

"""The partnership lifecycle guide: the four stages of seed 002, current one marked, and
the groundwork of each side (the client's six steps, the supplier's five; seed 000).

A built-in plugin using only the public API: a blueprint with one partnership-scoped
page, a navigation tab, and its own templates and data file beside its code.
"""
from pathlib import Path

from flask import Blueprint, render_template
from flask_babel import gettext as _

from portal import NavItem, current_partnership, hookimpl, load_toml

__version__ = "1.0.0"
SOURCE = ("\u201cBeyond the Classroom: The Art and Science of Building Lifelong Training "
          "Partnerships\u201d (MLOG), \u201cThe Partnership Lifecycle: A Practical Roadmap\u201d")

# Texts read in the request's language from translations/<language>/stages.toml (and
# processes.toml) when a translation exists; English (as written here) otherwise.
STAGES = load_toml(Path(__file__).parent / "stages.toml")["stage"]
#: The groundwork before a partnership, per side (seed 000): shown beside the stages.
PROCESSES = load_toml(Path(__file__).parent / "processes.toml")
PROCESS_SOURCE = "\u201cPower Up Your L&D Partnerships\u201d, \u201cThe Powering-Up Partnership Process\u201d"

bp = Blueprint("stage_guide", __name__)


@bp.route("/partnerships/<int:partnership_id>/lifecycle")
def guide(partnership_id):
    partnership = current_partnership()
    ids = [stage["id"] for stage in STAGES]
    current = ids.index(partnership.stage) if partnership.stage in ids else -1
    return render_template("stage_guide/guide.html", partnership=partnership,
                           stages=STAGES, current=current, source=SOURCE,
                           processes=PROCESSES, process_source=PROCESS_SOURCE)


@hookimpl
def portal_blueprints():
    return bp


@hookimpl
def portal_navigation_items(partnership, membership):
    if membership is None:
        return None
    return NavItem.tab(_("Lifecycle guide"), "stage_guide.guide", partnership, weight=60)

"""The agreement's URLs, all in one place; views/ serves them (one module per part of
the page set, views/__init__.py lists them).

Endpoint names are the view functions' names (`agreements.show`, `agreements.diff`, …).
"""

from portal.partnerships.access import partnership_blueprint
from portal.agreements.views import comments, editor, history, outline, reading, versions

# Templates stay in portal/agreements/templates, beside the domain modules.
bp = partnership_blueprint("agreements", __name__, "/agreement", template_folder="templates")
SECTION = "/sections/<int:section_id>"
VERSION = "/versions/<int:number>"
POST = ["POST"]

bp.add_url_rule("", view_func=reading.show)
bp.add_url_rule("/poll", view_func=reading.poll)

bp.add_url_rule(SECTION, view_func=reading.section)
bp.add_url_rule(f"{SECTION}/edit", view_func=editor.edit)
bp.add_url_rule(f"{SECTION}/edit", view_func=editor.save, methods=POST)
bp.add_url_rule(f"{SECTION}/resolve", view_func=editor.resolve, methods=POST)
bp.add_url_rule(f"{SECTION}/draft", view_func=editor.draft, methods=POST)
bp.add_url_rule(f"{SECTION}/draft/discard", view_func=editor.discard, methods=POST)
bp.add_url_rule(f"{SECTION}/presence", view_func=editor.presence, methods=POST)

bp.add_url_rule(f"{SECTION}/history", view_func=history.history)
bp.add_url_rule(f"{SECTION}/diff", view_func=history.diff)
bp.add_url_rule(f"{SECTION}/revisions/<int:revision_id>/restore", view_func=history.restore,
                methods=POST)

bp.add_url_rule("/sections", view_func=outline.add_section, methods=POST)
bp.add_url_rule(f"{SECTION}/rename", view_func=outline.rename, methods=POST)
bp.add_url_rule(f"{SECTION}/move", view_func=outline.move, methods=POST)
bp.add_url_rule(f"{SECTION}/remove", view_func=outline.remove, methods=POST)

bp.add_url_rule(f"{SECTION}/comments", view_func=comments.comments)
bp.add_url_rule(f"{SECTION}/comments", view_func=comments.add_comment, methods=POST)
bp.add_url_rule("/comments/<int:comment_id>/resolve", view_func=comments.resolve_comment,
                methods=POST)

bp.add_url_rule("/versions", view_func=versions.propose, methods=POST)
bp.add_url_rule(VERSION, view_func=versions.version)
bp.add_url_rule(f"{VERSION}/ratify", view_func=versions.ratify, methods=POST)
bp.add_url_rule(f"{VERSION}.md", view_func=versions.export_markdown)
bp.add_url_rule(f"{VERSION}/print", view_func=versions.export_print)
bp.add_url_rule("/changes", view_func=versions.changes)

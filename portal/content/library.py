"""Loading content/*.md into the database, rendering it once, and indexing it.

Files are read at start-up (and from the admin's "reload" button): a file whose front
matter is missing or malformed is recorded as a problem with the reason and skipped,
and the rest of the library loads. Markdown is rendered and sanitized when an item is
stored, headings get anchors and long items a table of contents; images must live in
the content folder and are served by the portal (remote images are dropped).
"""
import datetime as dt
import re
from pathlib import Path

import frontmatter
import yaml
from flask import current_app

from portal.accounts.models import utcnow
from portal.content import search
from portal.content.models import ContentItem, ContentProblem
from portal.db import write_transaction
from portal import markup
from portal.vocabulary import LIFECYCLE_STAGES, PARTNERSHIP_ROLES

AUDIENCES = ("client", "supplier", "both")
STAGES = tuple(key for key, _ in LIFECYCLE_STAGES)
ROLES = tuple(key for key, _ in PARTNERSHIP_ROLES)
PRINCIPLES = ("commitment", "communication", "credibility", "clarity", "cadence", "collaboration")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
TOC_FROM = 3  # headings before a table of contents is shown
FILES_URL = "/-/content/"  # images of content/ are served here by the portal


class ContentError(ValueError):
    """Why an item cannot be used; shown to admins and authors."""


def _list(meta, key, allowed=None):
    value = meta.get(key) or []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, (str, int)) for v in value):
        raise ContentError(f"'{key}' must be a list")
    value = [str(v).strip().lower() for v in value]
    if allowed is not None:
        wrong = [v for v in value if v not in allowed]
        if wrong:
            raise ContentError(f"'{key}' has unknown values {', '.join(wrong)}; "
                               f"use {', '.join(allowed)}")
    return value


def fields_from(meta):
    """Validated item fields from front matter (or the authoring form)."""
    title = str(meta.get("title") or "").strip()
    if not title:
        raise ContentError("the front matter has no 'title'")
    audience = str(meta.get("audience") or "both").strip().lower()
    if audience not in AUDIENCES:
        raise ContentError(f"'audience' must be one of {', '.join(AUDIENCES)}")
    try:
        reading_time = int(meta.get("reading_time") or 1)
    except (TypeError, ValueError) as exc:
        raise ContentError("'reading_time' must be a whole number of minutes") from exc
    recall = meta.get("recall") or {}
    if not isinstance(recall, dict):
        raise ContentError("'recall' must have a 'question' and an 'answer'")
    return {
        "title": title[:200], "summary": str(meta.get("summary") or "").strip(),
        "audience": audience, "roles": _list(meta, "roles", ROLES),
        "stages": _list(meta, "stages", STAGES), "principles": _list(meta, "principles", PRINCIPLES),
        "tags": _list(meta, "tags")[:10],
        # Partnerships by id or by name: ids differ between installations, names travel.
        "partnerships": _list(meta, "partnerships"),
        "reading_time": max(1, min(reading_time, 600)),
        "language": str(meta.get("language") or "en")[:12],
        "recall_question": str(recall.get("question") or "").strip(),
        "recall_answer": str(recall.get("answer") or "").strip(),
    }


def _rewrite_url(tag, attribute, value):
    """Images only from the content folder; links to other items stay in the portal."""
    if tag == "img" and attribute == "src":
        if re.match(r"^[a-z][a-z0-9+.-]*:|^//", value, re.I):
            return None  # never hot-link a remote image
        return FILES_URL + value.lstrip("./")
    if tag == "a" and attribute == "href" and value.endswith(".md") and "/" not in value:
        # Relative to the item's own address, /partnerships/<id>/library/<slug>, so one
        # stored rendering serves every partnership (migration 017 fixed `../slug`).
        return value[:-3]
    return value


def render(body):
    """(html, toc) for an item body: sanitized, headings anchored, images from content/."""
    html, headings = markup.convert(body, anchored_headings=True)
    clean = markup.sanitize(html, images=True, heading_ids=True, rewrite_url=_rewrite_url)
    toc = [[level, anchor, name] for level, anchor, name in headings if level in (2, 3)]
    return clean, toc if len(toc) >= TOC_FROM else []



def parse_file(path):
    """(slug, fields, body) of one content file, or ContentError with the reason."""
    try:
        post = frontmatter.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise ContentError("the file is not UTF-8 text") from exc
    except yaml.YAMLError as exc:
        raise ContentError(f"the front matter is not valid YAML ({str(exc).splitlines()[0]})") from exc
    if not post.metadata:
        raise ContentError("the file has no front matter (a --- block with at least 'title')")
    slug = str(post.metadata.get("slug") or path.stem).strip().lower()
    if not SLUG.match(slug):
        raise ContentError(f"'{slug}' is not a usable slug (lowercase letters, digits and hyphens)")
    if not post.content.strip():
        raise ContentError("the item has no text after its front matter")
    return slug, fields_from(post.metadata), post.content


def store(slug, fields, body, source, path="", mtime=0.0, organization=None):
    """Create or update the item and its search entry (call inside a transaction)."""
    html, toc = render(body)
    values = dict(fields, body=body, html=html, toc=toc, source=source, path=path, mtime=mtime,
                  organization=organization, updated_at=utcnow(), removed=False)
    item = ContentItem.get_or_none(ContentItem.slug == slug)
    if item is None:
        item = ContentItem.create(slug=slug, **values)
    else:
        ContentItem.update(**values).where(ContentItem.id == item.id).execute()
        item = ContentItem.get_by_id(item.id)
    search.index(item)
    return item


def sync(folder=None):
    """Bring the database in line with content/: new, changed, removed and broken files."""
    folder = Path(folder or current_app.config["PORTAL_CONTENT_DIR"])
    # A file named after its slug claims it before a file that merely declares it.
    files = sorted(folder.glob("*.md"), key=_claims_first) if folder.is_dir() else []
    loaded, problems = [], {}
    with write_transaction():
        known = {i.path: i for i in ContentItem.select().where(ContentItem.source == "file")}
        seen_slugs = {}
        for path in files:
            rel = path.name
            try:
                slug, fields, body = parse_file(path)
                if slug in seen_slugs:
                    raise ContentError(f"the slug '{slug}' is already used by {seen_slugs[slug]}")
                owner = ContentItem.get_or_none(ContentItem.slug == slug)
                if owner is not None and (owner.source != "file" or owner.path != rel) and not owner.removed:
                    raise ContentError(f"the slug '{slug}' is already used by "
                                       f"{owner.path or 'an item written in the portal'}")
            except ContentError as exc:
                problems[rel] = str(exc)
                continue
            seen_slugs[slug] = rel
            mtime = path.stat().st_mtime
            item = known.get(rel)
            if item is None or item.mtime != mtime or item.slug != slug or item.removed:
                if item is not None and item.slug != slug:
                    ContentItem.update(removed=True).where(ContentItem.id == item.id).execute()
                store(slug, fields, body, "file", path=rel, mtime=mtime)
            loaded.append(rel)
        for rel, item in known.items():
            if rel not in loaded and not item.removed:
                ContentItem.update(removed=True).where(ContentItem.id == item.id).execute()
                search.unindex(item)
        ContentProblem.delete().execute()
        for rel, reason in problems.items():
            ContentProblem.create(path=rel, reason=reason)
    return loaded, problems


def _claims_first(path):
    head = path.read_text(encoding="utf-8", errors="replace")[:2000]
    declared = re.search(r"^slug:\s*(\S+)", head, re.M)
    return (bool(declared) and declared.group(1).strip("'\"") != path.stem, path.name)


def tailored_for(item, partnership):
    return str(partnership.id) in item.partnerships or partnership.name.lower() in item.partnerships


def visible_items(partnership, *fields):
    """Items members of this partnership may read: the shared library plus the material
    of the two organizations. Pass `fields` to load only those columns (lists)."""
    orgs = [partnership.client_id, partnership.supplier_id]
    return (ContentItem.select(*fields)
            .where(ContentItem.removed == False,  # noqa: E712
                   ContentItem.organization.is_null() | ContentItem.organization.in_(orgs)))


#: What a list of items needs; bodies and HTML stay in the database.
LIST_FIELDS = (ContentItem.id, ContentItem.slug, ContentItem.title, ContentItem.summary,
               ContentItem.audience, ContentItem.roles, ContentItem.stages, ContentItem.principles,
               ContentItem.tags, ContentItem.partnerships, ContentItem.reading_time,
               ContentItem.organization)


def today():
    return dt.date.today()

"""Reading the portal's pages as a browser would, for tests/test_hostile_input.py.

A page is read with the standard library's HTMLParser: its links (href, hx-get) and
every form that posts (`method="post"` or `hx-post`), with the names of its controls and
the values a browser would send for them (hidden values, text, the checked boxes, a
select's selected option or else its first, the first named submit button). The GET
forms give the names of query arguments.
"""
import datetime as dt
import re
from collections import Counter
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from werkzeug.datastructures import MultiDict


class Missing:
    """A field left out of the request altogether."""

    def __repr__(self):
        return "<missing>"


MISSING = Missing()
#: What a person would type into an empty field of each type, to make something; a
#: date (None) is today's when the form is filled, since the walk may run past midnight.
PLAUSIBLE = {"date": None, "number": "3", "email": "new@client.example",
             "url": "https://example.com/", "password": "a long enough passphrase 42",
             "slug": "walk-item"}
TYPED = {"text", "textarea", "search", "tel", *PLAUSIBLE} - {"slug"}


class PostForm:
    """A form: where it goes, and what a browser would send."""

    def __init__(self, action, htmx):
        self.action, self.htmx = action, htmx
        self.defaults = []  # (name, value) pairs, in page order
        self.kinds = {}  # every control's name: (type, the values it offers)
        self.submitted = False  # the first submit button was seen
        self.refreshed = False  # read again from its page after a post changed something

    @property
    def names(self):
        return list(self.kinds)

    def add(self, name, kind, value, sent=True):
        known, offered = self.kinds.get(name, (kind, ()))
        self.kinds[name] = (known, offered + ((value,) if kind in ("radio", "select") else ()))
        if sent:
            self.defaults.append((name, value))

    def fields(self):
        """The names worth walking: two of a kind are enough, for fields numbered alike
        (a cohort's `due-<item id>`, `pair-<id>-<id>`), an instrument's questions on one
        scale (`q-<id>` with the same options) and their parts (`q-<id>-date`)."""
        seen, chosen = Counter(), []
        for name, (kind, offered) in self.kinds.items():
            parts = name.split("-")
            key = re.sub(r"\d+", "#", name)
            if len(parts) > 2:
                key = (re.sub(r"\d+", "#", parts[0]), re.sub(r"\d+", "#", parts[-1]), kind)
            elif len(parts) == 2 and offered:
                key = (parts[0], kind, offered)
            seen[key] += 1
            if seen[key] <= 2:
                chosen.append(name)
        return chosen

    def data_with(self, name, value):
        """The defaults with `value` in place of every value of `name` (or without it)."""
        data = [(key, kept) for key, kept in self.defaults if key != name]
        if value is not MISSING:
            data.append((name, value))
        return MultiDict(data)

    def data_hostile(self, value, keep=("csrf_token",)):
        """`value` in every field but those kept as the page filled them."""
        return MultiDict([(key, kept) for key, kept in self.defaults if key.endswith(keep)]
                         + [(name, value) for name in self.names if not name.endswith(keep)])

    @property
    def stale_after_change(self):
        """Whether it holds hidden values a change may make stale (a base revision)."""
        return any(kind == "hidden" for name, (kind, _) in self.kinds.items()
                   if not name.endswith("csrf_token"))

    def plausible(self):
        """What a person filling in the form sensibly sends: the page's values, and a word,
        a date, a number or an address in each typed field the page left empty."""
        data = MultiDict(self.defaults)
        for name, (kind, _) in self.kinds.items():
            if kind in TYPED and not data.get(name, "").strip():
                value = PLAUSIBLE.get(name, PLAUSIBLE.get(kind, f"Walk {name}"))
                data[name] = dt.date.today().isoformat() if value is None else value
        return data

    def default(self, name):
        return next((value for key, value in self.defaults if key == name), "")


class Page(HTMLParser):
    def __init__(self, url, html):
        super().__init__(convert_charrefs=True)
        self.url, self.links, self.forms, self.get_forms = url, [], [], []
        self._form = self._select = self._option = self._textarea = None
        self.csrf, htmx = "", []
        self._htmx = htmx  # (form an element with hx-post sends, the form it is in)
        self.feed(html)
        self.close()
        for form, within in htmx:  # it sends its form's fields, or else the page's token
            form.kinds, form.defaults = dict(within.kinds), list(within.defaults)
            if within is form:
                form.add("csrf_token", "hidden", self.csrf)
        for form in self.get_forms:  # sent as they are, they are links too
            query = urlencode(form.defaults)
            self.links.append(form.action + (f"?{query}" if query else ""))

    def handle_starttag(self, tag, attrs):
        a = {key: "" if value is None else value for key, value in attrs}
        self.links += [a[key] for key in ("href", "hx-get") if a.get(key)]
        if tag == "meta" and a.get("name") == "csrf-token":
            self.csrf = a.get("content", "")
        if tag == "form":
            posts = a.get("method", "get").lower() == "post" or "hx-post" in a
            action = urljoin(self.url, a.get("hx-post") or a.get("action") or self.url)
            self._form = PostForm(action.split("#")[0], "hx-post" in a)
            (self.forms if posts else self.get_forms).append(self._form)
            return
        if a.get("hx-post"):  # a field or a region that posts by itself (a draft, a preview)
            form = PostForm(urljoin(self.url, a["hx-post"]), True)
            self.forms.append(form)
            self._htmx.append((form, self._form or form))
        name = a.get("name")
        if not name or "disabled" in a:
            if tag == "option" and self._select:
                self._option = [a.get("value"), "selected" in a, ""]
                self._select[2].append(self._option)
            return
        if self._form is not None:
            self._control(tag, name, a)

    def _control(self, tag, name, a):
        form, kind = self._form, a.get("type", "text" if tag == "input" else "submit").lower()
        if tag == "input" and kind in ("checkbox", "radio"):
            form.add(name, kind, a.get("value", "on"), "checked" in a)
        elif (tag == "input" and kind in ("submit", "image")) or (tag == "button" and kind == "submit"):
            form.add(name, "submit", a.get("value", ""), not form.submitted)
            form.submitted = True
        elif tag == "input" and kind not in ("file", "reset", "button"):
            form.add(name, kind, a.get("value", ""))
        elif tag == "select":
            self._select = (name, "multiple" in a, [])
        elif tag == "textarea":
            self._textarea = (name, [])

    def handle_data(self, data):
        if self._textarea:
            self._textarea[1].append(data)
        if self._option:
            self._option[2] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "option":
            self._option = None
        elif tag == "textarea" and self._textarea:
            name, parts = self._textarea
            text = "".join(parts).replace("\r\n", "\n").replace("\r", "\n")  # as browsers read it
            self._form.add(name, "textarea", text[1:] if text.startswith("\n") else text)
            self._textarea = None
        elif tag == "select" and self._select:
            name, multiple, options = self._select
            values = [(value if value is not None else text.strip(), chosen)
                      for value, chosen, text in options]
            chosen = [value for value, picked in values if picked]
            if not chosen and values and not multiple:
                chosen = [values[0][0]]
            for value, _ in values:
                self._form.add(name, "select", value, value in chosen)
            self._form.kinds.setdefault(name, ("select", ()))
            self._select = None


def local_path(base, link):
    """`link` as a path with its query, when it stays on the portal; else None."""
    if link.startswith(("#", "mailto:", "javascript:", "data:")):
        return None
    parts = urlsplit(urljoin(base, link))
    if parts.netloc not in ("", "localhost"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def with_query(url, name, value):
    """`url` with its query argument `name` set to `value` (or left out)."""
    parts = urlsplit(url)
    query = [(key, kept) for key, kept in parse_qsl(parts.query, keep_blank_values=True)
             if key != name]
    if value is not MISSING:
        query.append((name, value))
    return parts.path + ("?" + urlencode(query) if query else "")

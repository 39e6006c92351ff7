"""The walk of tests/test_hostile_input.py: hostile values, and one role's reading,
posting and querying of every page it reaches.

Reading: from START (and Walk.starts) a role follows every link (href, hx-get, a redirect's Location, a
GET form as the page filled it) to at most PAGES_PER_ENDPOINT pages per endpoint that
no earlier role read and PAGES_AGAIN that one did, then builds every GET rule of the URL map it did not reach from the argument values
links showed (the others as tests/test_authorization.py fills them: 1 for an id, "x"
for a name). Posting: the first role to see a form sends, into each of its fields in
turn, the CLASSICS, the page's own value with a NUL, and EXAMPLES values from
Hypothesis, every other field as the page filled it; every later role that sees the
form sends LIGHT in all its fields at once. Querying: every query argument a page's
links or GET forms use, and every one its view's module reads by name, gets the same
values once; one the portal never reads gets control characters.
"""
import inspect
import logging
import re
import sys
import zlib
from collections import Counter, defaultdict

from hostile_db import Fingerprint
from hostile_pages import MISSING, Page, local_path, with_query
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

HUGE = "9" * 30
#: Always tried, in every field: each of these once took a view to a 500 (issue 11).
CLASSICS = ("²", "٣", "１２", HUGE, "2147483648", "-1", "0", "Infinity", "NaN", "1E+400", "sNaN",
            "a\x00b", "x\x01y\x1bz", "x" * 200_000, "", MISSING)
#: What the other roles that see a form already walked send, in every field at once.
LIGHT = ("a\x00b", HUGE)
#: Values from Hypothesis per field (after the classics) and per query argument.
EXAMPLES = 2
START = ("/", "/partnerships", "/profile", "/organization", "/admin/", "/selections",
         "/notifications", "/login")
#: Pages read per endpoint: by the first role to reach it, enough for each kind of run,
#: item and section; by the others, one.
PAGES_PER_ENDPOINT, PAGES_AGAIN = 6, 1
#: Files and scripts, not pages: no forms, no arguments read.
NOT_PAGES = {"static", "themes.static", "assets.plugin_static", "assets.htmx_script",
             "library_files.image"}
#: Where a refusal keeps what the person typed as their own draft, by design ("your
#: text is kept as a draft"): the agreement editor's and an instrument's answers.
DRAFTS = {"edit_draft", "draft"}
#: Areas other engineers own, by the module of the view that answered.
AREAS = {"accounts": ("portal.accounts.", "portal.security"),
         "instruments": ("portal.instruments.",),
         "kirkpatrick": ("portal.builtin_plugins.kirkpatrick.", "plugins.kirkpatrick.")}


def control_characters(text):
    """Whether `text` holds a C0 control character other than tab, newline and return."""
    return any(ord(c) < 32 and c not in "\t\n\r" for c in text)


def hostile_values():
    """Text of any script and control characters, numbers of every size and kind."""
    return st.one_of(
        st.text(max_size=40),
        st.text(st.characters(codec="utf-8", categories=("Nd", "No", "Nl", "Cc", "Cf", "Zs")),
                min_size=1, max_size=12),
        st.integers().map(str),
        st.floats().map(str),
        st.decimals().map(str),
        st.from_regex(r"-?[0-9]{9,40}", fullmatch=True),
    )


def fuzz(check, key):
    """Call `check(value)` with EXAMPLES values from Hypothesis, chosen afresh but always
    the same for each `key` (a form's action and field)."""
    @seed(zlib.crc32(key.encode()))
    @settings(max_examples=EXAMPLES, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(hostile_values())
    def run(value):
        check(value)

    run()


def area_of(app, endpoint):
    module = getattr(app.view_functions.get(endpoint), "__module__", "")
    return next((area for area, prefixes in AREAS.items() if module.startswith(prefixes)),
                "portal")


def names_read(app, endpoint):
    """The query arguments the module of the endpoint's view reads by name."""
    module = sys.modules.get(getattr(app.view_functions.get(endpoint), "__module__", ""))
    source = inspect.getsource(module) if module else ""
    return set(re.findall(r"request\.args\.get\(\s*[\"']([^\"']+)", source))


class Errors(logging.Handler):
    """The last exception the portal logged, to say what a 500 was."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.last = None

    def emit(self, record):
        if record.exc_info:
            kind, exc, tb = record.exc_info
            while tb.tb_next:
                tb = tb.tb_next
            where = f"{tb.tb_frame.f_code.co_filename.rsplit('/', 2)[-1]}:{tb.tb_lineno}"
            self.last = f"{kind.__name__}: {str(exc)[:120]} at {where}"


class Walk:
    def __init__(self, app, url):
        self.app, self.adapter = app, app.url_map.bind("localhost")
        self.fingerprint = Fingerprint(url)
        self.errors = Errors()
        app.logger.addHandler(self.errors)
        self.problems = []  # (kind, area, role, method, url, field, value, status, detail)
        self.count, self.statuses = Counter(), Counter()
        self.forms = {}  # form key (action endpoint, field names): role that walked it fully
        self.seen_by = set()  # (form key, role) walked, fully or lightly
        self.query_walked = {}  # (endpoint, query argument): role that walked it fully
        self.arguments = defaultdict(set)  # URL argument name: values seen in links
        self.queries = defaultdict(set)  # endpoint: query argument names seen
        self.reached = defaultdict(dict)  # role: {url: endpoint} of pages read
        self.served = set()  # endpoints that answered with a page
        self.starts = []  # pages what was made before the walk led to: read first too

    def close(self):
        self.fingerprint.close()
        self.app.logger.removeHandler(self.errors)

    def endpoint(self, path, method="GET"):
        """The endpoint of a local path, noting its argument values and query names."""
        try:
            endpoint, arguments = self.adapter.match(path.split("?")[0], method)
        except HTTPException:
            return None
        for name, value in arguments.items():
            self.arguments[name].add(value)
        query = path.partition("?")[2]
        self.queries[endpoint] |= {pair.partition("=")[0] for pair in query.split("&") if pair}
        return endpoint

    def problem(self, kind, role, method, url, field, value, status, detail=None):
        endpoint = self.endpoint(url.split("?")[0], method)
        if isinstance(value, str) and len(value) > 60:
            value = f"{value[:20]}…({len(value):,} characters)"
        self.problems.append((kind, area_of(self.app, endpoint), role, method, url, field,
                              value, status, detail or self.errors.last))

    # Reading ---------------------------------------------------------------------------

    def get(self, client, role, url):
        self.errors.last = None
        response = client.get(url)
        self.count["get"] += 1
        if response.status_code >= 500:
            self.problem("5xx", role, "GET", url, None, None, response.status_code)
        return response

    def read(self, client, role):
        """The pages a role reaches from START, then the GET rules it did not reach."""
        queue, per_endpoint, pages, visited = [*START, *self.starts], Counter(), [], set()
        earlier = set(self.served)
        read_before = set().union(*(set(urls) for urls in self.reached.values()))
        while queue:
            url = queue.pop(0)
            endpoint = self.endpoint(url)
            again = endpoint in earlier and url in read_before
            if (endpoint is None or endpoint in NOT_PAGES or url in visited
                    or per_endpoint[endpoint, again] >= (PAGES_AGAIN if again else PAGES_PER_ENDPOINT)):
                continue
            visited.add(url)
            per_endpoint[endpoint, again] += 1
            page = self.page(client, role, url, endpoint)
            if page is not None:
                pages.append(page)
                queue += [path for path in (local_path(url, link) for link in page.links) if path]
        reached = {endpoint for endpoint, _ in per_endpoint}
        for rule in self.app.url_map.iter_rules():
            if "GET" in rule.methods and rule.endpoint not in NOT_PAGES | reached:
                page = self.page(client, role, self.build(rule), rule.endpoint)
                pages += [page] if page is not None else []
        return pages

    def page(self, client, role, url, endpoint):
        self.reached[role][url] = endpoint
        response = self.get(client, role, url)
        if response.location:
            self.endpoint(local_path(url, response.location) or "/")
        if response.status_code != 200 or response.mimetype != "text/html":
            return None
        self.served.add(endpoint)
        return Page(url, response.get_data(as_text=True))

    def build(self, rule):
        values = {}
        for name in rule.arguments:
            seen = sorted(self.arguments.get(name, ()), key=str)
            default = 1 if isinstance(rule._converters[name], IntegerConverter) else "x"
            values[name] = seen[0] if seen else default
        return rule.build(values, append_unknown=False)[1]

    # Posting ---------------------------------------------------------------------------

    def walk_forms(self, client, role, pages):
        """Every form of the pages, and those the answers showed (a conflict's)."""
        self.found = [(page, form) for page in pages for form in page.forms]
        while self.found:
            page, form = self.found.pop(0)
            endpoint = self.endpoint(local_path("/", form.action) or "/", "POST")
            key = (endpoint, tuple(sorted({re.sub(r"\d+", "#", n) for n in form.names})))
            if endpoint is None or (key, role) in self.seen_by:
                continue
            self.seen_by.add((key, role))
            if key in self.forms:  # walked by an earlier role: every field at once
                for value in LIGHT:
                    if self.post(client, role, page, form, None, value) in (403, 404):
                        break  # this role may not post it at all
                continue
            self.forms[key] = role
            self.walk_form(client, role, page, form, endpoint)

    def walk_form(self, client, role, page, form, endpoint):
        for name in form.fields():
            self.count["fields"] += 1
            if name.endswith("csrf_token"):
                for value in ("", "a\x00b", MISSING):
                    self.post(client, role, page, form, name, value)
                continue
            for value in (*CLASSICS, form.default(name) + "\x00"):
                self.post(client, role, page, form, name, value, htmx=form.htmx)
            fuzz(lambda value, name=name: self.post(client, role, page, form, name, value,
                                                    htmx=form.htmx),
                 f"{endpoint}:{name}")

    def post(self, client, role, page, form, name, value, htmx=False):
        """Send the form with `value` in field `name` (in every field when None) and check
        the answer; returns its status."""
        before = self.fingerprint.current()
        self.errors.last = None
        data = form.data_hostile(value) if name is None else form.data_with(name, value)
        response = client.post(form.action, data=data,
                               headers={"HX-Request": "true"} if htmx else {})
        self.count["post"] += 1
        status, changed = response.status_code, self.fingerprint.changed_since(before)
        self.statuses[status] += 1
        if status >= 500:
            self.problem("5xx", role, "POST", form.action, name, value, status)
        elif status >= 400 and set(changed) <= DRAFTS:
            self.count["drafts kept"] += bool(changed)
            if status == 409 and response.mimetype == "text/html":
                shown = Page(page.url, response.get_data(as_text=True)).forms
                self.found += [(page, found) for found in shown]
        elif status >= 400:
            self.problem("changed on refusal", role, "POST", form.action, name, value,
                         status, f"tables {changed}")
        elif changed and (form.stale_after_change or not form.refreshed):
            self.refresh(client, page, form)
        return status

    def refresh(self, client, page, form):
        """After a post that changed something, the form as the page now fills it (a new
        base revision or stamp; the answer given before, checked), when the page still
        shows it: after every change when it has hidden values, else after the first."""
        form.refreshed = True
        response = client.get(page.url)
        self.count["get"] += 1
        if response.status_code == 200 and response.mimetype == "text/html":
            fresh = Page(page.url, response.get_data(as_text=True)).forms
            same = [f for f in fresh if f.action == form.action and f.names == form.names]
            if same:
                form.defaults = same[0].defaults

    # Querying --------------------------------------------------------------------------

    def walk_queries(self, client, role):
        for url, endpoint in list(self.reached[role].items()):
            if endpoint in NOT_PAGES or (endpoint, None) in self.query_walked:
                continue
            for name in sorted(self.queries[endpoint] | names_read(self.app, endpoint)):
                self.query_walked[endpoint, name] = role
                for value in CLASSICS:
                    self.query(client, role, url, name, value)
                fuzz(lambda value, url=url, name=name: self.query(client, role, url, name, value),
                     f"{endpoint}?{name}")
            self.query_walked[endpoint, None] = role
            for value in ("a\x00b", "x\x01y\x1bz"):
                self.query(client, role, url, "unread", value)

    def query(self, client, role, url, name, value):
        target = with_query(url, name, value)
        response = self.get(client, role, target)
        self.count["query"] += 1
        if (value is not MISSING and control_characters(value)
                and response.status_code != 400):
            self.problem("control character not refused", role, "GET", target, name, value,
                         response.status_code)

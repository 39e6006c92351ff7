"""Concurrent editors saving agreement sections over HTTP: throughput, latency, lost edits.

The issue asks for 16 concurrent editors saving to the same and to different sections
over HTTP against gunicorn with SQLite, reporting throughput, p99 latency, the count
of lost edits (every accepted save must be in history or awaiting conflict resolution)
and the count of "database is locked" errors, both of which must be 0.

    python benchmarks/concurrent_editors.py [--editors 16] [--seconds 15] [--workers 4]
                                            [--saves-per-editor N] [--seed 7] [--keep-data]

The script builds a fresh instance in a temporary directory (`portal db upgrade`, the
demo people, and extra editor accounts so that every editor is a distinct user), starts
`gunicorn -w WORKERS -k sync --no-control-socket` on 127.0.0.1 and runs one thread per
editor with its own logged-in session. Half of the editors work on one hot section;
the other half pick any of the 8 sections at random. Each save is what a browser does:
GET the editor, wait 0-50 ms, POST the textarea back with the `base_id` it was given.

Every section holds one "clause" line per (editor, slot), two slots per editor, and one
contested line, each followed by a note line that nobody edits. A save rewrites one
line with a token unique to that save: usually one of the editor's own clauses (so a
save on a stale base must merge cleanly), and with probability --conflict-rate the
contested line, so that two editors deliberately change the same line and the later
one gets the 409 conflict view.

After the run gunicorn is stopped and the SQLite file is read directly:
- every accepted save (302 back to the agreement) must have its token in a revision of
  its section, and each clause line of the final head must hold its owner's last
  accepted token (a merge that reverted someone's accepted edit is a lost edit too);
- every 409 must show the user's text on the conflict page, the reopened editor must
  offer it as the user's draft, and the last conflict of an editor in a section must
  still be in that user's EditDraft row (or in a revision).
"database is locked" is counted in the responses and in gunicorn's stderr.

The script prints figures measured in this run and never fails on timing; it exits 1
when an edit was lost or a "database is locked" error occurred.
"""
import argparse
import html
import json
import math
import os
import random
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "benchmark password 42"
SECRET_KEY = "concurrent-editors-benchmark-fixed-secret-key-0123456789abcdef"
LOCKED = "database is locked"
SLOTS_PER_EDITOR = 2
CONTESTED = ("contested",)
# A contested value is written in the alphabet the current value does not use, so two
# concurrent edits of the line replace the same characters and can never be merged
# character by character into a mix of both tokens: they must conflict.
ALPHABETS = ("ABCDEFGHIJ", "KLMNOPQRST")
SEED_TOKEN = "seed"

# The four demo accounts that may save (sponsor ranks above editor); sam is a member
# and victor a viewer, so neither can save.
DEMO_EDITORS = ["peggy@client.example", "jim@supplier.example",
                "carla@client.example", "sofia@supplier.example"]

CSRF_META_RE = re.compile(r'name="csrf-token" content="([^"]+)"')
EDITOR_FORM_RE = re.compile(
    r'<form method="post" action="[^"]*/edit" class="editor__form">(.*?)</form>', re.S)
CSRF_INPUT_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
BASE_ID_RE = re.compile(r'name="base_id" value="(\d*)"')
TEXTAREA_RE = re.compile(r'<textarea id="body" name="body"[^>]*>(.*?)</textarea>', re.S)
STALE_DRAFT_RE = re.compile(
    r'data-testid="stale-draft">.*?<textarea name="body" hidden>(.*?)</textarea>', re.S)
LINE_RE = re.compile(r"^(clause \d+|contested): \[([^\]]*)\]$")

# Runs in a child process with the benchmark's environment: demo people plus editors.
SETUP = r"""
import json, sys
from portal import create_app
from portal.accounts.models import Organization, User
from portal.db import database
from portal.demo import CLIENT, SUPPLIER, load_demo
from portal.partnerships.models import PartnershipMember

password, extra = sys.argv[1], int(sys.argv[2])
app = create_app()
with app.test_request_context():
    partnership, _ = load_demo(password)
    password_hash = User.get(User.email == "peggy@client.example").password_hash
    orgs = [Organization.get(Organization.name == CLIENT), Organization.get(Organization.name == SUPPLIER)]
    emails = []
    with database.atomic():
        for i in range(extra):
            org = orgs[i % 2]
            domain = "client" if org.kind == "client" else "supplier"
            user = User.create(email=f"bench-editor-{i + 1:02d}@{domain}.example",
                               name=f"Bench Editor {i + 1:02d}", organization=org,
                               password_hash=password_hash)
            PartnershipMember.create(partnership=partnership, user=user, role="editor")
            emails.append(user.email)
    print(json.dumps({"partnership": partnership.id, "extra": emails}))
database.close()
"""


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--editors", type=int, default=16, help="concurrent editors (default 16)")
    parser.add_argument("--seconds", type=float, default=15.0,
                        help="how long the editors save (default 15)")
    parser.add_argument("--saves-per-editor", type=int, default=0,
                        help="stop each editor after this many saves instead of after --seconds")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers (default 4)")
    parser.add_argument("--think-ms", type=float, default=50.0,
                        help="upper bound of the random pause between GET and POST (default 50)")
    parser.add_argument("--conflict-rate", type=float, default=0.10,
                        help="share of saves that edit a contested line (default 0.10)")
    parser.add_argument("--seed", type=int, default=7, help="random seed of the editors' choices")
    parser.add_argument("--keep-data", action="store_true",
                        help="keep the temporary directory (database, gunicorn log) and print its path")
    args = parser.parse_args(argv)
    if args.editors < 2:
        parser.error("--editors must be at least 2 (half on the hot section, half spread)")
    return args


# The section text -----------------------------------------------------------------------

def clause_labels(editors):
    return [f"clause {i:02d}" for i in range(editors * SLOTS_PER_EDITOR)]


def owner_of(label, editors):
    """Clause i belongs to editor i mod N, so editor k owns clauses k and k + N."""
    return int(label.split()[1]) % editors


def seed_body(section_title, editors):
    """Every edited line is followed by a note nobody edits, so no two edits touch."""
    lines = [f"Benchmark text of {section_title}: each clause belongs to one editor."]
    for label in clause_labels(editors) + list(CONTESTED):
        lines.append(f"{label}: [{SEED_TOKEN}]")
        lines.append(f"(note after {label}, never edited)")
    return "\n".join(lines) + "\n"


def with_line(body, label, token):
    """`body` with the line of `label` rewritten to hold `token`; None if it is missing."""
    lines = body.split("\n")
    for i, line in enumerate(lines):
        if line.startswith(label + ": "):
            lines[i] = f"{label}: [{token}]"
            return "\n".join(lines)
    return None


def contested_token(current, digits):
    """`digits` spelled in the alphabet that has no character in common with `current`."""
    alphabet = ALPHABETS[1] if set(current) & set(ALPHABETS[0]) else ALPHABETS[0]
    return "".join(alphabet[int(d)] for d in digits)


def line_values(body):
    values = {}
    for line in body.split("\n"):
        match = LINE_RE.match(line)
        if match:
            values[match.group(1)] = match.group(2)
    return values


# Server ---------------------------------------------------------------------------------

def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare(env, editors):
    """Schema, demo people and enough editor accounts for one distinct user per editor."""
    subprocess.run([sys.executable, "-m", "portal.cli", "db", "upgrade"], env=env, cwd=ROOT,
                   check=True, capture_output=True, text=True)
    extra = max(0, editors - len(DEMO_EDITORS))
    done = subprocess.run([sys.executable, "-c", SETUP, PASSWORD, str(extra)], env=env, cwd=ROOT,
                          check=True, capture_output=True, text=True)
    info = json.loads(done.stdout.strip().splitlines()[-1])
    return info["partnership"], (DEMO_EDITORS + info["extra"])[:editors]


def start_gunicorn(env, port, workers, log_path):
    log = open(log_path, "w")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", str(workers), "-k", "sync", "--no-control-socket",
         "-b", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    log.close()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with code {process.returncode}; see its log:\n"
                               + Path(log_path).read_text()[-3000:])
        try:
            if requests.get(url + "/healthz", timeout=2).status_code == 200:
                return process, url
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer /healthz within 60 s")


def stop_gunicorn(process):
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)  # the master stops its workers gracefully
    try:
        process.wait(20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # its own session: only what we started
        process.wait(5)


# Editors --------------------------------------------------------------------------------

@dataclass
class Page:
    section: int
    csrf: str
    base_id: str
    body: str
    stale_draft: str = None


@dataclass
class Save:
    editor: int
    email: str
    section: int
    hot: bool
    label: str
    token: str
    seq: int
    status: object  # int, or a string for a transport error
    ms: float
    outcome: str  # accepted, conflict, other
    detail: str = ""
    conflict_page_has_text: bool = None
    draft_offered: bool = None


class Editor(threading.Thread):
    def __init__(self, index, email, url, partnership, sections, hot_section, args, start, rng):
        super().__init__(name=f"editor-{index}", daemon=True)
        self.index, self.email, self.url = index, email, url
        self.agreement = f"{url}/partnerships/{partnership}/agreement"
        self.sections, self.hot_section = sections, hot_section
        self.hot = index < args.editors // 2
        self.owned = [label for label in clause_labels(args.editors)
                      if owner_of(label, args.editors) == index]
        self.args, self.start_event, self.rng = args, start, rng
        self.session = requests.Session()
        self.saves, self.gets, self.errors = [], [], []
        self.requests = 0
        self.ready = threading.Event()
        self.locked_responses = 0
        self.server_errors = 0

    # HTTP helpers
    def _request(self, method, path, **kwargs):
        self.requests += 1
        started = time.perf_counter()
        response = self.session.request(method, path, allow_redirects=False, timeout=60, **kwargs)
        ms = (time.perf_counter() - started) * 1000
        if response.status_code >= 500:
            self.server_errors += 1
        if LOCKED in response.text:
            self.locked_responses += 1
        return response, ms

    def login(self):
        page = self.session.get(self.url + "/login", timeout=30)
        token = CSRF_META_RE.search(page.text).group(1)
        response = self.session.post(self.url + "/login", allow_redirects=False, timeout=30, data={
            "email": self.email, "password": PASSWORD, "csrf_token": token})
        if response.status_code != 302:
            raise RuntimeError(f"{self.email} could not log in: HTTP {response.status_code}")

    def edit_url(self, section):
        return f"{self.agreement}/sections/{section}/edit"

    def open_editor(self, section):
        response, ms = self._request("GET", self.edit_url(section))
        self.gets.append(ms)
        if response.status_code != 200:
            self.errors.append(f"GET editor of section {section}: HTTP {response.status_code}")
            return None
        return parse_editor(section, response.text)

    def pick_section(self):
        return self.hot_section if self.hot else self.rng.choice(self.sections)

    def run(self):
        try:
            self.login()
        except Exception as exc:  # noqa: BLE001 - reported by the main thread
            self.errors.append(f"login: {exc}")
        finally:
            self.ready.set()
        self.start_event.wait()
        if self.errors:
            return
        deadline = time.monotonic() + self.args.seconds
        limit = self.args.saves_per_editor
        page, seq, failures = None, 0, 0
        while failures < 20:
            if (limit and seq >= limit) or (not limit and time.monotonic() >= deadline):
                break
            try:
                if page is None:
                    page = self.open_editor(self.pick_section())
                    if page is None:
                        failures += 1
                        continue
                seq += 1
                page = self.save(page, seq)
            except requests.RequestException as exc:
                failures += 1
                self.errors.append(f"{type(exc).__name__}: {exc}")
                page = None

    def save(self, page, seq):
        """POST one change on `page`; returns the reopened editor after a conflict."""
        time.sleep(self.rng.uniform(0, self.args.think_ms) / 1000)
        contested = self.rng.random() < self.args.conflict_rate
        label = self.rng.choice(CONTESTED) if contested else self.rng.choice(self.owned)
        token = f"E{self.index:02d}-S{seq:05d}"
        if contested:
            current = line_values(page.body).get(label, "")
            token = contested_token(current, f"{self.index:02d}{seq:05d}")
        body = with_line(page.body, label, token)
        record = Save(self.index, self.email, page.section, page.section == self.hot_section,
                      label, token, seq, None, 0.0, "other")
        if body is None:
            record.detail = f"{label} not found in the editor's textarea"
            self.saves.append(record)
            return None
        try:
            response, ms = self._request("POST", self.edit_url(page.section), data={
                "csrf_token": page.csrf, "body": body, "base_id": page.base_id,
                "summary": f"{label} {token} by editor {self.index}"})
        except requests.RequestException as exc:
            record.status, record.detail = type(exc).__name__, str(exc)
            self.saves.append(record)  # outcome unknown: the server may have saved it
            raise
        record.status, record.ms = response.status_code, ms
        self.saves.append(record)
        location = response.headers.get("Location", "")
        if response.status_code == 302 and location.endswith(f"/agreement#section-{page.section}"):
            record.outcome = "accepted"
            return None
        if response.status_code != 409:
            record.detail = location or response.text[:200]
            return None
        # The conflict view must show the user's text, and the editor must offer it again.
        record.outcome = "conflict"
        record.conflict_page_has_text = f"[{token}]" in html.unescape(response.text)
        reopened = self.open_editor(page.section)
        record.draft_offered = bool(reopened and reopened.stale_draft
                                    and f"[{token}]" in reopened.stale_draft)
        return reopened


def parse_editor(section, text):
    form = EDITOR_FORM_RE.search(text)
    if form is None:
        return None
    inner = form.group(1)
    stale = STALE_DRAFT_RE.search(text)
    return Page(section=section, csrf=CSRF_INPUT_RE.search(inner).group(1),
                base_id=BASE_ID_RE.search(inner).group(1),
                body=html.unescape(TEXTAREA_RE.search(inner).group(1)),
                stale_draft=html.unescape(stale.group(1)) if stale else None)


def seed_sections(url, partnership, email, editors):
    """One session opens the agreement (which creates the 8 sections) and seeds each."""
    seeder = Editor(0, email, url, partnership, [], None, argparse.Namespace(editors=editors),
                    None, None)
    seeder.login()
    page = seeder.session.get(seeder.agreement, timeout=30)
    if page.status_code != 200:
        raise RuntimeError(f"the agreement page answered HTTP {page.status_code}")
    sections = []
    for match in re.finditer(r'/agreement/sections/(\d+)/edit"', page.text):
        if int(match.group(1)) not in sections:
            sections.append(int(match.group(1)))
    titles = dict(re.findall(r'id="section-(\d+)".*?<h2>(.*?)</h2>', page.text, re.S))
    for section in sections:
        editor = seeder.open_editor(section)
        title = html.unescape(titles.get(str(section), f"section {section}"))
        response, _ = seeder._request("POST", seeder.edit_url(section), data={
            "csrf_token": editor.csrf, "body": seed_body(title, editors),
            "base_id": editor.base_id, "summary": "benchmark seed"})
        if response.status_code != 302:
            raise RuntimeError(f"seeding section {section} answered HTTP {response.status_code}")
    return sections


# Checks ---------------------------------------------------------------------------------

def verify(db_path, saves, sections, editors):
    """Compare what the clients were told with what the database holds."""
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    revisions = defaultdict(list)
    merged = 0
    for section, number, body, merged_with in db.execute(
            "SELECT section_id, number, body, merged_with_id FROM section_revision ORDER BY number"):
        revisions[section].append((number, body))
        merged += merged_with is not None
    heads = {}
    for section, head in db.execute("SELECT s.id, r.body FROM section s "
                                    "JOIN section_revision r ON r.id = s.head"):
        heads[section] = head
    users = dict(db.execute("SELECT email, id FROM user"))
    drafts = {(section, user): body for section, user, body in
              db.execute("SELECT section_id, user_id, body FROM edit_draft")}
    db.close()

    def in_history(section, token):
        return any(f"[{token}]" in body for _, body in revisions[section])

    lost = []
    accepted = [s for s in saves if s.outcome == "accepted"]
    for s in accepted:
        if not in_history(s.section, s.token):
            lost.append(f"accepted save {s.token} ({s.email}, section {s.section}, {s.label}) "
                        "is in no revision of its section")
    # Only its owner edits a clause, so the final head must hold the owner's last accepted
    # token there; anything else means a merge took back an accepted edit.
    # A save answered with neither 302 nor 409 (a 5xx, a dropped connection) may still have
    # been committed; its token in the head is not a reverted edit.
    unknown = {(s.section, s.label, s.token) for s in saves if s.outcome == "other"}
    reverted = 0
    for section in sections:
        expected = {label: SEED_TOKEN for label in clause_labels(editors)}
        for s in accepted:  # in each editor's own order, which is the order that matters
            if s.section == section and not s.label.startswith("contested"):
                expected[s.label] = s.token
        found = line_values(heads.get(section, ""))
        for label, token in expected.items():
            value = found.get(label)
            if value != token and (section, label, value) not in unknown:
                reverted += 1
                lost.append(f"section {section} {label}: the head holds {value!r}, but the last "
                            f"accepted save there was {token!r}")
    conflicts = [s for s in saves if s.outcome == "conflict"]
    for s in conflicts:
        if not s.conflict_page_has_text:
            lost.append(f"409 for {s.token} ({s.email}): the conflict page lacks the user's text")
        if not s.draft_offered:
            lost.append(f"409 for {s.token} ({s.email}): the reopened editor does not offer "
                        "the user's text as a draft")
    last = {}
    for s in saves:
        last[(s.editor, s.section)] = s
    awaiting = 0
    for s in last.values():
        if s.outcome == "conflict":
            awaiting += 1
            draft = drafts.get((s.section, users.get(s.email)), "")
            if f"[{s.token}]" not in draft and not in_history(s.section, s.token):
                lost.append(f"409 for {s.token} ({s.email}): not in the user's draft at the end")
    saved_anyway = sum(1 for s in conflicts if in_history(s.section, s.token))
    other_saved = sum(1 for s in saves if s.outcome == "other" and in_history(s.section, s.token))
    # One revision per accepted save plus the seed; more would mean a save on an error path.
    expected_revisions = len(sections) + len(accepted)
    actual_revisions = sum(len(revisions[s]) for s in sections)
    numbering_ok = all([n for n, _ in revisions[s]] == list(range(1, len(revisions[s]) + 1))
                       for s in sections)
    return {
        "lost": lost, "reverted": reverted, "merged": merged, "awaiting": awaiting,
        "saved_anyway": saved_anyway, "other_saved": other_saved,
        "expected_revisions": expected_revisions, "actual_revisions": actual_revisions,
        "numbering_ok": numbering_ok,
    }


def locked_in_log(log_text):
    """"database is locked" errors in gunicorn's output, each traceback counted once.

    peewee re-raises sqlite3's OperationalError as its own, so one error usually closes
    with both a sqlite3 and a peewee line; any other mention counts on its own.
    """
    closing = Counter(m.group(1) for m in re.finditer(
        r"^(sqlite3|peewee)\.OperationalError: database is locked", log_text, re.M))
    if closing:
        return max(closing.values())
    return log_text.count(LOCKED)


def percentile(values, p):
    """Nearest rank."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


# Main -----------------------------------------------------------------------------------

def main(argv=None):
    args = parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="portal-concurrent-editors-"))
    try:
        return run(args, tmp)
    finally:
        if args.keep_data:
            print(f"\ndata kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def run(args, tmp):
    instance = tmp / "instance"
    db_path = instance / "portal.sqlite"
    env = dict(os.environ, PORTAL_INSTANCE_PATH=str(instance),
               PORTAL_DATABASE_URL=f"sqlite:///{db_path}",  # sqlite:/// + /abs/path
               PORTAL_SECRET_KEY=SECRET_KEY, PORTAL_DEMO_PASSWORD=PASSWORD,
               PORTAL_LOAD_INSTALLED_PLUGINS="0", PORTAL_PLUGINS_DIR=str(tmp / "plugins"))
    log_path = tmp / "gunicorn.log"
    server = None
    try:
        partnership, emails = prepare(env, args.editors)
        server, url = start_gunicorn(env, free_port(), args.workers, log_path)
        sections = seed_sections(url, partnership, emails[0], args.editors)
        start = threading.Event()
        rng = random.Random(args.seed)
        editors = [Editor(i, email, url, partnership, sections, sections[0], args, start,
                          random.Random(rng.random())) for i, email in enumerate(emails)]
        for editor in editors:
            editor.start()
        for editor in editors:
            editor.ready.wait(120)  # every editor logged in (or failed to) before the clock
        started = time.perf_counter()
        start.set()
        for editor in editors:
            editor.join()
        elapsed = time.perf_counter() - started
    finally:
        stop_gunicorn(server)
    log_text = log_path.read_text() if log_path.exists() else ""

    saves = [s for e in editors for s in e.saves]
    errors = [f"editor {e.index} ({e.email}): {err}" for e in editors for err in e.errors]
    result = verify(db_path, saves, sections, args.editors)
    locked = max(sum(e.locked_responses for e in editors), locked_in_log(log_text))
    report(args, editors, saves, errors, result, elapsed, locked, log_text)
    if not any(s.outcome == "accepted" for s in saves):
        print("no save was accepted: the benchmark measured nothing", file=sys.stderr)
        return 1
    return 1 if result["lost"] or locked else 0


def report(args, editors, saves, errors, result, elapsed, locked, log_text):
    accepted = [s for s in saves if s.outcome == "accepted"]
    conflicts = [s for s in saves if s.outcome == "conflict"]
    other = [s for s in saves if s.outcome == "other"]
    hot = sum(1 for e in editors if e.hot)
    requests_made = sum(e.requests for e in editors)
    post_ms = [s.ms for s in saves if not isinstance(s.status, str) and s.status is not None]
    hot_ms = [s.ms for s in saves if s.hot and s.status is not None and not isinstance(s.status, str)]
    cold_ms = [s.ms for s in saves if not s.hot and s.status is not None and not isinstance(s.status, str)]
    get_ms = [ms for e in editors for ms in e.gets]
    locked_responses = sum(e.locked_responses for e in editors)
    locked_log = locked_in_log(log_text)
    server_errors = sum(e.server_errors for e in editors)
    mode = (f"{args.saves_per_editor} saves per editor" if args.saves_per_editor
            else f"{args.seconds:g} s")

    print(f"Concurrent editors benchmark: {args.editors} editors ({hot} on one hot section, "
          f"{args.editors - hot} over all sections), gunicorn {args.workers} sync workers, SQLite WAL")
    print(f"run: {mode}, measured {elapsed:.1f} s; think time 0-{args.think_ms:g} ms; "
          f"contested-line saves {args.conflict_rate:.0%}; seed {args.seed}")
    print()
    rows = [
        ("saves posted", f"{len(saves)}"),
        ("  accepted (302)", f"{len(accepted)}"),
        ("    merged on a stale base", f"{result['merged']} (revisions with merged_with set)"),
        ("  conflicts (409)", f"{len(conflicts)} ({sum(1 for s in conflicts if s.label in CONTESTED)} "
                              "on a contested line)"),
        ("  other", f"{len(other)} {dict(Counter(str(s.status) for s in other)) or ''}".rstrip()),
        ("throughput", f"{len(accepted) / elapsed:.1f} accepted saves/s, "
                       f"{requests_made / elapsed:.1f} requests/s (editor GETs + save POSTs)"),
        ("save POST ms p50 / p90 / p99 / max",
         f"{percentile(post_ms, 50):.1f} / {percentile(post_ms, 90):.1f} / "
         f"{percentile(post_ms, 99):.1f} / {max(post_ms, default=float('nan')):.1f}"),
        ("  hot section p50 / p99", f"{percentile(hot_ms, 50):.1f} / {percentile(hot_ms, 99):.1f}"),
        ("  other sections p50 / p99", f"{percentile(cold_ms, 50):.1f} / {percentile(cold_ms, 99):.1f}"),
        ("editor GET ms p50 / p90 / p99",
         f"{percentile(get_ms, 50):.1f} / {percentile(get_ms, 90):.1f} / {percentile(get_ms, 99):.1f}"),
    ]
    width = max(len(label) for label, _ in rows) + 2
    for label, value in rows:
        print(f"{label + ':':<{width}}{value}")
    print()
    print("checks against the database:")
    checks = [
        ("accepted saves found in a revision",
         f"{len(accepted) - sum(1 for x in result['lost'] if x.startswith('accepted'))}/{len(accepted)}"),
        ("clause lines reverted by a later save", f"{result['reverted']}"),
        ("409s showing the user's text, offered as draft",
         f"{sum(1 for s in conflicts if s.conflict_page_has_text)}/{len(conflicts)}, "
         f"{sum(1 for s in conflicts if s.draft_offered)}/{len(conflicts)}"),
        ("conflicts awaiting resolution at the end", f"{result['awaiting']} (kept as EditDraft)"),
        ("409s that wrote a revision anyway", f"{result['saved_anyway']}"),
        ("other answers whose save was committed", f"{result['other_saved']}/{len(other)}"),
        ("revisions = seeds + accepted saves",
         f"{result['actual_revisions']} = {result['expected_revisions']}"
         f"{'' if result['actual_revisions'] == result['expected_revisions'] else '  MISMATCH'}"),
        ("revision numbers 1..n per section", "yes" if result["numbering_ok"] else "NO"),
        ("5xx responses", f"{server_errors}"),
        ("client errors", f"{len(errors)}"),
    ]
    width = max(len(label) for label, _ in checks) + 4
    for label, value in checks:
        print(f"  {label + ':':<{width - 2}}{value}")
    for line in errors[:10]:
        print(f"  ! {line}")
    for line in result["lost"][:20]:
        print(f"  LOST: {line}")
    if len(result["lost"]) > 20:
        print(f"  ... and {len(result['lost']) - 20} more")
    print()
    print(f"lost edits: {len(result['lost'])}")
    print(f"database is locked errors: {locked} "
          f"({locked_responses} in responses, {locked_log} in gunicorn's log)")


if __name__ == "__main__":
    sys.exit(main())

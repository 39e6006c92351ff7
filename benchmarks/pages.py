"""Pages under load against a bare Flask "hello" under the same gunicorn (issue 12).

For each database (SQLite, then a throwaway PostgreSQL cluster when its binaries are
installed) it loads the full demo (as `portal demo` does) into a fresh database, starts
the portal under gunicorn with `--workers` sync workers twice, once as deployed (pages
kept until their data changes, portal/page_cache.py) and once with PORTAL_PAGE_CACHE_MB=0
(every page drawn on every request), and in each signs in as Peggy (the session
is bound to the User-Agent, so wrk sends the same one), checks that every page answers
200 rather than a redirect to the login, and runs wrk against each page in turn (after
an unmeasured second of the same load, so that every worker has drawn it), with a
bare one-route Flask app under the same gunicorn settings before the first page and
after each one. For each page it prints req/s, p50, p99, the share of hello's req/s
(against the mean of the hello runs either side of it), the SQL statements the page
sends when drawn and when served as kept, and whether a second request was served as
kept. Then it grows the library to `--library-items` items and measures the library
again. Last, per database, the resident size of each gunicorn worker after all those
requests, and the ratio PostgreSQL / SQLite per page.

    python benchmarks/pages.py [--seconds 10] [--connections 16] [--workers 4]
                               [--databases sqlite,postgresql] [--library-items 2000]
                               [--modes kept,drawn]

Targets (issue 12): every page at least 20 % of hello with p99 at most 25 ms on SQLite,
PostgreSQL within 15 % of SQLite, workers under 150 MB after 10,000 requests. The script
prints the figures and never judges them; it exits 1 only when a page does not answer
200.
"""
import argparse
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from concurrent_editors import (  # noqa: E402
    CSRF_META_RE, PASSWORD, ROOT, SECRET_KEY, portal_command, postgres_version, server_env,
    sqlite_url, start_gunicorn, stop_gunicorn)
from throwaway_postgres import (  # noqa: E402
    MissingPostgres, ThrowawayPostgres, empty_schema, free_port, server_binaries)

USER_AGENT = "pages-benchmark/1.0"
EMAIL = "peggy@client.example"

# Runs in a child process with the benchmark's environment: the full demo, the pages'
# URLs and each page's SQL statements, counted through the app's test client.
SETUP = r"""
import json, logging, sys
from portal import create_app
from portal.content.models import ContentItem
from portal.demo import load_full_demo
from portal.instruments.models import Run

password, email = sys.argv[1], sys.argv[2]
app = create_app()
with app.test_request_context():
    partnership, _ = load_full_demo(password)
    run = (Run.select().where(Run.partnership == partnership, Run.instrument_id == "relational_survey")
           .order_by(Run.id).first())
    item = ContentItem.select().where(ContentItem.source == "file").order_by(ContentItem.slug).first()
base = f"/partnerships/{partnership.id}"
pages = {"overview": f"{base}/", "agreement": f"{base}/agreement", "library": f"{base}/library",
         "article": f"{base}/library/{item.slug}", "results": f"{base}/runs/{run.id}/",
         "expectations": f"{base}/expectations", "instruments": f"{base}/instruments",
         "cohorts": f"{base}/cohorts", "enablement": f"{base}/enablement",
         "action plan": f"{base}/actions"}
client = app.test_client()
page = client.get("/login").get_data(as_text=True)
token = page.split('name="csrf-token" content="', 1)[1].split('"', 1)[0]
client.post("/login", data={"email": email, "password": password, "csrf_token": token})
counts = {name: drawn_and_kept(app, client, url) for name, url in pages.items()}
print(json.dumps({"pages": pages, "statements": counts}))
"""

# Shared by both: a page's statements when it is drawn (the page cache set aside) and
# when it is served as kept, "drawn/kept"; with PORTAL_PAGE_CACHE_MB=0 they are equal.
COUNT = r"""
import logging


def statements_of(client, url):
    sent = []
    handler = logging.Handler()
    handler.emit = lambda record: isinstance(record.msg, tuple) and sent.append(1)  # not pool lines
    logger = logging.getLogger("peewee")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        status = client.get(url).status_code
    finally:
        logger.removeHandler(handler)
    return len(sent) if status == 200 else f"HTTP {status}"


def drawn_and_kept(app, client, url):
    client.get(url)  # first drawing: what a page writes once a day (a view, a score) is done
    cache = app.extensions.pop("portal_page_cache", None)
    drawn = statements_of(client, url)
    if cache is not None:
        app.extensions["portal_page_cache"] = cache
        client.get(url)
    return f"{drawn}/{statements_of(client, url)}"
"""

# Grows the library to N items the way people add them (a portal item, indexed for the
# search), and counts the library page's statements again.
GROW_LIBRARY = r"""
import json, logging, sys
from portal import create_app
from portal.content import search
from portal.content.models import ContentItem
from portal.markup import render_markdown
from portal.partnerships.models import Partnership

target, email, password = int(sys.argv[1]), sys.argv[2], sys.argv[3]
app = create_app()
with app.test_request_context():
    partnership = Partnership.select().order_by(Partnership.id).first()
    have = ContentItem.select().where(ContentItem.removed == False).count()
    for n in range(max(0, target - have)):
        body = f"Practice note {n} on keeping a partnership healthy: reviews, trust, cadence."
        item = ContentItem.create(slug=f"practice-note-{n:04d}", source="portal",
                                  organization=partnership.client_id, title=f"Practice note {n:04d}",
                                  summary=body[:120], body=body, html=render_markdown(body),
                                  tags=["practice"], audience="both")
        search.index(item)
    url = f"/partnerships/{partnership.id}/library"
client = app.test_client()
page = client.get("/login").get_data(as_text=True)
token = page.split('name="csrf-token" content="', 1)[1].split('"', 1)[0]
client.post("/login", data={"email": email, "password": password, "csrf_token": token})
print(json.dumps({"url": url, "statements": drawn_and_kept(app, client, url),
                  "items": ContentItem.select().where(ContentItem.removed == False).count()}))
"""

HELLO = '''from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello():
    return "Hello, World!"
'''

RPS_RE = re.compile(r"Requests/sec:\s+([\d.]+)")
REQUESTS_RE = re.compile(r"(\d+) requests in")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10, help="each wrk run (default 10)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--databases", default="",
                        help="comma-separated: sqlite, postgresql (default: both when "
                             "PostgreSQL's server is installed, else sqlite)")
    parser.add_argument("--modes", default="kept,drawn",
                        help="comma-separated: kept (the page cache on, as deployed), drawn "
                             "(PORTAL_PAGE_CACHE_MB=0); default both")
    parser.add_argument("--library-items", type=int, default=2000,
                        help="the library is measured again at this many items (0: not)")
    args = parser.parse_args(argv)
    chosen = [d.strip() for d in args.databases.split(",") if d.strip()]
    if not chosen:
        try:
            server_binaries()
            chosen = ["sqlite", "postgresql"]
        except MissingPostgres:
            print("PostgreSQL's server is not installed: measuring SQLite only")
            chosen = ["sqlite"]
    unknown = set(chosen) - {"sqlite", "postgresql"}
    if unknown:
        parser.error(f"unknown database {', '.join(sorted(unknown))}")
    args.databases = chosen
    args.modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    if set(args.modes) - set(MODES):
        parser.error(f"unknown mode in {args.modes}")
    return args


def latency(text, percentile):
    """A wrk --latency percentile in ms."""
    found = re.search(rf"^\s+{percentile}%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
    if not found:
        return float("nan")
    value, unit = float(found.group(1)), found.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


def wrk(url, args, headers=()):
    """(req/s, p50 ms, p99 ms, requests sent) of one wrk run."""
    command = ["wrk", "-t2", f"-c{args.connections}", f"-d{args.seconds}s", "--latency"]
    for header in headers:
        command += ["-H", header]
    out = subprocess.run(command + [url], capture_output=True, text=True, check=True).stdout
    found, sent = RPS_RE.search(out), REQUESTS_RE.search(out)
    return ((float(found.group(1)) if found else 0.0), latency(out, 50), latency(out, 99),
            int(sent.group(1)) if sent else 0)


def sign_in(base):
    session = requests.Session()
    session.headers["User-Agent"] = USER_AGENT
    page = session.get(base + "/login", timeout=30)
    response = session.post(base + "/login", allow_redirects=False, timeout=30, data={
        "email": EMAIL, "password": PASSWORD, "csrf_token": CSRF_META_RE.search(page.text).group(1)})
    if response.status_code != 302:
        raise SystemExit(f"{EMAIL} could not sign in: HTTP {response.status_code}")
    return session


def main(argv=None):
    args = parse_args(argv)
    if shutil.which("wrk") is None:
        subprocess.run(["apt-get", "install", "-y", "wrk"], check=True, capture_output=True)
    with tempfile.TemporaryDirectory(prefix="pages-") as tmp:
        folder = Path(tmp)
        (folder / "hello_app.py").write_text(HELLO)
        hello = start_hello(folder, args.workers)
        results = {}
        try:
            for name in args.databases:
                results[name] = measure_database(args, name, folder / name, hello.url)
                if results[name] is None:
                    return 1
        finally:
            stop_gunicorn(hello)
        if len(results) == 2:
            compare(results)
        return 0


MODES = {"kept": ("pages kept until their data changes (the default)", {}),
         "drawn": ("pages drawn on every request (PORTAL_PAGE_CACHE_MB=0)",
                   {"PORTAL_PAGE_CACHE_MB": "0"})}


def measure_database(args, name, folder, hello):
    """Fresh database, full demo, the portal under gunicorn once per cache mode, every page
    measured in each; then the grown library in each. {mode: {page: (req/s, p99, sent)}}."""
    folder.mkdir()
    cluster = None
    servers = {}
    try:
        if name == "postgresql":
            cluster = ThrowawayPostgres().init().start()
            url = cluster.url
            empty_schema(url)
            engine = f"PostgreSQL {postgres_version(url)} (connection pool per worker)"
        else:
            url, engine = sqlite_url(folder), "SQLite WAL"
        env = server_env(dict(os.environ, PORTAL_DATABASE_URL=url,
                              PORTAL_SECRET_KEY=SECRET_KEY, PORTAL_DEMO_PASSWORD=PASSWORD,
                              PORTAL_LOAD_INSTALLED_PLUGINS="0"), folder)
        subprocess.run([portal_command(), "db", "upgrade"], env=env, cwd=ROOT, check=True,
                       capture_output=True)
        done = subprocess.run([sys.executable, "-c", COUNT + SETUP, PASSWORD, EMAIL], env=env,
                              cwd=ROOT, check=True, capture_output=True, text=True)
        info = json.loads(done.stdout.strip().splitlines()[-1])
        results = {}
        for mode in args.modes:
            title, extra = MODES[mode]
            servers[mode] = start_gunicorn(dict(env, **extra), free_port(), args.workers,
                                           folder / f"portal-{mode}.log")
            results[mode] = measure(args, servers[mode], hello, info, f"{engine}, {title}")
            if results[mode] is None:
                return None
        if args.library_items:
            done = subprocess.run([sys.executable, "-c", COUNT + GROW_LIBRARY,
                                   str(args.library_items), EMAIL, PASSWORD], env=env, cwd=ROOT,
                                  check=True, capture_output=True, text=True)
            grown = json.loads(done.stdout.strip().splitlines()[-1])
            for mode in args.modes:
                print(f"\n{engine}, {MODES[mode][0]}: the library grown to {grown['items']:,} items")
                args.previous = wrk(hello + "/", args)
                results[mode]["library, grown"] = one_page(
                    args, servers[mode], hello, f"library, {grown['items']:,} items", grown["url"],
                    grown["statements"], results[mode]["_headers"])
                results[mode]["_requests"] += results[mode]["library, grown"][2]
        for mode in args.modes:
            print(f"{engine}, {MODES[mode][0]}: ", end="")
            report_memory(servers[mode], results[mode].pop("_requests"))
            results[mode].pop("_headers")
        return results
    finally:
        for server in servers.values():
            stop_gunicorn(server)
        if cluster is not None:
            cluster.remove()


def start_hello(folder, workers):
    """The bare app under the same gunicorn; /healthz is its only route's 404, so the
    shared start-up check is replaced by waiting for "/"."""
    import signal
    import time

    from concurrent_editors import Server

    port = free_port()
    log = open(folder / "hello.log", "w")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", str(workers), "-k", "sync",
         "--no-control-socket", "-b", f"127.0.0.1:{port}", "--chdir", str(folder),
         "hello_app:app"], stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    log.close()
    server = Server(process, f"http://127.0.0.1:{port}", folder / "hello.log")
    for _ in range(300):
        try:
            if requests.get(server.url + "/", timeout=2).status_code == 200:
                return server
        except requests.RequestException:
            time.sleep(0.1)
    process.send_signal(signal.SIGTERM)
    raise SystemExit("the hello app did not start")


def measure(args, portal, hello, info, engine):
    """wrk against each page, hello before the first and after each; {page: (req/s, p99, sent)}.
    `cache` is what the page cache answered to one more request after wrk's (X-Page-Cache)."""
    session = sign_in(portal.url)
    cookie = "; ".join(f"{c.name}={c.value}" for c in session.cookies)
    headers = [f"Cookie: {cookie}", f"User-Agent: {USER_AGENT}"]
    failed = []
    for name, path in info["pages"].items():
        response = session.get(portal.url + path, allow_redirects=False, timeout=30)
        if response.status_code != 200:
            failed.append(f"{name} {path}: HTTP {response.status_code}")
    if failed:
        print("pages that do not answer 200 when signed in:", *failed, sep="\n  ")
        return None
    print(f"\npages under load on {engine}: wrk -t2 -c{args.connections} -d{args.seconds}s, "
          f"gunicorn {args.workers} sync workers, {os.cpu_count()} cores, signed in as {EMAIL}")
    print(f"{'page':<22}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'of hello':>10}"
          f"{'SQL drawn/kept':>16}{'cache':>7}")
    args.previous = wrk(hello + "/", args)
    print(f"{'hello':<22}{args.previous[0]:>9.0f}{args.previous[1]:>9.2f}{args.previous[2]:>9.2f}")
    figures = {"_requests": 0, "_headers": (headers, session)}
    for name, path in info["pages"].items():
        figures[name] = one_page(args, portal, hello, name, path, info["statements"][name],
                                 figures["_headers"])
        figures["_requests"] += figures[name][2]
    return figures


def one_page(args, portal, hello, name, path, statements, headers):
    headers, session = headers
    # Unmeasured: a second of the same load first, so that every worker has drawn the
    # page once (a worker's first drawing of a page also compiles its templates).
    wrk(portal.url + path, argparse.Namespace(**dict(vars(args), seconds=1)), headers)
    rps, p50, p99, sent = wrk(portal.url + path, args, headers)
    # After thousands of requests every worker has drawn the page: "hit" when it is kept.
    cache = session.get(portal.url + path, timeout=30, headers={"Accept": None}  # as wrk: none
                        ).headers.get("X-Page-Cache", "off")
    after = wrk(hello + "/", args)
    both = args.previous[0] + after[0]
    share = rps / (both / 2) if both else float("nan")
    print(f"{name:<22}{rps:>9.0f}{p50:>9.2f}{p99:>9.2f}{100 * share:>9.1f}%{statements!s:>16}"
          f"{cache:>7}")
    args.previous = after
    return rps, p99, sent


def report_memory(portal, requests_sent):
    """Resident size of each worker (children of the gunicorn master), from /proc."""
    workers = subprocess.run(["ps", "-o", "pid=,rss=", "--ppid", str(portal.process.pid)],
                             capture_output=True, text=True).stdout.split()
    sizes = [int(rss) / 1024 for rss in workers[1::2]]
    if sizes:
        print(f"worker resident size after {requests_sent:,} page requests (about "
              f"{requests_sent // len(sizes):,} each): "
              + ", ".join(f"{size:.0f}" for size in sorted(sizes))
              + f" MB; largest {max(sizes):.0f} MB (target below 150 MB)")


def compare(results):
    sqlite, postgresql = results["sqlite"], results["postgresql"]
    for mode in sqlite:
        print(f"\nPostgreSQL / SQLite, req/s per page, {MODES[mode][0]} "
              "(target: within 15 %, so at least 0.85)")
        for name, figures in sqlite[mode].items():
            if name in postgresql[mode]:
                ratio = postgresql[mode][name][0] / figures[0] if figures[0] else float("nan")
                print(f"{name:<22}{ratio:>9.2f}")


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    sys.exit(main())

"""Pages under load against a bare Flask "hello" under the same gunicorn (issue 12).

Loads the full demo (as `portal demo` does) into SQLite in a temporary folder, starts
the portal under gunicorn with `--workers` sync workers and a one-route Flask app under
the same gunicorn settings, signs in as Peggy (the session is bound to the User-Agent,
so wrk sends the same one), checks that every page answers 200 rather than a redirect
to the login, and then runs wrk against hello and each page in turn, hello again between
pages. For each page it prints req/s, p50, p99, the share of hello's req/s (against the
mean of the hello runs either side of it) and the SQL statements the page sends.

    python benchmarks/pages.py [--seconds 10] [--connections 16] [--workers 4]

Targets (issue 12): every page at least 20 % of hello with p99 at most 25 ms on SQLite.
The script prints the figures and never judges them; it exits 1 only when a page does
not answer 200. PostgreSQL is not measured yet.
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
    CSRF_META_RE, PASSWORD, ROOT, SECRET_KEY, portal_command, server_env, sqlite_url,
    start_gunicorn, stop_gunicorn)
from throwaway_postgres import free_port  # noqa: E402

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
statements = []
handler = logging.Handler()
handler.emit = lambda record: statements.append(1)
logger = logging.getLogger("peewee")
counts = {}
for name, url in pages.items():
    client.get(url)
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    statements.clear()
    status = client.get(url).status_code
    logger.removeHandler(handler)
    counts[name] = len(statements) if status == 200 else f"HTTP {status}"
print(json.dumps({"pages": pages, "statements": counts}))
"""

HELLO = '''from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello():
    return "Hello, World!"
'''

RPS_RE = re.compile(r"Requests/sec:\s+([\d.]+)")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10, help="each wrk run (default 10)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    return parser.parse_args(argv)


def latency(text, percentile):
    """A wrk --latency percentile in ms."""
    found = re.search(rf"^\s+{percentile}%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
    if not found:
        return float("nan")
    value, unit = float(found.group(1)), found.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


def wrk(url, args, headers=()):
    command = ["wrk", "-t2", f"-c{args.connections}", f"-d{args.seconds}s", "--latency"]
    for header in headers:
        command += ["-H", header]
    out = subprocess.run(command + [url], capture_output=True, text=True, check=True).stdout
    found = RPS_RE.search(out)
    return (float(found.group(1)) if found else 0.0), latency(out, 50), latency(out, 99)


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
        env = server_env(dict(os.environ, PORTAL_DATABASE_URL=sqlite_url(folder),
                              PORTAL_SECRET_KEY=SECRET_KEY, PORTAL_DEMO_PASSWORD=PASSWORD,
                              PORTAL_LOAD_INSTALLED_PLUGINS="0"), folder)
        subprocess.run([portal_command(), "db", "upgrade"], env=env, cwd=ROOT, check=True,
                       capture_output=True)
        done = subprocess.run([sys.executable, "-c", SETUP, PASSWORD, EMAIL], env=env, cwd=ROOT,
                              check=True, capture_output=True, text=True)
        info = json.loads(done.stdout.strip().splitlines()[-1])
        (folder / "hello_app.py").write_text(HELLO)
        portal = start_gunicorn(env, free_port(), args.workers, folder / "portal.log")
        hello = start_hello(folder, args.workers)
        try:
            return measure(args, portal.url, hello.url, info)
        finally:
            stop_gunicorn(portal)
            stop_gunicorn(hello)


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


def measure(args, portal, hello, info):
    session = sign_in(portal)
    cookie = "; ".join(f"{c.name}={c.value}" for c in session.cookies)
    headers = [f"Cookie: {cookie}", f"User-Agent: {USER_AGENT}"]
    failed = []
    for name, path in info["pages"].items():
        response = session.get(portal + path, allow_redirects=False, timeout=30)
        if response.status_code != 200:
            failed.append(f"{name} {path}: HTTP {response.status_code}")
    if failed:
        print("pages that do not answer 200 when signed in:", *failed, sep="\n  ")
        return 1
    print(f"pages under load: wrk -t2 -c{args.connections} -d{args.seconds}s, gunicorn "
          f"{args.workers} sync workers, SQLite WAL, {os.cpu_count()} cores, signed in as {EMAIL}")
    print(f"{'page':<14}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'of hello':>10}{'SQL':>6}")
    previous = wrk(hello + "/", args)
    print(f"{'hello':<14}{previous[0]:>9.0f}{previous[1]:>9.2f}{previous[2]:>9.2f}{'':>10}{'':>6}")
    for name, path in info["pages"].items():
        rps, p50, p99 = wrk(portal + path, args, headers)
        after = wrk(hello + "/", args)
        share = rps / ((previous[0] + after[0]) / 2) if previous[0] + after[0] else float("nan")
        print(f"{name:<14}{rps:>9.0f}{p50:>9.2f}{p99:>9.2f}{100 * share:>9.1f}%"
              f"{info['statements'][name]!s:>6}")
        previous = after
    print("targets (issue 12): at least 20 % of hello, p99 at most 25 ms, at most 12 SQL")
    return 0


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    sys.exit(main())

"""Time the results page and the overview of a run with many responses, at a small and
a large number of responses, against a bare Flask response.

Results are stored as they change (portal/instruments/tallies.py), so the results page
and the overview's result card must cost the same at 100,000 responses as at 1,000
(issue 12: within 1.5x), and neither may read the answer table. Wall times depend on the
machine, so the pages are timed next to a bare Flask app in the same process and the
ratios are printed; the SQL statements one page request sends are counted at both sizes.

    python benchmarks/results_page.py [--responses 100000] [--small 1000] [--iterations 20]
                                      [--database-url postgresql://...]

With --database-url the PUBLIC SCHEMA OF THAT DATABASE IS DROPPED first (as the test
suite does): point it at a throwaway database only. Without it, SQLite in a temporary
directory is used and removed at the end.
"""
import argparse
import datetime as dt
import os
import random
import re
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

from flask import Flask
from markupsafe import escape
from peewee import chunked

from portal import create_app
from portal.db import database, is_sqlite
from portal.demo import load_demo
from portal.instruments import registry, tallies
from portal.instruments.models import Answer, Response, Run
from portal.instruments.results import run_results
from portal.instruments.runs import open_run
from portal.migrations import upgrade
from portal.partnerships.models import Partnership

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from throwaway_postgres import empty_schema  # noqa: E402

PASSWORD = "benchmark password"
INSTRUMENT_ID = "relational_survey"
VIEWER = "jim@supplier.example"
TARGET_RATIO = 1.5
SIDES = ("client", "supplier")
CSRF_RE = re.compile(r'name="csrf-token" content="([^"]+)"')
MAX_ROWS_PER_INSERT = 1000  # beyond this a bigger statement buys nothing measurable
POSTGRES_MAX_VARIABLES = 65535


def parse_args(argv=None):
    """The command line; N/10 must still pass the anonymity threshold on both sides."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--responses", type=int, default=100_000,
                        help="responses in the run at the end (default 100000)")
    parser.add_argument("--small", type=int, default=1_000,
                        help="responses at the first measurement (default 1000)")
    parser.add_argument("--iterations", type=int, default=20,
                        help="timed requests per measurement (default 20)")
    parser.add_argument("--database-url", default="",
                        help="postgresql://... to benchmark PostgreSQL; its public schema "
                             "is DROPPED first. Default: SQLite in a temporary directory.")
    args = parser.parse_args(argv)
    if not 6 <= args.small < args.responses or args.iterations < 1:
        parser.error("use --small of at least 6 (the anonymity threshold of 3 on each "
                     "side), below --responses, and at least 1 iteration")
    if args.database_url and urlparse(args.database_url).scheme not in ("postgres", "postgresql"):
        parser.error("--database-url must be a postgresql:// URL (SQLite is the default)")
    return args


def build_app(workdir, database_url):
    """An app configured like the tests' (no installed plugins), migrated, with demo data.

    TESTING stays off so the page runs as in production; the built-in
    relational_survey plugin is always loaded.
    """
    os.environ["PORTAL_INSTANCE_PATH"] = str(workdir / "instance")
    plugins_dir = workdir / "plugins"
    plugins_dir.mkdir()
    url = database_url or f"sqlite:///{workdir / 'instance' / 'portal.sqlite'}"
    if database_url:
        empty_schema(database_url)
    app = create_app({
        "PORTAL_DATABASE_URL": url,
        "PORTAL_PLUGINS_DIR": str(plugins_dir),
        "PORTAL_LOAD_INSTALLED_PLUGINS": False,
        "PORTAL_PLUGINS_ALLOW": set(),
        "PORTAL_PLUGINS_BLOCK": set(),
    })
    with app.app_context():
        upgrade()
        load_demo(PASSWORD)
    return app


def open_survey(app):
    """An anonymous relational survey run in the demo partnership, closed yesterday so
    the page shows the comparison of sides too (an open anonymous run hides it until it
    closes); returns (run id, pid)."""
    with app.app_context():
        partnership = Partnership.get()
        instrument = registry.get(INSTRUMENT_ID)
        if instrument is None:
            raise SystemExit(f"the built-in {INSTRUMENT_ID!r} instrument is not loaded")
        today = dt.date.today()
        run = open_run(partnership, instrument, "Benchmark run", today - dt.timedelta(days=30),
                       today - dt.timedelta(days=1), audience="both", anonymous=True,
                       min_responses=3)
        return run.id, partnership.id


def rows_per_insert(field_count):
    """Rows per INSERT that stay under the database's bound-variable limit."""
    if is_sqlite():
        limit = database.connection().getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    else:
        limit = POSTGRES_MAX_VARIABLES
    return max(1, min(MAX_ROWS_PER_INSERT, limit // field_count))


def add_responses(app, run_id, start, stop, rng):
    """Insert anonymous responses start..stop-1 with a 1-5 answer to every scale question.

    Anonymous rows carry no user and no time; the side alternates so both sides pass
    the threshold and the page draws its side comparison too.
    """
    with app.app_context():
        run = Run.get_by_id(run_id)
        question_ids = [q.id for q in registry.questions_of(run) if q.type == "scale"]
        responses, answers = [], []
        for index in range(start, stop):
            response_id = uuid.uuid4().hex
            side = SIDES[index % 2]
            responses.append((response_id, run_id, None, side, None))
            answers.extend((response_id, run_id, side, qid, float(rng.randint(1, 5)))
                           for qid in question_ids)
        response_fields = [Response.id, Response.run, Response.user, Response.side,
                           Response.submitted_at]
        answer_fields = [Answer.response, Answer.run, Answer.side, Answer.question_id,
                         Answer.value_num]
        with database.atomic():
            for batch in chunked(responses, rows_per_insert(len(response_fields))):
                Response.insert_many(batch, fields=response_fields).execute()
            for batch in chunked(answers, rows_per_insert(len(answer_fields))):
                Answer.insert_many(batch, fields=answer_fields).execute()
        refresh_planner_statistics()
        # Answers written around the portal, as a restore would: their tally is counted
        # once, as the portal does for a run that has none, and timed.
        started = time.perf_counter()
        tallies.rebuild(run)
        counted_in = time.perf_counter() - started
        database.close()
        return len(question_ids), counted_in


def refresh_planner_statistics():
    """On PostgreSQL, ANALYZE what was just bulk-inserted.

    Autovacuum would do this within a minute in production; without it the planner
    expects a few dozen answer rows instead of 150,000, sorts them on disk, and the
    benchmark measures a state no deployed site stays in. SQLite is left alone: the app
    never runs ANALYZE there, so its plans are the ones users get.
    """
    if not is_sqlite():
        database.execute_sql("ANALYZE response; ANALYZE answer;")


def logged_in_client(app):
    """A test client signed in as a demo editor, through the real CSRF-protected form."""
    client = app.test_client()
    html = client.get("/login").get_data(as_text=True)
    match = CSRF_RE.search(html)
    if not match:
        raise SystemExit("no CSRF token on /login")
    response = client.post("/login", data={"email": VIEWER, "password": PASSWORD,
                                           "csrf_token": match.group(1)})
    if response.status_code != 302:
        raise SystemExit(f"login as {VIEWER} failed with {response.status_code}")
    return client


def expected_headline(app, run_id):
    """The interpretation headline the page must show; also proves the results are visible."""
    with app.test_request_context():
        rr = run_results(Run.get_by_id(run_id))
        database.close()
    if not rr.visible or rr.interpretation is None or not rr.results.by_side:
        raise SystemExit(f"results not fully visible: {rr.visibility}, "
                         f"sides hidden: {rr.sides_hidden_reason!r}")
    return rr.interpretation.headline


def check_page(client, path, headline):
    """One warm-up request that must succeed and show what a reader comes for."""
    response = client.get(path)
    html = response.get_data(as_text=True)
    if response.status_code != 200:
        raise SystemExit(f"GET {path} returned {response.status_code}")
    for needle in (str(escape(headline)), 'data-testid="side-comparison"'):
        if needle not in html:
            raise SystemExit(f"GET {path} does not show {needle!r}")


def time_calls(call, iterations):
    """Wall time of each call in milliseconds."""
    samples = []
    for _ in range(iterations):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def summary(samples):
    """(median, p90) in ms; p90 by nearest rank, so it is always a measured value."""
    ordered = sorted(samples)
    p90 = ordered[max(0, -(-len(ordered) * 9 // 10) - 1)]
    return statistics.median(ordered), p90


def time_page(client, path, iterations, warm_up=5):
    """Whole requests through the test client: routing, access checks, SQL, templates;
    after a few untimed ones, so templates are compiled and caches warm at both sizes."""
    def request():
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"GET {path} returned {response.status_code} while timing")
    time_calls(request, warm_up)
    return time_calls(request, iterations)


def bare_flask_client():
    """The floor: a Flask app with one route, through the same kind of test client."""
    bare = Flask("bare")
    bare.add_url_rule("/", "hello", lambda: "hello")
    client = bare.test_client()
    client.get("/")
    return client


def time_aggregation(app, run_id, iterations):
    """run_results() alone, on one open connection: the database's share of the page."""
    with app.test_request_context():
        run = Run.get_by_id(run_id)
        samples = time_calls(lambda: run_results(run), iterations)
        database.close()
    return samples


@contextmanager
def counting_statements():
    """Record every SQL statement peewee sends while the block runs."""
    db = database.obj
    statements = []
    original = db.execute_sql

    def execute_sql(sql, *args, **kwargs):
        statements.append(sql)
        return original(sql, *args, **kwargs)

    db.execute_sql = execute_sql
    try:
        yield statements
    finally:
        del db.execute_sql


def count_page_statements(client, path):
    """(statements, of which reading the answer table) for one page request."""
    with counting_statements() as statements:
        client.get(path)
    return len(statements), sum('"answer"' in sql for sql in statements)


def describe_database(database_url):
    """Which database the figures are for, without the URL's password."""
    if not database_url:
        return f"SQLite {sqlite3.sqlite_version} (temporary file)"
    parsed = urlparse(database_url)
    return f"PostgreSQL {parsed.hostname}:{parsed.port or 5432}/{parsed.path.lstrip('/')}"


def report(args, fill_seconds, answers_per_response, counted_in, timings, statements):
    """Print the timings table, then the ratios measured in this one run."""
    n, small = args.responses, args.small
    print(f"Results benchmark on {describe_database(args.database_url)}")
    print(f"{n:,} anonymous responses x {answers_per_response} scale answers "
          f"({n * answers_per_response:,} answer rows, inserted in {fill_seconds:.1f} s; "
          f"their tally counted once in {counted_in * 1000:.0f} ms), "
          f"{args.iterations} iterations per line")
    print()
    print(f"{'measurement':<42}{'median ms':>11}{'p90 ms':>10}")
    for label, samples in timings.values():
        median, p90 = summary(samples)
        print(f"{label:<42}{median:>11.2f}{p90:>10.2f}")
    print()
    median = {key: statistics.median(samples) for key, (_, samples) in timings.items()}
    lines = [("results page / bare Flask", f"{median['page'] / median['bare']:,.0f}x"),
             ("results page / run_results() alone",
              f"{median['page'] / median['aggregation']:.2f}x")]
    for page, name in (("page", "results page"), ("overview", "overview")):
        ratio = median[page] / median[f"{page}_small"]
        (count_small, reads_small), (count_n, reads_n) = statements[page]
        growth = "unchanged" if count_small == count_n else "GROWS WITH THE ROWS"
        lines += [
            (f"{name} at {n:,} / at {small:,} responses",
             f"{ratio:.2f}x: target <= {TARGET_RATIO}x "
             f"{'met' if ratio <= TARGET_RATIO else 'NOT MET'}"),
            (f"{name}: SQL statements per request",
             f"{count_small} at {small:,}, {count_n} at {n:,} responses ({growth}); "
             f"{max(reads_small, reads_n)} read the answer table"),
        ]
    width = max(len(label) for label, _ in lines) + 2
    for label, value in lines:
        print(f"{label + ':':<{width}}{value}")


def run_benchmark(args, workdir):
    """Measure at the small size, top the same run up to N, measure again, then compare.

    Growing one run (rather than opening a second) keeps the page's trend across runs
    identical in both measurements, so only the number of rows changes.
    """
    app = build_app(workdir, args.database_url)
    run_id, partnership_id = open_survey(app)
    paths = {"page": f"/partnerships/{partnership_id}/runs/{run_id}/",
             "overview": f"/partnerships/{partnership_id}/"}
    rng = random.Random(42)
    small = args.small
    client = logged_in_client(app)
    timings, statements = {}, {"page": [], "overview": []}

    def measure(size, suffix):
        headline = expected_headline(app, run_id)
        check_page(client, paths["page"], headline)
        for page, path in paths.items():
            if page == "overview" and str(escape(headline)) not in client.get(path).get_data(as_text=True):
                raise SystemExit(f"the overview does not show {headline!r}")
            statements[page].append(count_page_statements(client, path))
            label = "results page" if page == "page" else "overview"
            timings[page + suffix] = (f"{label}, {size:,} responses",
                                      time_page(client, path, args.iterations))

    started = time.perf_counter()
    answers_per_response, _ = add_responses(app, run_id, 0, small, rng)
    fill_seconds = time.perf_counter() - started
    measure(small, "_small")

    started = time.perf_counter()
    _, counted_in = add_responses(app, run_id, small, args.responses, rng)
    fill_seconds += time.perf_counter() - started - counted_in
    measure(args.responses, "")
    aggregation = time_aggregation(app, run_id, args.iterations)
    bare = time_page(bare_flask_client(), "/", args.iterations)
    timings.update({"bare": ("bare Flask response", bare),
                    "aggregation": (f"run_results() alone, {args.responses:,} responses",
                                    aggregation)})
    report(args, fill_seconds, answers_per_response, counted_in, timings, statements)


def main(argv=None):
    return run_in_workdir(run_benchmark, parse_args(argv))


def run_in_workdir(benchmark, args):
    """Run a benchmark and always remove its temporary instance folder and connections."""
    workdir = Path(tempfile.mkdtemp(prefix="portal-bench-"))
    try:
        benchmark(args, workdir)
    finally:
        close_all = getattr(database.obj, "close_all", None)
        if close_all:
            close_all()
        elif database.obj is not None and not database.is_closed():
            database.close()
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

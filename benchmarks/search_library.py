"""Time library search and the library page at 2,000 items against a bare Flask response.

The issue's target is a search under 30 ms at 2,000 items on SQLite. Wall times depend
on the machine, so the same process also times a bare one-route Flask app and prints
the ratios. Items are written from the words of content/*.md (a seeded generator, so
every run searches the same library), stored through `library.store` as authors' items
are, which also indexes them for search.

    python benchmarks/search_library.py [--items 2000] [--runs 50] [--iterations 20]
                                        [--database-url postgresql://...]

With --database-url the PUBLIC SCHEMA OF THAT DATABASE IS DROPPED first (as the test
suite does): point it at a throwaway database only. Without it, SQLite in a temporary
directory is used and removed at the end.
"""
import argparse
import random
import re
import statistics
import sys
import time
from urllib.parse import urlparse

from results_page import (
    bare_flask_client, build_app, counting_statements, describe_database, logged_in_client,
    run_in_workdir, summary, time_calls, time_page,
)

from portal.config import shipped_folder
from portal.content import library, search
from portal.db import database, is_sqlite
from portal.partnerships.models import Partnership

QUERY = "partner trust"
PAGE_QUERY = "trust"
TARGET_MS = 30.0
FALLBACK_WORDS = (
    "partner partnership trust client supplier commitment communication credibility clarity "
    "cadence collaboration agreement review feedback cohort learning delivery program design "
    "expectation sponsor meeting outcome measure value risk change plan budget team share "
    "report signal promise listen decide escalate improve workshop manager leader coach"
).split()


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=2000, help="items in the library (default 2000)")
    parser.add_argument("--runs", type=int, default=50, help="timed searches (default 50)")
    parser.add_argument("--iterations", type=int, default=20,
                        help="timed requests per page (default 20)")
    parser.add_argument("--database-url", default="",
                        help="postgresql://... to benchmark PostgreSQL; its public schema "
                             "is DROPPED first. Default: SQLite in a temporary directory.")
    args = parser.parse_args(argv)
    if args.items < 1 or args.runs < 1 or args.iterations < 1:
        parser.error("items, runs and iterations must be at least 1")
    if args.database_url and urlparse(args.database_url).scheme not in ("postgres", "postgresql"):
        parser.error("--database-url must be a postgresql:// URL (SQLite is the default)")
    return args


def vocabulary():
    """Words of the shipped content (front matter and Markdown marks left out)."""
    words = []
    for path in sorted(shipped_folder("portal.starter_content").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        body = text.split("---", 2)[-1] if text.startswith("---") else text
        words += re.findall(r"[a-z][a-z'-]{2,}", body.lower())
    return words if len(set(words)) >= 200 else list(FALLBACK_WORDS) * 20


def sentence(rng, words, low, high):
    text = " ".join(rng.choice(words) for _ in range(rng.randint(low, high)))
    return text[:1].upper() + text[1:] + "."


def generated_item(rng, words, index):
    """(slug, fields, body) of one plausible item: title, summary, a few sections."""
    title = sentence(rng, words, 3, 7).rstrip(".")
    sections = []
    for _ in range(rng.randint(2, 4)):
        paragraphs = [" ".join(sentence(rng, words, 8, 22) for _ in range(rng.randint(2, 5)))
                      for _ in range(rng.randint(1, 3))]
        sections.append(f"## {sentence(rng, words, 2, 5).rstrip('.')}\n\n" + "\n\n".join(paragraphs))
    fields = library.fields_from({
        "title": title, "summary": sentence(rng, words, 12, 30),
        "audience": rng.choice(library.AUDIENCES), "stages": rng.sample(library.STAGES, rng.randint(0, 2)),
        "principles": rng.sample(library.PRINCIPLES, rng.randint(0, 2)),
        "tags": rng.sample(sorted(set(words)), 3), "reading_time": rng.randint(2, 12),
    })
    return f"bench-{index:05d}", fields, "\n\n".join(sections) + "\n"


def fill_library(app, count):
    """Store `count` generated items in one transaction; returns the seconds it took."""
    rng, words = random.Random(2031), vocabulary()
    started = time.perf_counter()
    with app.app_context():
        with database.atomic():
            for index in range(count):
                library.store(*generated_item(rng, words, index), "portal")
        if not is_sqlite():  # what autovacuum would soon do on a live site
            database.execute_sql("ANALYZE content_item; ANALYZE content_search;")
        database.close()
    return time.perf_counter() - started


def time_search(app, runs):
    """search.search() alone, on one open connection: as asked (20 results) and as the
    library page calls it (its first page of 40, limited to the partnership's items).
    Also returns the hit count."""
    with app.app_context():
        hits = len(search.search(QUERY, limit=20))
        samples = time_calls(lambda: search.search(QUERY, limit=20), runs)
        partnership = Partnership.get()
        orgs = [partnership.client_id, partnership.supplier_id]
        as_page = time_calls(lambda: search.search(PAGE_QUERY, limit=40, organizations=orgs), runs)
        database.close()
    if not hits:
        raise SystemExit(f"searching {QUERY!r} found nothing: the generated library is wrong")
    return samples, as_page, hits


def check_page(client, path, needle):
    response = client.get(path)
    if response.status_code != 200:
        raise SystemExit(f"GET {path} returned {response.status_code}: is the library installed?")
    if needle not in response.get_data(as_text=True):
        raise SystemExit(f"GET {path} does not show {needle!r}")


def page_statements(client, path):
    with counting_statements() as statements:
        client.get(path)
    return len(statements)


def report(args, fill_seconds, hits, timings, statements):
    print(f"Library search benchmark on {describe_database(args.database_url)}")
    print(f"{args.items:,} generated items (stored and indexed in {fill_seconds:.1f} s); "
          f"search {QUERY!r} x {args.runs}, pages x {args.iterations}; "
          f"{hits} hits for the search (limit 20)")
    print()
    print(f"{'measurement':<48}{'median ms':>11}{'p90 ms':>10}")
    for label, samples in timings.values():
        median, p90 = summary(samples)
        print(f"{label:<48}{median:>11.2f}{p90:>10.2f}")
    print()
    median = {key: statistics.median(samples) for key, (_, samples) in timings.items()}
    verdict = "met" if median["search"] < TARGET_MS else "not met"
    lines = [
        ("search() / bare Flask", f"{median['search'] / median['bare']:,.1f}x"),
        ("library page with search / bare Flask", f"{median['page_q'] / median['bare']:,.0f}x"),
        ("library page, no search / bare Flask", f"{median['page'] / median['bare']:,.0f}x"),
        ("library page with search / search() alone", f"{median['page_q'] / median['search']:,.1f}x"),
        ("SQL statements per library page", f"{statements['page_q']} with search, "
                                            f"{statements['page']} without"),
        (f"search under {TARGET_MS:.0f} ms at {args.items:,} items",
         f"{verdict} (median {median['search']:.2f} ms, p90 {summary(timings['search'][1])[1]:.2f} ms)"),
        ("  the same, as the library page searches",
         f"{'met' if median['as_page'] < TARGET_MS else 'not met'} "
         f"(median {median['as_page']:.2f} ms)"),
    ]
    width = max(len(label) for label, _ in lines) + 2
    for label, value in lines:
        print(f"{label + ':':<{width}}{value}")


def run_benchmark(args, workdir):
    app = build_app(workdir, args.database_url)
    fill_seconds = fill_library(app, args.items)
    search_samples, as_page, hits = time_search(app, args.runs)
    with app.app_context():
        partnership_id = Partnership.get().id
        database.close()
    client = logged_in_client(app)
    base = f"/partnerships/{partnership_id}/library"
    check_page(client, f"{base}?q={PAGE_QUERY}", "<mark>")
    check_page(client, base, "bench-")
    statements = {"page_q": page_statements(client, f"{base}?q={PAGE_QUERY}"),
                  "page": page_statements(client, base)}
    page_q = time_page(client, f"{base}?q={PAGE_QUERY}", args.iterations)
    page = time_page(client, base, args.iterations)
    bare = time_page(bare_flask_client(), "/", max(args.iterations, args.runs))
    report(args, fill_seconds, hits, {
        "bare": ("bare Flask response", bare),
        "search": (f"search({QUERY!r}, limit=20)", search_samples),
        "as_page": (f"search({PAGE_QUERY!r}, limit=40, organizations=…)", as_page),
        "page_q": (f"library page ?q={PAGE_QUERY}", page_q),
        "page": ("library page, no search (best 40 of all items)", page),
    }, statements)


def main(argv=None):
    return run_in_workdir(run_benchmark, parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())

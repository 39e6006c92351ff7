"""Idle readers: what readers who keep the agreement open cost the server (issue 12).

Starts the portal under gunicorn on SQLite (as concurrent_editors.py does), signs in
`--readers` browsers (spread over `--accounts` accounts), has each open the agreement's
reading page and then poll as htmx does: the page's poll URL every `hx-trigger`
interval, taking the next URL from any answer that brings the sections. Nobody writes.
Over `--seconds` it reads the CPU time the gunicorn master and workers used
(/proc/<pid>/stat) and prints it as a share of one core, with the polls per second and
how many were answered 204.

    python benchmarks/idle_readers.py [--readers 200] [--seconds 30] [--workers 4] [--threads 1]

Target (issue 12): 200 idle readers cost less than 10 % of one core. The script prints
the figure and exits 1 only when a poll failed (not 200 or 204) or a reader could not
start; it never judges the timing.
"""
import argparse
import html
import os
import random
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from concurrent_editors import (  # noqa: E402
    PAGE_POLL_RE, PASSWORD, SECRET_KEY, Client, cpu_seconds, prepare, server_env,
    sqlite_url, start_gunicorn, stop_gunicorn)
from throwaway_postgres import free_port  # noqa: E402


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readers", type=int, default=200)
    parser.add_argument("--accounts", type=int, default=20,
                        help="accounts the readers sign in with (each reader its own session)")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=1,
                        help="more than 1: gunicorn's threaded workers, which keep each "
                             "reader's connection alive between polls (default: sync)")
    return parser.parse_args(argv)


class Reader(threading.Thread):
    """One browser with the reading page open: a signed-in `Client` of
    concurrent_editors.py that polls."""

    def __init__(self, server, email, agreement, start, stop, rng):
        super().__init__(daemon=True)
        self.client = Client(email, [server], agreement)
        self.email, self.agreement = email, agreement
        self.start_event, self.stop, self.rng = start, stop, rng
        self.ready = threading.Event()
        self.statuses, self.errors = Counter(), []
        self.poll_path = self.interval = None

    def setup(self):
        self.client.login()
        reading, _, _ = self.client._request("GET", self.agreement)
        found = PAGE_POLL_RE.search(reading.text)
        if reading.status_code != 200 or found is None:
            raise RuntimeError(f"the reading page answered {reading.status_code} without a poll")
        self.poll_path, self.interval = html.unescape(found.group(1)), float(found.group(2))

    def run(self):
        try:
            self.setup()
        except Exception as exc:  # noqa: BLE001 - reported by the main thread
            self.errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            self.ready.set()
        self.start_event.wait()
        if self.errors:
            return
        # Browsers opened the page at different moments: spread the first polls.
        if self.stop.wait(self.rng.uniform(0, self.interval)):
            return
        while True:
            response, _, _ = self.client._request("GET", self.poll_path)
            self.statuses[response.status_code] += 1
            if response.status_code == 200:
                found = PAGE_POLL_RE.search(response.text)
                if found:
                    self.poll_path = html.unescape(found.group(1))
            elif response.status_code != 204:
                self.errors.append(f"poll answered HTTP {response.status_code}")
            if self.stop.wait(self.interval):
                return


def main(argv=None):
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="idle-readers-") as tmp:
        folder = Path(tmp)
        base_env = dict(os.environ, PORTAL_DATABASE_URL=sqlite_url(folder),
                        PORTAL_SECRET_KEY=SECRET_KEY, PORTAL_DEMO_PASSWORD=PASSWORD,
                        PORTAL_LOAD_INSTALLED_PLUGINS="0")
        env = server_env(base_env, folder)
        partnership, emails, _ = prepare(env, args.accounts, 0)
        server = start_gunicorn(env, free_port(), args.workers, folder / "gunicorn.log",
                                threads=args.threads)
        try:
            return measure(args, server, partnership, emails)
        finally:
            stop_gunicorn(server)


def measure(args, server, partnership, emails):
    start, stop = threading.Event(), threading.Event()
    rng = random.Random(12)
    agreement = f"/partnerships/{partnership}/agreement"
    readers = [Reader(server.url, emails[i % len(emails)], agreement, start, stop,
                      random.Random(rng.random())) for i in range(args.readers)]
    for reader in readers:
        reader.start()
    for reader in readers:
        reader.ready.wait(300)
    failed = [f"{r.email}: {e}" for r in readers for e in r.errors]
    if failed:
        print("readers that could not start:", *failed[:10], sep="\n  ")
        stop.set()
        return 1
    time.sleep(2)  # the logins' scrypt work is done before the clock starts
    start.set()
    time.sleep(max(r.interval for r in readers))  # every reader is polling
    cpu_before, started = cpu_seconds(server.process.pid), time.perf_counter()
    polls_before = sum(sum(r.statuses.values()) for r in readers)
    time.sleep(args.seconds)
    cpu = cpu_seconds(server.process.pid) - cpu_before
    elapsed = time.perf_counter() - started
    polls = sum(sum(r.statuses.values()) for r in readers) - polls_before
    stop.set()
    for reader in readers:
        reader.join(30)
    statuses = sum((r.statuses for r in readers), Counter())
    errors = [f"{r.email}: {e}" for r in readers for e in r.errors]
    interval = readers[0].interval
    print(f"idle readers: {args.readers} browsers ({len(set(emails))} accounts) with the "
          f"agreement open, polling every {interval:g} s; gunicorn {args.workers} "
          + ("sync workers" if args.threads <= 1 else
             f"threaded workers x {args.threads} threads, connections kept alive")
          + f", SQLite WAL, {os.cpu_count()} cores")
    print(f"  measured over {elapsed:.1f} s: {polls / elapsed:.1f} polls/s, answers "
          f"{dict(sorted(statuses.items()))}")
    print(f"  server CPU: {cpu:.2f} s = {100 * cpu / elapsed:.1f} % of one core "
          f"({1000 * cpu / max(polls, 1):.2f} ms per poll); target < 10 %")
    if errors:
        print("  poll errors:", *errors[:10], sep="\n    ")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

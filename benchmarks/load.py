"""Benchmark: open-loop load on gunicorn (4 workers) and PostgreSQL, and each page's capacity.

    .venv/bin/python benchmarks/load.py [--scale demo|large] [--rate 50] [--duration 30]
        [--pages NAME ...] [--skip-capacity] [--step-duration 10]
        [--pg-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres]

It copies the demo data set (or, with --scale large, the generated district of
benchmarks/_data.py) into a fresh PostgreSQL database `sikomo_bench_load` (`--db`), starts
`gunicorn -w 4 'sikomo:create_app()'` on a free port of 127.0.0.1, waits until it answers, logs
in once per role through the login form (with its CSRF token) and reuses the session cookie.
Then, per page, it sends `--rate` requests/s for `--duration` s on a fixed schedule, whether or
not earlier requests were answered (open loop; a request's latency runs from its scheduled send
time, so a slow server cannot hide behind a waiting client), and prints p50/p95/p99, errors
(non-2xx answers, time-outs and connection errors) and the rate achieved (2xx answers per
second from the first send to the last answer).
Target, per page: p95 ≤ 150 ms with no error at 50 requests/s (PASS/FAIL).

Capacity (unless --skip-capacity): the same load in steps of `--step-duration` s at 25, 50, 100,
150, 200, 300 and 400 requests/s, stopping at the first step that misses the target; the page's
capacity is the last rate that met it.

The API's and the login's rate limits are switched off (FLASK_RATELIMIT_ENABLED=false): they
would refuse one client's load by design. The server and the run's database are removed on
exit, also after an error or Ctrl+C; the cached copy of the data (`sikomo_bench_<scale>`, marked
by the benchmark) is kept for the next run. The load client runs on the same 2 cores as the
server: its send lag is printed so that a saturated client is not mistaken for a slow server.
Not part of the test suite.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import _data
import pages
import requests

from sikomo.extensions import db
from sikomo.models import Cooperative
from sikomo.tokens.operations import issue

TARGET_P95_MS = 150.0
WORKERS = 4
LOAD_PAGES = ("publik-cari", "publik-koperasi", "laporan-dasbor", "antrean",
              "penilaian-laporan", "indikator", "register", "api-koperasi")  # fmt: skip
CAPACITY_STEPS = (25, 50, 100, 150, 200, 300, 400)
TIMEOUT = 10.0  # seconds before a request counts as an error
MAX_CLIENT_THREADS = 2_000  # enough for every request of 200/s to wait its full TIMEOUT
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@dataclass(frozen=True)
class Result:
    rate: float
    latencies_ms: list[float]  # of every request, answered or not
    errors: dict[str, int]  # "503", "timeout", "connection" → count
    achieved: float  # 2xx answers per second, from the first send to the last answer
    lag_p95_ms: float  # how late the client sent, at p95

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)] if ordered else 0.0

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    @property
    def passed(self) -> bool:
        return self.percentile(95) <= TARGET_P95_MS and self.error_count == 0


def send_all(url: str, rate: float, duration: float, headers: dict, cookies: dict) -> Result:
    """Open loop: request `url` at `rate` per second for `duration` seconds, on schedule."""
    count = max(1, int(rate * duration))
    outcomes: list[tuple[float, str | None, float]] = [(0.0, "not sent", 0.0)] * count
    local = threading.local()

    def one(i: int, scheduled: float) -> None:
        session = getattr(local, "session", None) or requests.Session()
        local.session = session
        lag = time.perf_counter() - scheduled
        try:
            response = session.get(url, headers=headers, cookies=cookies, timeout=TIMEOUT,
                                   allow_redirects=False)  # fmt: skip
            error = None if 200 <= response.status_code < 300 else str(response.status_code)
        except requests.Timeout:
            error = "timeout"
        except requests.RequestException:
            error = "connection"
        outcomes[i] = ((time.perf_counter() - scheduled) * 1000, error, lag * 1000)

    # One thread per request that may be in flight, so a slow server never delays a send.
    pool = ThreadPoolExecutor(max_workers=min(MAX_CLIENT_THREADS, math.ceil(rate * TIMEOUT) + 16))
    start = time.perf_counter() + 0.05
    try:
        for i in range(count):
            scheduled = start + i / rate
            time.sleep(max(0.0, scheduled - time.perf_counter()))
            pool.submit(one, i, scheduled)
    except BaseException:  # Ctrl+C: send nothing more; wait for those in flight (≤ TIMEOUT)
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    elapsed = time.perf_counter() - start
    errors: dict[str, int] = {}
    for _, error, _ in outcomes:
        if error:
            errors[error] = errors.get(error, 0) + 1
    lags = sorted(lag for _, _, lag in outcomes)
    answered = count - sum(errors.values())
    return Result(rate, [ms for ms, _, _ in outcomes], errors, answered / elapsed,
                  lags[int(0.95 * (len(lags) - 1))])  # fmt: skip


class Server:
    """gunicorn on a free loopback port, with its log in a temporary file."""

    def __init__(self, database_url: str, workers: int = WORKERS):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.NamedTemporaryFile(prefix="sikomo-gunicorn-", suffix=".log")
        env = os.environ | {
            "DATABASE_URL": database_url,
            "FLASK_SECRET_KEY": secrets.token_hex(16),
            "FLASK_RATELIMIT_ENABLED": "false",
            "FLASK_UPLOAD_FOLDER": tempfile.gettempdir(),
        }
        command = [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind",
                   f"127.0.0.1:{self.port}", "--timeout", "600", "--log-level", "warning",
                   "sikomo:create_app()"]  # fmt: skip
        self.process = subprocess.Popen(
            command, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def wait_ready(self, seconds: float = 60.0) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({self.process.returncode}):\n{self.tail()}")
            try:
                if requests.get(self.base + "/login", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer within {seconds:.0f} s:\n{self.tail()}")

    def drain(self, seconds: float = 180.0) -> None:
        """Wait until requests given up by the client are worked off: a cheap page answers fast."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                requests.get(self.base + "/login", timeout=seconds)
            except requests.RequestException:
                time.sleep(0.5)
            if time.perf_counter() - started < 0.2:
                return

    def tail(self) -> str:
        return Path(self.log.name).read_text(errors="replace")[-3000:]

    def stop(self) -> None:
        """TERM to gunicorn's master (it stops its workers), KILL to its group if it lingers."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)
        self.log.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def login(base: str, email: str, password: str) -> dict:
    """The session cookie of a login through the form (CSRF token from the form)."""
    session = requests.Session()
    form = session.get(base + "/login", timeout=TIMEOUT)
    token = CSRF.search(form.text)
    data = {"email": email, "password": password, "csrf_token": token.group(1) if token else ""}
    answer = session.post(base + "/login", data=data, timeout=TIMEOUT, allow_redirects=False)
    if answer.status_code != 302 or "/login" in answer.headers.get("Location", ""):
        raise RuntimeError(f"login as {email} failed: {answer.status_code}")
    return session.cookies.get_dict()


def prepare(url: str) -> tuple[pages.Targets, str]:
    """The page ids, and an API token of the pengurus's cooperative."""
    app = _data.bench_app(url)
    with app.app_context():
        targets = pages.Targets.find()
        coop = db.session.get(Cooperative, targets.own_cooperative)
        secret = issue("bench", coop, "load benchmark").secret
        db.session.remove()
        db.engine.dispose()
    return targets, secret


def warm(url: str, headers: dict, cookies: dict) -> None:
    """One request that may fill the caches, then one round for every worker."""
    answer = requests.get(url, headers=headers, cookies=cookies, timeout=600, allow_redirects=False)
    if answer.status_code != 200:
        raise RuntimeError(f"GET {url} answered {answer.status_code}: {answer.text[:300]}")
    send_all(url, 20, WORKERS * 2 / 20, headers, cookies)


def line(name: str, r: Result) -> str:
    errors = ", ".join(f"{k}×{v}" for k, v in sorted(r.errors.items())) or "0"
    verdict = "PASS" if r.passed else "FAIL"
    return (f"  {name:<18} {r.rate:>5.0f}/s  p50 {r.percentile(50):7.1f}  p95 "
            f"{r.percentile(95):7.1f}  p99 {r.percentile(99):7.1f} ms  errors {errors:<10} "
            f"achieved {r.achieved:6.1f}/s  send lag p95 {r.lag_p95_ms:5.1f} ms  {verdict}")  # fmt: skip


def capacity(server: Server, name: str, url: str, headers, cookies, seconds: float) -> str:
    last_passing = None
    for rate in CAPACITY_STEPS:
        result = send_all(url, rate, seconds, headers, cookies)
        print(line(name, result), flush=True)
        server.drain()
        if not result.passed:
            break
        last_passing = rate
    else:
        return f"≥ {CAPACITY_STEPS[-1]}/s (the highest step tried)"
    if last_passing is None:
        return f"< {CAPACITY_STEPS[0]}/s"
    return f"{last_passing}/s (p95 > {TARGET_P95_MS:.0f} ms or errors at {rate}/s)"


def run(args) -> int:
    chosen = [p for p in pages.PAGES if p.name in args.pages]
    server = None
    try:
        url = _data.postgres_copy(args.pg_url, "sikomo_bench", args.scale, args.db)
        targets, secret = prepare(url)
        counts = _data.counts(url)
        server = Server(url)
        server.wait_ready()
        who = {role: ({}, login(server.base, *account)) for role, account in
               pages.PASSWORDS.items()} | {None: ({}, {})}  # fmt: skip
        who[pages.TOKEN] = ({"Authorization": f"Bearer {secret}"}, {})
        print(f"gunicorn -w {WORKERS} on {server.base}, PostgreSQL {args.db} ({args.scale}: "
              f"{counts['koperasi']:,} koperasi, {counts['laporan']:,} laporan, "
              f"{counts['diajukan']:,} diajukan); target p95 ≤ {TARGET_P95_MS:.0f} ms, "
              f"0 errors at {args.rate:g}/s for {args.duration:g} s", flush=True)  # fmt: skip
        results, capacities = {}, {}
        for page in chosen:
            target_url = server.base + page.path.format(**vars(targets))
            headers, cookies = who[page.who]
            warm(target_url, headers, cookies)
            results[page.name] = send_all(target_url, args.rate, args.duration, headers, cookies)
            print(line(page.name, results[page.name]), flush=True)
            server.drain()
            if not args.skip_capacity:
                capacities[page.name] = capacity(server, page.name, target_url, headers, cookies,
                                                 args.step_duration)  # fmt: skip
                print(f"  {page.name:<18} capacity {capacities[page.name]}", flush=True)
        summary(results, capacities)
        return 0
    finally:
        if server is not None:
            server.stop()
        _data.drop_database(args.pg_url, args.db)


def summary(results: dict[str, Result], capacities: dict[str, str]) -> None:
    print("\nSummary:")
    for name, r in results.items():
        print(line(name, r) + (f"  capacity {capacities[name]}" if name in capacities else ""))
    passed = sum(r.passed for r in results.values())
    print(f"{passed} of {len(results)} pages meet p95 ≤ {TARGET_P95_MS:.0f} ms with 0 errors.")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=("demo", "large"), default="demo")
    parser.add_argument("--rate", type=float, default=50.0, help="requests per second")
    parser.add_argument("--duration", type=float, default=30.0, help="seconds per page")
    parser.add_argument("--step-duration", type=float, default=10.0, help="seconds per step")
    parser.add_argument("--skip-capacity", action="store_true")
    parser.add_argument("--pages", nargs="+", default=list(LOAD_PAGES),
                        choices=[p.name for p in pages.PAGES], metavar="PAGE",
                        help="pages (names of benchmarks/pages.py): " + ", ".join(LOAD_PAGES))  # fmt: skip
    parser.add_argument(
        "--pg-url",
        default=os.environ.get(
            "SIKOMO_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
        ),
        help="any database of the PostgreSQL server (for CREATE DATABASE)",
    )
    parser.add_argument("--db", default="sikomo_bench_load", help="the run's database")
    args = parser.parse_args()
    # A TERM (from a CI runner or `kill`) unwinds like Ctrl+C, through the cleanup in run().
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    return run(args)


if __name__ == "__main__":
    sys.exit(main())

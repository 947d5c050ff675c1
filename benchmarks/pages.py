"""Benchmark: server time of every main page, at demo scale and at a large district's scale.

    .venv/bin/python benchmarks/pages.py [--scale demo|large|both] [--repeat 20] [--only PAGE]
        [--warmup 2] [--budget 60] [--max-view 300]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/sikomo_bench]

What is measured: the time the Flask application takes to answer one GET (the test client, no
network, no server), logged in as the role that uses the page, on the demo data set and on a
generated district of 20,000 cooperatives, 100,000 reports (five tahun buku each) and 5,000
reports waiting for review (see benchmarks/_data.py). Each page is requested once cold (its
first view, which may fill caches: printed apart), `--warmup` more times untimed, then
`--repeat` times; the median and p95 (nearest rank) of those are printed, with their number n:
past `--budget` seconds on one page, one timed view is enough, and a view still running after
`--max-view` seconds is stopped (the page FAILs), so one very slow page cannot take the run hostage.
Target, per page: median ≤ 30 ms and p95 ≤ 100 ms (PASS/FAIL).

A page that answers anything but 200 is an error: it is reported and the run exits with
status 1 (a benchmark of an error page is worthless).

Databases: SQLite by default, generated once into /tmp/sikomo-bench (or $SIKOMO_BENCH_CACHE),
keyed by the generator version and the migrations, and copied for each run. With
`--database-url` (any database name, e.g. sikomo_bench) the data go to PostgreSQL: database
`<name>_<scale>` holds the generated data (rebuilt when stale) and each run works on a copy,
`<name>_<scale>_run`, dropped afterwards. Only databases marked by the benchmark are dropped.
Not part of the test suite (tests/test_benchmarks_smoke.py runs a tiny version).
"""

from __future__ import annotations

import argparse
import math
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import _data
from sqlalchemy import select
from sqlalchemy.engine import make_url

from sikomo.extensions import db
from sikomo.models import Assessment, AssessmentStatus, Cooperative, Report, ReportStatus, User
from sikomo.tokens.operations import issue

TARGET_MEDIAN_MS = 30.0
TARGET_P95_MS = 100.0
PASSWORDS = {
    "pengurus": ("pengurus@sikomo.test", "pengurus-demo-123"),
    "pengawas": ("pengawas@sikomo.test", "pengawas-demo-123"),
    "dinas": ("dinas@sikomo.test", "dinas-demo-123"),
    "admin": ("admin@sikomo.test", "admin-demo-123"),
}
TOKEN = "token"  # a cooperative's API token (Authorization: Bearer)


@dataclass(frozen=True)
class Page:
    name: str
    who: str | None  # a role of PASSWORDS, TOKEN, or None for a visitor
    path: str  # formatted with the ids of Targets


# Every page of the navigation (templates/base.html) and the pages a role works in.
PAGES = (
    Page("publik-cari", None, "/publik/"),
    Page("publik-cari-q", None, "/publik/?q=sejahtera"),
    Page("publik-koperasi", None, "/publik/koperasi/{nik}"),
    Page("publik-sertifikat", None, "/publik/koperasi/{nik}?sertifikat={certificate}"),
    Page("beranda", "dinas", "/"),
    Page("beranda-pengawas", "pengawas", "/"),  # the worklist
    Page("laporan-dasbor", "pengurus", "/laporan/"),
    Page("laporan-detail", "pengurus", "/laporan/{own_report}"),
    Page("koperasi-saya", "pengurus", "/koperasi/{own_cooperative}"),
    Page("antrean", "pengawas", "/penilaian/"),
    Page("antrean-semua", "pengawas", "/penilaian/?status=semua"),
    Page("antrean-hal-2", "pengawas", "/penilaian/?page=2"),
    Page("antrean-urut-skor", "pengawas", "/penilaian/?urut=skor"),
    Page("antrean-urut-nama", "pengawas", "/penilaian/?urut=-nama&page=3"),
    Page("antrean-urut-tunggu", "pengawas", "/penilaian/?urut=tunggu&status=semua"),
    Page("antrean-kedua", "pengawas", "/penilaian/?kedua=1"),
    Page("penilaian-laporan", "pengawas", "/penilaian/laporan/{pending_report}"),
    Page("sertifikat", "pengawas", "/penilaian/{assessment}/sertifikat"),
    Page("indikator", "dinas", "/indikator/"),
    Page("indikator-saring", "dinas", "/indikator/?kecamatan=1&jenis=ksp"),
    Page("calon-sanksi", "dinas", "/indikator/calon-sanksi"),
    Page("register-indikator", "dinas", "/koperasi/?indikator=tepat_waktu&tahun=2026"),
    Page("register", "dinas", "/koperasi/"),
    Page("register-koperasi", "dinas", "/koperasi/{cooperative}"),
    Page("impor-koperasi", "dinas", "/koperasi/impor"),
    Page("impor-laporan", "dinas", "/laporan/impor"),
    Page("token-api", "dinas", "/token/"),
    Page("pengaturan", "dinas", "/pengaturan/"),
    Page("profil", "pengawas", "/akun/profil"),
    Page("audit", "admin", "/audit"),
    Page("pengguna", "dinas", "/pengguna/"),
    Page("notifikasi", "pengawas", "/notifikasi/"),
    Page("api-koperasi", TOKEN, "/api/v1/koperasi"),
)


class PageError(RuntimeError):
    """A page answered something other than 200."""


@dataclass
class Timing:
    cold_ms: float
    samples_ms: list[float] = field(default_factory=list)

    @property
    def median_ms(self) -> float:
        return statistics.median(self.samples_ms)

    @property
    def p95_ms(self) -> float:
        ordered = sorted(self.samples_ms)
        return ordered[math.ceil(0.95 * len(ordered)) - 1]

    @property
    def passed(self) -> bool:
        return self.median_ms <= TARGET_MEDIAN_MS and self.p95_ms <= TARGET_P95_MS


class ViewTimeout(BaseException):
    """A view ran past --max-view (a BaseException, so the app's error handlers let it through)."""


def on_alarm(signum, frame):
    raise ViewTimeout


def timed_get(client, path: str, headers: dict | None = None, limit: float = 0) -> float:
    """Milliseconds for one GET answered 200 (the test client reads the whole body); a view
    still running after `limit` seconds (0: no limit) is interrupted with ViewTimeout."""
    started = time.perf_counter()
    if limit:
        signal.signal(signal.SIGALRM, on_alarm)
        signal.setitimer(signal.ITIMER_REAL, limit)
    try:
        response = client.get(path, headers=headers or {})
    finally:
        if limit:
            signal.setitimer(signal.ITIMER_REAL, 0)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        where = response.headers.get("Location", "")
        body = response.get_data(as_text=True)[:300].replace("\n", " ")
        raise PageError(f"GET {path} answered {response.status_code} {where} {body}")
    return elapsed


def measure(
    client,
    path: str,
    repeat: int = 20,
    warmup: int = 2,
    headers=None,
    budget: float = 60.0,
    max_view: float = 0,
) -> Timing:
    """The cold first view, then `repeat` timed views after `warmup` untimed ones; once `budget`
    seconds are spent on the page, no more warm-up, and no more views once one is timed."""
    started = time.perf_counter()
    timing = Timing(timed_get(client, path, headers, max_view))

    def spent() -> bool:
        return time.perf_counter() - started > budget

    for _ in range(warmup):
        if spent():
            break
        timed_get(client, path, headers, max_view)
    while len(timing.samples_ms) < repeat and not (spent() and timing.samples_ms):
        timing.samples_ms.append(timed_get(client, path, headers, max_view))
    return timing


@dataclass(frozen=True)
class Targets:
    """The ids the page paths need, found in the database."""

    nik: str
    certificate: str
    assessment: int
    cooperative: int
    own_cooperative: int
    own_report: int
    pending_report: int

    @classmethod
    def find(cls) -> Targets:
        latest = db.session.execute(
            select(Cooperative.nik, Assessment.certificate_number, Assessment.id, Cooperative.id)
            .join(Assessment.report)
            .join(Report.cooperative)
            .where(Assessment.status == AssessmentStatus.APPROVED, Cooperative.nik.is_not(None))
            .order_by(Assessment.id.desc())
            .limit(1)
        ).one()
        own = db.session.scalar(select(User.cooperative_id).where(User.email == PASSWORDS[
            "pengurus"][0]))  # fmt: skip
        own_report = db.session.scalar(
            select(Report.id).where(Report.cooperative_id == own).order_by(Report.id.desc())
        )
        pending = db.session.scalar(
            select(Report.id)
            .join(Report.cooperative)
            .where(Report.status == ReportStatus.DIAJUKAN, Cooperative.simpan_pinjam.is_(True))
            .order_by(Report.id)
        )
        return cls(*latest, own, own_report, pending)


def clients(app) -> dict[str | None, tuple[object, dict]]:
    """A logged-in test client per role (through the login form), a visitor's, a token's."""
    found: dict[str | None, tuple[object, dict]] = {None: (app.test_client(), {})}
    for role, (email, password) in PASSWORDS.items():
        client = app.test_client()
        response = client.post("/login", data={"email": email, "password": password})
        if response.status_code != 302 or "/login" in response.headers.get("Location", ""):
            raise PageError(f"login as {email} failed ({response.status_code})")
        found[role] = (client, {})
    with app.app_context():
        coop = db.session.get(Cooperative, Targets.find().own_cooperative)
        secret = issue("bench", coop, "benchmark").secret
    found[TOKEN] = (app.test_client(), {"Authorization": f"Bearer {secret}"})
    return found


def run_scale(url: str, pages, args, report: Callable) -> list[str]:
    """Measure `pages` on the database at `url`; return the error messages."""
    app = _data.bench_app(url)
    with app.app_context():
        targets = Targets.find()
        db.session.remove()
    by_who = clients(app)
    errors = []
    for page in pages:
        path = page.path.format(**vars(targets))
        client, headers = by_who[page.who]
        try:
            timing = measure(client, path, args.repeat, args.warmup, headers, args.budget,
                             args.max_view)  # fmt: skip
        except PageError as exc:
            errors.append(f"{page.name}: {exc}")
            print(f"  {page.name:<20} ERROR {exc}", flush=True)
        except ViewTimeout:
            report(page, path, None)
        else:
            report(page, path, timing)
    with app.app_context():
        db.engine.dispose()
    return errors


def print_row(page: Page, path: str, t: Timing | None, max_view: float) -> None:
    if t is None:
        print(f"  {page.name:<20} {page.who or '-':<9} a view ran past {max_view:.0f} s, stopped"
              f"  FAIL  {path}", flush=True)  # fmt: skip
        return
    verdict = "PASS" if t.passed else "FAIL"
    print(f"  {page.name:<20} {page.who or '-':<9} {t.cold_ms:9.1f} {t.median_ms:9.1f} "
          f"{t.p95_ms:9.1f} {len(t.samples_ms):>3}  {verdict}  {path}", flush=True)  # fmt: skip


def header(scale: str, where: str, url: str) -> None:
    c = _data.counts(url)
    print(f"\n== {scale}: {c['koperasi']:,} koperasi, {c['laporan']:,} laporan "
          f"({c['diajukan']:,} diajukan), {c['penilaian']:,} penilaian — {where}")  # fmt: skip
    print(f"  {'page':<20} {'as':<9} {'cold ms':>9} {'median':>9} {'p95':>9} {'n':>3}  "
          f"target: median ≤ {TARGET_MEDIAN_MS:.0f} ms, p95 ≤ {TARGET_P95_MS:.0f} ms")  # fmt: skip


def run(args, pages) -> tuple[int, int, list[str]]:
    """(pages passing, pages measured, errors) over the chosen scales."""
    passed = measured = 0
    errors: list[str] = []

    def report(page, path, timing):
        nonlocal passed, measured
        measured += 1
        passed += timing is not None and timing.passed
        print_row(page, path, timing, args.max_view)

    for scale in ("demo", "large") if args.scale == "both" else (args.scale,):
        if args.database_url:
            base = make_url(args.database_url).database or "sikomo_bench"
            run_db = f"{base}_{scale}_run"
            url = _data.postgres_copy(args.database_url, base, scale, run_db)
            try:
                header(scale, f"PostgreSQL {run_db}", url)
                errors += run_scale(url, pages, args, report)
            finally:
                _data.drop_database(args.database_url, run_db)
        else:
            with tempfile.TemporaryDirectory(prefix="sikomo-pages-") as tmp:
                url = _data.sqlite_copy(scale, Path(tmp))
                header(scale, f"SQLite copy of {_data.sqlite_cached(scale)}", url)
                errors += run_scale(url, pages, args, report)
    return passed, measured, errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=("demo", "large", "both"), default="both")
    parser.add_argument("--repeat", type=int, default=20, help="timed views per page")
    parser.add_argument("--warmup", type=int, default=2, help="untimed views after the cold one")
    parser.add_argument(
        "--budget",
        type=float,
        default=60.0,
        help="seconds per page after which one timed view is enough",
    )
    parser.add_argument(
        "--max-view",
        type=float,
        default=300.0,
        help="seconds after which a view is stopped and its page fails",
    )
    parser.add_argument("--only", action="append", metavar="PAGE",
                        help="measure only this page (repeatable): " +
                        ", ".join(p.name for p in PAGES))  # fmt: skip
    parser.add_argument("--database-url", help="PostgreSQL URL; its database name is the prefix")
    args = parser.parse_args()
    # A TERM unwinds like Ctrl+C, so the copied database is removed.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    pages = [p for p in PAGES if not args.only or p.name in args.only]
    unknown = set(args.only or ()) - {p.name for p in PAGES}
    if unknown or not pages:
        parser.error(f"unknown page {', '.join(sorted(unknown))}")
    passed, measured, errors = run(args, pages)
    print(f"\n{passed} of {measured} page measurements meet the target "
          f"(median ≤ {TARGET_MEDIAN_MS:.0f} ms, p95 ≤ {TARGET_P95_MS:.0f} ms).")  # fmt: skip
    if errors:
        print(f"{len(errors)} page(s) did not answer 200:", *errors, sep="\n  ", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

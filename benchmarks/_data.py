"""Benchmark databases: the demo data set, or a large district written with Core bulk inserts.

Both are built in a fresh database by the migrations (`flask db upgrade`), never create_all.
The large district reuses the demo's kecamatan, its cooperative plans and balanced financial
statements (sikomo/demo), gives every cooperative `years` tahun buku of full reports (figures,
prior-year twins, a full questionnaire for KSP/USP), leaves `pending` reports of the last tahun
buku diajukan, and approves the rest as the engine rates them. An assessment's `result` is the
engine's own JSON (scoring.assess through sikomo.assessments) for a sample of reports; every
other approved report reuses the sample result with the same predikat and the nearest total
that scoring.assess_frame gives for its own figures, so predikat and score follow the data.
Then the derived data: `counted_latest` and the indicator facts (facts.rebuild).

SQLite files are cached under $SIKOMO_BENCH_CACHE (default /tmp/sikomo-bench), keyed by the
generator version, the size and the migrations, and copied before each run so a run's writes
(caches filled by first views, logins) never reach the cache. PostgreSQL databases are marked
with a COMMENT; only databases carrying that mark are ever dropped.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import os
import random
import shutil
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path

import pandas as pd
from flask_migrate import upgrade
from sqlalchemy import create_engine, func, insert, select, text
from sqlalchemy.engine import make_url

import scoring
from scoring.schema import KUESIONER, fields
from sikomo import MIGRATIONS_DIR, create_app
from sikomo.assessments import new_assessment, run_engine, scoring_jenis
from sikomo.demo import seed
from sikomo.demo.finance import with_lalu, year_figures
from sikomo.extensions import db
from sikomo.indicators.facts import rebuild
from sikomo.indicators.operations import load_definitions, load_demo_targets
from sikomo.models import (
    REPORT_FIGURE_COLUMNS,
    Assessment,
    AssessmentStatus,
    AuditEvent,
    Cooperative,
    Jenis,
    Region,
    Report,
    ReportStatus,
    User,
    parse_date,
    parse_int,
    refresh_counted_latest,
)
from sikomo.regions import load_regions
from sikomo.review.queue import refresh_queued

GENERATOR_VERSION = 3  # bump when the generated data changes: the cache key includes it
CACHE_DIR = Path(os.environ.get("SIKOMO_BENCH_CACHE", "/tmp/sikomo-bench"))
MARK = "sikomo-bench"  # COMMENT ON DATABASE of every PostgreSQL database made here
BATCH = 2_000  # cooperatives per generated batch (about 10,000 reports)
ACTOR = "bench-data"


@dataclass(frozen=True)
class Size:
    cooperatives: int
    pending: int
    years: int = 5
    last_year: int = 2025
    seed: int = 2026
    sample: int = 300  # reports scored one by one by the engine; their results are reused


LARGE = Size(cooperatives=20_000, pending=5_000)
SIZES: dict[str, Size | None] = {"demo": None, "large": LARGE}


class Raw(str):
    """A JSON document serialised once, written as it is (54 KB results, reused thousands of times)."""


def serialise(value) -> str:
    return value if isinstance(value, Raw) else json.dumps(value)


def bench_config(url: str) -> dict:
    return {
        "SQLALCHEMY_DATABASE_URI": url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "json_serializer": serialise},
        "SECRET_KEY": "bench",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
    }


def bench_app(url: str):
    return create_app(bench_config(url))


def build(url: str, size: Size | None) -> None:
    """Migrate a fresh, empty database at `url` and fill it: the demo (None) or `size`."""
    app = bench_app(url)
    with app.app_context():
        upgrade(directory=MIGRATIONS_DIR)
        if size is None:
            seed.seed_demo()
        else:
            generate(size)
        store_engine_results()
        db.session.remove()
        with db.engine.connect() as conn:  # outside a transaction: VACUUM cannot run in one
            conn.execution_options(isolation_level="AUTOCOMMIT")
            conn.execute(text("VACUUM ANALYZE" if conn.dialect.name == "postgresql" else "ANALYZE"))
            if conn.dialect.name == "sqlite":  # the file alone is copied: no WAL left beside it
                conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        db.engine.dispose()


def store_engine_results() -> None:
    """What `flask --app sikomo refresh-scores` does after an import: the queue's stored rows."""
    started = time.perf_counter()
    written = refresh_queued()
    print(f"stored engine results of {written:,} reports in {time.perf_counter() - started:.1f} s")


# --- the large district ------------------------------------------------------------------------


def generate(size: Size) -> None:
    rng = random.Random(size.seed)
    started = time.perf_counter()
    load_regions(ACTOR)
    load_definitions(ACTOR)
    load_demo_targets(ACTOR)
    plans = cooperative_plans(rng, size)
    insert_rows(Cooperative.__table__, [cooperative_row(i + 1, p) for i, p in enumerate(plans)])
    seed.ensure_users()
    pengawas = db.session.scalar(select(User.id).where(User.email == "pengawas@sikomo.test"))
    last = last_year_statuses(rng, size)
    writer = Writer(pengawas, size.sample)
    for start in range(0, len(plans), BATCH):
        reports = []
        for number, p in enumerate(plans[start : start + BATCH], start + 1):
            reports += report_rows(number, p, size, last.get(number, ReportStatus.DISETUJUI))
        writer.write(reports)
    print(f"  {len(plans):,} cooperatives, {writer.reports:,} reports, "
          f"{writer.assessments:,} assessments written in {time.perf_counter() - started:.0f} s",
          flush=True)  # fmt: skip
    finish()
    print(f"  derived data done at {time.perf_counter() - started:.0f} s", flush=True)


def cooperative_plans(rng: random.Random, size: Size) -> list[dict]:
    """The demo's plans, scaled; KDKMP are left out (founded in 2025, they have no history)."""
    regions = list(db.session.scalars(select(Region).order_by(Region.kecamatan)))
    weights = [seed.KECAMATAN_WEIGHT.get(r.kecamatan, 1) for r in regions]
    spread = [s for s in seed.JENIS_SPREAD if s[0] != Jenis.KDKMP]
    scale = size.cooperatives / sum(count for _, count, _ in spread)
    counts = [round(count * scale) for _, count, _ in spread]
    counts[0] += size.cooperatives - sum(counts)
    first_year = size.last_year - size.years + 1
    plans = []
    for (jenis, count, with_sp), n in zip(spread, counts, strict=True):
        for i in range(n):
            region = rng.choices(regions, weights)[0]
            p = seed.plan(rng, len(plans) + 1, jenis, i < round(with_sp * n / count), region)
            founded = p["tanggal_badan_hukum"]
            if founded.year >= first_year:  # every cooperative has all the years
                p["tanggal_badan_hukum"] = date(first_year - 2, founded.month, min(founded.day, 28))
            plans.append(p)
    return plans


def cooperative_row(number: int, p: dict) -> dict:
    names = ("nik", "nama", "jenis", "simpan_pinjam", "region_id", "desa", "alamat",
             "nomor_badan_hukum", "tanggal_badan_hukum", "tanggal_binaan")  # fmt: skip
    return {"id": number, **{k: p[k] for k in names}, "jumlah_anggota": p["anggota"]}


def last_year_statuses(rng: random.Random, size: Size) -> dict[int, ReportStatus]:
    """Status of each cooperative's last-year report that is not disetujui."""
    numbers = rng.sample(range(1, size.cooperatives + 1), size.cooperatives)
    draf, returned = size.cooperatives * 3 // 100, size.cooperatives // 100
    statuses = {n: ReportStatus.DIAJUKAN for n in numbers[: size.pending]}
    statuses |= {n: ReportStatus.DRAF for n in numbers[size.pending : size.pending + draf]}
    tail = numbers[size.pending + draf : size.pending + draf + returned]
    return statuses | {n: ReportStatus.DIKEMBALIKAN for n in tail}


def report_rows(number: int, p: dict, size: Size, last_status: ReportStatus) -> list[dict]:
    """The cooperative's reports, as seed.report_series makes them, for `size.years` years."""
    rng = random.Random(p["rng_state"])
    aset, anggota, sp = p["total_aset"], p["anggota"], p["simpan_pinjam"]
    previous = year_figures(rng, int(aset / rng.uniform(0.9, 1.2)), anggota, sp)
    rows = []
    for tahun in range(size.last_year - size.years + 1, size.last_year + 1):
        aset = int(aset * rng.uniform(0.9, 1.25))
        anggota = max(10, int(anggota * rng.uniform(0.95, 1.1)))
        current = year_figures(rng, aset, anggota, sp)
        data = seed.identity(rng, p, tahun) | with_lalu(current, previous)
        if sp:
            data[KUESIONER] = seed.answers(rng, p["rng_state"])
        status = last_status if tahun == size.last_year else ReportStatus.DISETUJUI
        rows.append(report_row(rng, number, p, tahun, data, status))
        previous = current
    return rows


def report_row(rng, number: int, p: dict, tahun: int, data: dict, status: ReportStatus) -> dict:
    held = parse_date(data.get("tanggal_rat")) or date(tahun + 1, 6, 30)
    created = datetime.combine(held, clock(9), UTC) + timedelta(days=rng.randint(1, 20))
    submitted = created + timedelta(days=rng.randint(1, 30), minutes=rng.randint(0, 600))
    approved = submitted + timedelta(days=rng.randint(3, 60))
    row = {
        "cooperative_id": number, "tahun_buku": tahun, "version": 1, "version_id": 1,
        "status": status, "imported": False, "data": data, "created_at": created,
        "updated_at": approved if status == ReportStatus.DISETUJUI else submitted,
        "submitted_at": None if status == ReportStatus.DRAF else submitted,
        "approved_at": approved if status == ReportStatus.DISETUJUI else None,
        "tanggal_rat": parse_date(data.get("tanggal_rat")), "counted_latest": False,
        "review_note": "Lengkapi notulen RAT." if status == ReportStatus.DIKEMBALIKAN else None,
        "_scored": status == ReportStatus.DISETUJUI and p["simpan_pinjam"], "_jenis": p["jenis"],
    }  # fmt: skip
    return row | {k: parse_int(data.get(k)) for k in REPORT_FIGURE_COLUMNS}


class Writer:
    """Write report batches with their approved assessments and audit events."""

    def __init__(self, pengawas_id: int, sample: int):
        self.pengawas_id, self.sample = pengawas_id, sample
        self.templates: dict[str | None, list[tuple[float, dict]]] = {}
        self.reports = self.assessments = self.events = 0

    def write(self, rows: list[dict]) -> None:
        for row in rows:
            self.reports += 1
            row["id"] = self.reports
        scored = [r for r in rows if r.pop("_scored")]
        jenis = {r["id"]: r.pop("_jenis") for r in rows}
        insert_rows(Report.__table__, rows)
        if not self.templates:
            self.templates = sample_results(scored, jenis, self.sample)
        totals = frame_totals(scored, jenis)
        assessments = [self.assessment(r, total, predikat) for r, (total, predikat) in
                       zip(scored, totals, strict=True)]  # fmt: skip
        insert_rows(Assessment.__table__, assessments)
        insert_rows(AuditEvent.__table__, [self.event(r) for r in rows if r["submitted_at"]])

    def assessment(self, report: dict, total: float | None, predikat: str | None) -> dict:
        candidates = self.templates.get(predikat) or next(iter(self.templates.values()))
        at = bisect.bisect_left(candidates, total or 0.0, key=lambda c: c[0])
        template = candidates[min(at, len(candidates) - 1)][1]
        self.assessments += 1
        decided = report["approved_at"]
        return template | {
            "id": self.assessments,
            "report_id": report["id"],
            "decided_by_id": self.pengawas_id,
            "decided_at": decided,
            "created_at": decided,
            "certificate_number": f"SKK/{decided.year}/{self.assessments:05d}",
        }

    def event(self, report: dict) -> dict:
        self.events += 1
        after = {"status": report["status"].value, "tahun_buku": report["tahun_buku"]}
        return {"actor_id": None, "actor_label": "pengurus", "action": "report.submit",
                "object_type": "report", "object_id": str(report["id"]), "before": None,
                "after": after, "created_at": report["submitted_at"]}  # fmt: skip


def transient_report(row: dict, jenis: Jenis) -> Report:
    """An unsaved Report with its Cooperative, so the app's own engine input is used."""
    coop = Cooperative(jenis=jenis, simpan_pinjam=True)
    return Report(
        cooperative_id=row["cooperative_id"], tahun_buku=row["tahun_buku"], data=row["data"],
        cooperative=coop,
    )  # fmt: skip


def sample_results(scored: list[dict], jenis: dict[int, Jenis], sample: int) -> dict:
    """{predikat: [(total, assessment columns)] sorted by total} from engine runs on a sample."""
    templates: dict[str | None, list[tuple[float, dict]]] = {}
    for row in random.Random(1).sample(scored, min(sample, len(scored))):
        report = transient_report(row, jenis[row["id"]])
        result = run_engine(report, previous=None)  # the prior-year twins are in the data
        made = new_assessment(report, result, AssessmentStatus.APPROVED)
        columns = {c.name: getattr(made, c.name) for c in Assessment.__table__.columns}
        columns["result"] = Raw(json.dumps(columns["result"]))
        templates.setdefault(result.predikat, []).append((result.total or 0.0, columns))
    return {k: sorted(v, key=lambda c: c[0]) for k, v in templates.items()}


def frame_totals(scored: list[dict], jenis: dict[int, Jenis]) -> list[tuple[float | None, str]]:
    """(total, predikat) of each report by the batch engine, on the same inputs as run_engine."""
    if not scored:
        return []
    known = fields()
    frame_rows = []
    for row in scored:
        data = row["data"]
        values = {k: v for k, v in data.items() if k in known and v is not None}
        values |= {f"{KUESIONER}.{c}": v for c, v in data.get(KUESIONER, {}).items()}
        coop = Cooperative(jenis=jenis[row["id"]], simpan_pinjam=True)
        values |= {"tahun_buku": row["tahun_buku"], "jenis": scoring_jenis(coop)}
        frame_rows.append(values)
    out = scoring.assess_frame(pd.DataFrame(frame_rows))
    totals = out["total"].astype(float).where(out["total"].notna(), None)
    return list(
        zip(totals.tolist(), out["predikat"].where(out["predikat"].notna(), None), strict=True)
    )


def insert_rows(table, rows: list[dict]) -> None:
    """executemany of dicts through Core, in chunks (no ORM, so no flush listeners)."""
    for start in range(0, len(rows), 1_000):
        db.session.execute(insert(table), rows[start : start + 1_000])
    db.session.commit()


def finish() -> None:
    """What the ORM's listeners do for single rows: flags, facts; sequences past explicit ids."""
    conn = db.session.connection()
    refresh_counted_latest(conn)
    rebuild(conn)
    if conn.dialect.name == "postgresql":
        for table in ("cooperative", "report", "assessment"):
            conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                              f"(SELECT max(id) FROM {table}))"))  # fmt: skip
    db.session.commit()


# --- caching and databases ---------------------------------------------------------------------


def fingerprint(scale: str) -> str:
    """Changes with the generator, the size, the migrations and the demo data's code."""
    digest = hashlib.sha256(f"{GENERATOR_VERSION} {scale} {SIZES[scale]}".encode())
    sources = sorted(Path(MIGRATIONS_DIR, "versions").glob("*.py"))
    sources += sorted(Path(seed.__file__).parent.glob("*.py"))
    for path in sources:
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:12]


def sqlite_cached(scale: str) -> Path:
    """The cached SQLite file of `scale`, generated when missing."""
    path = CACHE_DIR / f"{scale}-{fingerprint(scale)}.db"
    if not path.exists():
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        building = path.with_suffix(f".building-{os.getpid()}")
        building.unlink(missing_ok=True)
        print(f"Generating {scale} into {path} ...", flush=True)
        started = time.perf_counter()
        try:
            build(f"sqlite:///{building}", SIZES[scale])
            building.rename(path)
        finally:
            building.unlink(missing_ok=True)
        for stale in CACHE_DIR.glob(f"{scale}-*.db"):  # older versions: up to 5 GB each
            if stale != path:
                stale.unlink()
        print(f"  generated in {time.perf_counter() - started:.0f} s", flush=True)
    return path


def sqlite_copy(scale: str, directory: Path) -> str:
    """A URL of a private copy of the cached file of `scale` inside `directory`."""
    target = directory / f"{scale}.db"
    shutil.copyfile(sqlite_cached(scale), target)
    return f"sqlite:///{target}"


def admin_engine(server_url: str):
    return create_engine(
        make_url(server_url).set(database="postgres"), isolation_level="AUTOCOMMIT"
    )


def comment_of(conn, name: str) -> str | None:
    """The database's comment ('' when it has none), None when it does not exist."""
    query = text("SELECT coalesce(shobj_description(oid, 'pg_database'), '') FROM pg_database "
                 "WHERE datname = :n")  # fmt: skip
    return conn.scalar(query, {"n": name})


def drop_database(server_url: str, name: str) -> None:
    """Drop `name` if it exists and carries this benchmark's mark; refuse any other database."""
    engine = admin_engine(server_url)
    with engine.connect() as conn:
        comment = comment_of(conn, name)
        if comment is not None and not comment.startswith(MARK):
            raise SystemExit(f"Refusing to drop database {name!r}: not made by the benchmarks.")
        if comment is not None:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    engine.dispose()


def create_database(server_url: str, name: str, mark: str, template: str | None = None) -> str:
    drop_database(server_url, name)
    engine = admin_engine(server_url)
    with engine.connect() as conn:
        copy = f' TEMPLATE "{template}"' if template else ""
        conn.execute(text(f'CREATE DATABASE "{name}"{copy}'))
        conn.execute(text(f"COMMENT ON DATABASE \"{name}\" IS '{mark}'"))
    engine.dispose()
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def postgres_copy(server_url: str, base: str, scale: str, run_name: str) -> str:
    """A fresh database `run_name` copied from the cached `<base>_<scale>` (built if stale)."""
    cached, mark = f"{base}_{scale}", f"{MARK} {fingerprint(scale)}"
    engine = admin_engine(server_url)
    with engine.connect() as conn:
        current = comment_of(conn, cached)
    engine.dispose()
    if current != mark:
        print(f"Generating {scale} into PostgreSQL database {cached} ...", flush=True)
        started = time.perf_counter()
        url = create_database(server_url, cached, f"{MARK} building")
        build(url, SIZES[scale])
        engine = admin_engine(server_url)
        with engine.connect() as conn:
            conn.execute(text(f"COMMENT ON DATABASE \"{cached}\" IS '{mark}'"))
        engine.dispose()
        print(f"  generated in {time.perf_counter() - started:.0f} s", flush=True)
    return create_database(server_url, run_name, f"{MARK} run", template=cached)


def counts(url: str) -> dict[str, int]:
    """Rows of the main tables (printed beside the timings)."""
    engine = create_engine(url)
    with engine.connect() as conn:
        found = {
            "koperasi": conn.scalar(select(func.count()).select_from(Cooperative.__table__)),
            "laporan": conn.scalar(select(func.count()).select_from(Report.__table__)),
            "diajukan": conn.scalar(
                select(func.count()).where(Report.__table__.c.status == "diajukan")
            ),
            "penilaian": conn.scalar(select(func.count()).select_from(Assessment.__table__)),
        }
    engine.dispose()
    return found

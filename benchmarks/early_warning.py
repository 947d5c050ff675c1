"""Benchmark: peer percentiles and every early-warning rule of one tahun buku, SQLite and PostgreSQL.

    .venv/bin/python benchmarks/early_warning.py [--scale 200000] [--years 5] [--repeat 3]
        [--skip-sqlite] [--skip-pg] [--pg-db sikomo_bench_early_warning] [--reuse]

Builds N cooperatives in 18 kecamatan with `--years` tahun buku of full reports up to 2025: the
demo's balanced statements (sikomo/demo/finance.py: neraca, hasil usaha, prior-year twins), a
full questionnaire for KSP/USP as a real report carries, so each `data` document is as large
as in production (about 2–4 KB); RATs held in the next year (one in eight missing), submitted
within 20–60 days, an approved assessment with a random predikat for every KSP/USP report. Then
times, on each database, `year_warnings(2025)` (its narrow reads and every rule) and the peer
table (`peers_of`) together: the first (cold) run and the median of `--repeat` more, with the
load (SQL and JSON) and the computation apart. Target: ≤ 2 s. `--scale 20000` is a quick run.

SQLite goes to a temporary file (or `--sqlite PATH`); PostgreSQL to `--pg-db` on the server of
`--pg-url`, dropped and re-created unless `--reuse` finds it loaded with the same register.
Loading uses multi-row inserts on SQLite and COPY on PostgreSQL (indicators.py), then ANALYZE.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta

from indicators import copy_batch, fill_defaults, loaded, postgres_url
from sqlalchemy import insert, text

from scoring.schema import KUESIONER
from sikomo import create_app
from sikomo.demo.finance import with_lalu, year_figures
from sikomo.extensions import db
from sikomo.models import (
    Assessment,
    Cooperative,
    Jenis,
    Region,
    Report,
    refresh_counted_latest,
)
from sikomo.supervision import figures as vectors
from sikomo.supervision import frame
from sikomo.supervision import operations as ops
from sikomo.supervision.config import config

YEAR = 2025  # the tahun buku timed
BATCH = 20_000  # report rows per insert batch
TEMPLATES = 400  # figure histories generated, then scaled per cooperative
JENIS = [j.value for j in Jenis if j != Jenis.KDKMP]


def questionnaire() -> dict[str, bool]:
    import scoring

    ruleset = scoring.builtin_rulesets()["permenkop_9_2020"]
    return {i.code: True for ind in ruleset.indicators if ind.enabled for i in ind.items}


def histories(rng: random.Random, years: int) -> list[list[dict]]:
    """TEMPLATES figure histories of `years` tahun buku each, with their prior-year twins."""
    out = []
    for n in range(TEMPLATES):
        lends = n % 2 == 0
        aset = rng.choice((3 * 10**8, 3 * 10**9, 3 * 10**10, 3 * 10**11))
        previous = year_figures(rng, aset, 100, lends)
        series = []
        for _ in range(years):
            aset = int(aset * rng.uniform(0.9, 1.2))
            current = year_figures(rng, aset, 100, lends)
            series.append(with_lalu(current, previous))
            previous = current
        out.append(series)
    return out


def scaled(figures: dict, factor: int) -> dict:
    return {k: v * factor if isinstance(v, int) and k != "jumlah_anggota" else v
            for k, v in figures.items()}  # fmt: skip


def rows(n: int, years: int, seed: int = 2026):
    """(table, rows) batches: regions, then cooperatives with their reports and assessments."""
    rng = random.Random(seed)
    yield Region.__table__, [{"id": i + 1, "kabupaten": "Kabupaten Bench",
                              "kecamatan": f"Kecamatan {i + 1:02d}", "desa": []} for i in range(18)]  # fmt: skip
    templates, answers = histories(rng, years), questionnaire()
    names, layout = vectors.keys(config()), vectors.layout(config())
    report_id = assessment_id = 0
    coops, reports, assessments = [], [], []
    for cid in range(1, n + 1):
        jenis = rng.choice(JENIS)
        sp = jenis in ("ksp", "usp")
        coops.append({"id": cid, "nama": f"Koperasi {cid}", "region_id": rng.randint(1, 18),
                      "jenis": jenis, "simpan_pinjam": sp, "tanggal_badan_hukum": date(2005, 1, 1)})  # fmt: skip
        history, factor = rng.choice(templates), rng.choice((1, 1, 2, 3))
        for offset, figures in enumerate(history):
            tb = YEAR - years + 1 + offset
            held = (
                None
                if rng.random() < 0.12
                else date(tb + 1, 1, 10) + timedelta(rng.randint(0, 150))
            )
            data = {"tahun_buku": tb, **scaled(figures, factor)}
            if held:
                data["tanggal_rat"] = held.isoformat()
            if sp:
                data[KUESIONER] = answers
            report_id += 1
            submitted = datetime.combine(held or date(tb + 1, 6, 1), datetime.min.time(), UTC)
            reports.append({"id": report_id, "cooperative_id": cid, "tahun_buku": tb, "version": 1,
                            "version_id": 1, "status": "disetujui", "imported": False, "data": data,
                            "tanggal_rat": held, "submitted_at": submitted + timedelta(rng.randint(20, 60)),
                            **{k: data.get(k) for k in ("volume_usaha", "volume_usaha_lalu",
                                                        "total_aset", "total_aset_lalu")},
                            # as the app writes them with the report (supervision/figures.py)
                            "figures_layout": layout,
                            "figures": vectors.pack([data.get(k) for k in names])})  # fmt: skip
            if sp:
                assessment_id += 1
                assessments.append({"id": assessment_id, "report_id": report_id,
                                    "method": "permenkop_9_2020", "ruleset_id": "b",
                                    "ruleset_version": "1", "ruleset_hash": "b", "result": {},
                                    "status": "approved", "predikat": rng.choice(
                                        ("sehat", "cukup_sehat", "dalam_pengawasan"))})  # fmt: skip
        if len(reports) >= BATCH:
            yield Cooperative.__table__, coops
            yield Report.__table__, reports
            yield Assessment.__table__, assessments
            coops, reports, assessments = [], [], []
    yield Cooperative.__table__, coops
    yield Report.__table__, reports
    yield Assessment.__table__, assessments


def build(url: str, n: int, years: int, reuse: bool):
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    if reuse and loaded(app, n):
        print("  reusing the loaded database")
        return app
    with app.app_context():
        db.drop_all()
        db.create_all()
        started, count = time.perf_counter(), 0
        postgres = db.engine.dialect.name == "postgresql"
        with db.engine.begin() as conn:
            for table, batch in rows(n, years):
                if not batch:
                    continue
                if postgres:
                    fill_defaults(table, batch)
                    copy_batch(conn, table, batch)
                else:
                    conn.execute(insert(table), batch)
                count += len(batch)
            refresh_counted_latest(conn)
        with db.engine.connect() as conn:  # VACUUM cannot run inside a transaction
            conn.execution_options(isolation_level="AUTOCOMMIT")
            conn.execute(text("VACUUM ANALYZE" if postgres else "ANALYZE"))
        print(f"  {count:,} rows loaded in {time.perf_counter() - started:.0f} s")
    return app


def one_run() -> dict[str, float]:
    """Seconds of the load (the register, the counted reports, the year's versions) and of
    every rule and percentile."""
    cfg = config()
    started = time.perf_counter()
    register = frame.register()
    counted = frame.counted(cfg, YEAR, YEAR - ops.HISTORY)
    versions = frame.versions(YEAR)
    loaded_at = time.perf_counter()
    data = ops.year_data(cfg, YEAR, register, counted, versions)
    warnings = ops.Warnings(data, ops.evaluate(data))
    peers = ops.peers_of(warnings)
    done = time.perf_counter()
    one_run.last = (warnings, peers, len(counted.cooperative_id) + len(versions))
    return {"load": loaded_at - started, "compute": done - loaded_at, "total": done - started}


def measure(app, repeat: int) -> list[dict[str, float]]:
    with app.app_context():
        db.engine.dispose()
        runs = []
        for _ in range(repeat + 1):
            db.session.expire_all()
            runs.append(one_run())
            db.session.rollback()
        warnings, peers, report_rows = one_run.last
        counts = warnings.flags.groupby("aturan").size().to_dict()
        ranked = int(peers["persentil"].notna().sum())
        print(f"  {report_rows:,} report rows read; {len(warnings.flags):,} flags "
              f"({', '.join(f'{k} {v:,}' for k, v in sorted(counts.items()))}); "
              f"{len(peers):,} peer values, {ranked:,} with a percentile")  # fmt: skip
        print("  runs (load + compute): " + ", ".join(
            f"{r['load']:.2f} + {r['compute']:.2f}" for r in runs) + " s")  # fmt: skip
        db.engine.dispose()
    return runs


def summary(name: str, runs: list[dict[str, float]], repeat: int) -> None:
    first = runs[0]
    median = {k: statistics.median(r[k] for r in runs[1:]) for k in first} if repeat else first
    verdict = "OK" if max(first["total"], median["total"]) <= 2.0 else "OVER 2 s"
    print(f"{name:<10} tahun buku {YEAR}: first {first['total']:.2f} s (load {first['load']:.2f}, "
          f"compute {first['compute']:.2f}); median of {repeat} {median['total']:.2f} s "
          f"(load {median['load']:.2f}, compute {median['compute']:.2f})  {verdict}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=200_000, help="number of cooperatives")
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs after the first")
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--skip-pg", action="store_true")
    parser.add_argument("--sqlite", metavar="PATH", help="SQLite file (default: a temporary one)")
    parser.add_argument("--pg-url", default=os.environ.get(
        "SIKOMO_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"))  # fmt: skip
    parser.add_argument("--pg-db", default=os.environ.get("SIKOMO_BENCH_PG_DB",
                                                          "sikomo_bench_early_warning"))  # fmt: skip
    parser.add_argument("--reuse", action="store_true", help="keep a database already loaded")
    args = parser.parse_args()
    size = f"{args.scale:,} cooperatives × {args.years} years"
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        if not args.skip_sqlite:
            path = args.sqlite or f"{tmp}/early-warning.db"
            print(f"SQLite ({path}): {size}", flush=True)
            app = build(f"sqlite:///{path}", args.scale, args.years, args.reuse)
            results["SQLite"] = measure(app, args.repeat)
    if not args.skip_pg:
        print(f"PostgreSQL ({args.pg_db}): {size}", flush=True)
        app = build(postgres_url(args.pg_url, args.pg_db, args.reuse), args.scale, args.years,
                    args.reuse)  # fmt: skip
        results["PostgreSQL"] = measure(app, args.repeat)
    for name, runs in results.items():
        summary(name, runs, args.repeat)


if __name__ == "__main__":
    main()

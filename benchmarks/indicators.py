"""Benchmark: all Dinas indicators of one year with the kecamatan breakdown, on SQLite and PostgreSQL.

    python benchmarks/indicators.py [--cooperatives 200000] [--years 5] [--skip-pg]

Builds N cooperatives in 18 kecamatan with reports for tahun buku 2021..2025 (RATs held in the
following year, about one in eight missing, one in fifty with a corrected second version) and an
approved assessment for every KSP/USP report; then times indicator_report(2026, "kecamatan").
SQLite in a temporary file; PostgreSQL in database `sikomo_bench` (dropped and re-created).
Target: ≤ 0.5 s on each. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from datetime import date, timedelta

from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url

from sikomo import create_app
from sikomo.extensions import db
from sikomo.models import Assessment, Cooperative, Jenis, Region, Report

JENIS = [j.value for j in Jenis]
BATCH = 20_000


def rows(n: int, years: int, seed: int = 2026):
    """Yield (table, list of row dicts) batches for the synthetic register."""
    rng = random.Random(seed)
    yield (
        Region.__table__,
        [
            {"id": i + 1, "kabupaten": "Bench", "kecamatan": f"Kecamatan {i + 1:02d}", "desa": []}
            for i in range(18)
        ],
    )
    first_tb = 2026 - years
    report_id = assessment_id = 0
    coops, reports, assessments = [], [], []
    for cid in range(1, n + 1):
        jenis = rng.choice(JENIS)
        sp = jenis in ("ksp", "usp") or (jenis == "serba_usaha" and rng.random() < 0.7)
        founded = date(1990, 1, 1) + timedelta(days=rng.randint(0, 13_000))
        coops.append({"id": cid, "nama": f"Koperasi {cid}", "region_id": rng.randint(1, 18),
                      "jenis": jenis, "simpan_pinjam": sp, "tanggal_badan_hukum": founded})  # fmt: skip
        volume = rng.randint(10_000_000, 5_000_000_000)
        for tb in range(first_tb, 2026):
            lalu, volume = volume, int(volume * rng.uniform(0.85, 1.25))
            held = (
                None
                if rng.random() < 0.12
                else date(tb + 1, 1, 10) + timedelta(rng.randint(0, 170))
            )
            for version in (1, 2) if rng.random() < 0.02 else (1,):
                report_id += 1
                data = {"tahun_buku": tb, "volume_usaha": volume, "volume_usaha_lalu": lalu}
                if held:
                    data["tanggal_rat"] = held.isoformat()
                reports.append({"id": report_id, "cooperative_id": cid, "tahun_buku": tb,
                                "version": version, "version_id": 1, "status": "disetujui",
                                "imported": False, "data": data, "tanggal_rat": held,
                                "volume_usaha": volume, "volume_usaha_lalu": lalu})  # fmt: skip
                if sp:
                    assessment_id += 1
                    predikat = rng.choice(("sehat", "cukup_sehat", "dalam_pengawasan"))
                    assessments.append({"id": assessment_id, "report_id": report_id,
                                        "method": "permenkop_9_2020", "ruleset_id": "b",
                                        "ruleset_version": "1", "ruleset_hash": "b", "result": {},
                                        "predikat": predikat, "status": "approved"})  # fmt: skip
        if len(reports) >= BATCH:
            yield Cooperative.__table__, coops
            yield Report.__table__, reports
            yield Assessment.__table__, assessments
            coops, reports, assessments = [], [], []
    yield Cooperative.__table__, coops
    yield Report.__table__, reports
    yield Assessment.__table__, assessments


def build(url: str, n: int, years: int):
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        db.drop_all()
        db.create_all()
        started, count = time.perf_counter(), 0
        with db.engine.begin() as conn:
            for table, batch in rows(n, years):
                if batch:
                    conn.execute(insert(table), batch)
                    count += len(batch)
        with db.engine.begin() as conn:
            conn.execute(text("ANALYZE"))
        print(f"  {count:,} rows loaded in {time.perf_counter() - started:.1f} s")
    return app


def measure(app, year: int = 2026, repeat: int = 5) -> float:
    from sikomo.indicators.operations import indicator_report

    with app.app_context():
        indicator_report(year, "kecamatan")  # warm the caches once
        times = []
        for _ in range(repeat):
            db.session.expire_all()
            started = time.perf_counter()
            report = indicator_report(year, "kecamatan")
            times.append(time.perf_counter() - started)
        figures = {i["code"]: i["value"] for i in report["indicators"]}
        print(f"  binaan {figures['binaan']}, aktif {figures['aktif_pct']} %, "
              f"sehat dan berkualitas {figures['sehat_berkualitas_pct']} %")  # fmt: skip
        db.engine.dispose()
    return statistics.median(times)


def postgres_url() -> str:
    base = os.environ.get(
        "SIKOMO_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )
    url = make_url(base)
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("DROP DATABASE IF EXISTS sikomo_bench"))
        conn.execute(text("CREATE DATABASE sikomo_bench"))
    admin.dispose()
    return url.set(database="sikomo_bench").render_as_string(hide_password=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cooperatives", type=int, default=200_000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--skip-pg", action="store_true")
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        print(f"SQLite: {args.cooperatives:,} cooperatives × {args.years} years")
        app = build(f"sqlite:///{tmp}/bench.db", args.cooperatives, args.years)
        results["SQLite"] = measure(app)
    if not args.skip_pg:
        print(f"PostgreSQL (sikomo_bench): {args.cooperatives:,} cooperatives × {args.years} years")
        app = build(postgres_url(), args.cooperatives, args.years)
        results["PostgreSQL"] = measure(app)
    for name, seconds in results.items():
        verdict = "OK" if seconds <= 0.5 else "TOO SLOW"
        print(
            f"{name:<10} all indicators, 2026, by kecamatan: {seconds:.3f} s (median of 5) {verdict}"
        )


if __name__ == "__main__":
    main()

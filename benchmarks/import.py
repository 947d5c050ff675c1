"""Benchmark: the Dinas's bulk import of reports (`import-reports`), on SQLite and PostgreSQL.

    .venv/bin/python benchmarks/import.py [--sizes 1000 10000 50000] [--skip-pg] [--skip-sqlite]

For each size N it creates a fresh database (a temporary SQLite file; PostgreSQL database
`--pg-db`, default `sikomo_bench_import`, dropped and re-created on the server of `--pg-url`),
registers N ÷ 2 cooperatives, writes a CSV of N reports (tahun buku 2024 and 2025 of each, the
2025 rows without prior-year figures, so the import fills them from the 2024 rows of the same
file), and times `import_file` — parsing, the edit rules, the prior-year fill, writing, the audit
rows, the counted-latest flags and the indicator facts — to the commit. It prints seconds, rows
per second and milliseconds per row. Targets: 10,000 ≤ 15 s, 50,000 ≤ 75 s, the per-row time at
50,000 within 1,5× of that at 1,000. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import tempfile
import time
from datetime import date

import pandas as pd
from flask_migrate import upgrade
from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url

from sikomo import create_app
from sikomo.demo.finance import year_figures
from sikomo.extensions import db
from sikomo.models import Cooperative, Jenis, Region
from sikomo.reports.importer import import_file


def csv_bytes(n_reports: int, seed: int = 2026) -> bytes:
    """N reports: two tahun buku per cooperative, the later without `_lalu` figures."""
    rng = random.Random(seed)
    rows = []
    for i in range(n_reports // 2):
        nik = f"3516{i:012d}"
        aset = int(rng.lognormvariate(20.0, 1.1)) + 50_000_000
        for tahun in (2024, 2025):
            figures = year_figures(rng, aset, rng.randint(20, 1500), True)
            figures = {k: v for k, v in figures.items() if not k.endswith("_lalu")}
            held = date(tahun + 1, 3, 1).isoformat()
            rows.append({"nik": nik, "tahun_buku": tahun, "tanggal_rat": held, **figures})
            aset = int(aset * rng.uniform(0.9, 1.25))
    buffer = io.StringIO()
    pd.DataFrame(rows).to_csv(buffer, index=False)
    return buffer.getvalue().encode()


def register(n_cooperatives: int) -> None:
    db.session.execute(insert(Region), [{"id": 1, "kabupaten": "Bench", "kecamatan": "Satu"}])
    coops = [
        {"nik": f"3516{i:012d}", "nama": f"KSP Bench {i}", "region_id": 1, "jenis": Jenis.KSP,
         "simpan_pinjam": True, "tanggal_badan_hukum": date(2000, 1, 1)}
        for i in range(n_cooperatives)
    ]  # fmt: skip
    for start in range(0, len(coops), 5_000):
        db.session.execute(insert(Cooperative), coops[start : start + 5_000])
    db.session.commit()


def run(url: str, n: int) -> float:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        upgrade(directory=os.path.join(app.root_path, "migrations"))
        register(n // 2)
        content = csv_bytes(n)
        started = time.perf_counter()
        result = import_file("bench", content, "laporan.csv")
        elapsed = time.perf_counter() - started
        assert result.ok and result.created == n, result.errors[:3]
        db.session.remove()
        db.engine.dispose()
    return elapsed


def fresh_postgres(server: str, database: str) -> str:
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{database}"'))
        conn.execute(text(f'CREATE DATABASE "{database}"'))
    admin.dispose()
    return make_url(server).set(database=database).render_as_string(hide_password=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 50_000])
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--skip-pg", action="store_true")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get(
            "SIKOMO_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
        ),
    )
    parser.add_argument(
        "--pg-db", default=os.environ.get("SIKOMO_BENCH_PG_DB", "sikomo_bench_import")
    )
    args = parser.parse_args()
    engines = [] if args.skip_sqlite else ["SQLite"]
    engines += [] if args.skip_pg else ["PostgreSQL"]
    for engine in engines:
        first = None
        for n in args.sizes:
            if engine == "SQLite":
                with tempfile.TemporaryDirectory() as tmp:
                    seconds = run(f"sqlite:///{tmp}/bench.db", n)
            else:
                seconds = run(fresh_postgres(args.pg_url, args.pg_db), n)
            per_row = seconds * 1000 / n
            first = first or per_row
            print(f"{engine:10} {n:>7,} reports: {seconds:7.2f} s  {n / seconds:7,.0f} rows/s  "
                  f"{per_row:6.2f} ms/row  ({per_row / first:.2f}× the first size)", flush=True)  # fmt: skip
        if engine == "PostgreSQL":
            admin = create_engine(args.pg_url, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{args.pg_db}"'))
            admin.dispose()


if __name__ == "__main__":
    main()

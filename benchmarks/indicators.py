"""Benchmark: all Dinas indicators of one year with the kecamatan breakdown, on SQLite and PostgreSQL.

    .venv/bin/python benchmarks/indicators.py --cooperatives 200000 --years 5

Builds N cooperatives in 18 kecamatan with reports for the last `--years` tahun buku up to 2025
(RATs held in the following year, about one in eight missing, one in fifty with a corrected second
version) and an approved assessment for every KSP/USP report, then computes the derived data the
ORM's flush listeners keep (`report.counted_latest`, the indicator facts); then times
indicator_report(2026, "kecamatan"): the first (cold) run and the median of `--repeat` more.
Target: ≤ 0.5 s on each engine. Then the Dinas dashboard (GET /indikator/ through the test
client, which also draws the trend of every year): first view, median of `--repeat` more, and the
first view after a correction of a past year's report and of the current year's. Not part of the
test suite.

SQLite goes to a temporary file (or `--sqlite PATH`). PostgreSQL goes to database `--pg-db`
(default `sikomo_bench_perf`, or $SIKOMO_BENCH_PG_DB) on the server of `--pg-url` (default
$SIKOMO_BENCH_PG or postgresql+psycopg://postgres@127.0.0.1:5432/postgres); that database is
dropped and re-created unless `--reuse` finds it already loaded with the same register. Loading
uses multi-row inserts on SQLite and COPY on PostgreSQL, then ANALYZE (production databases are
analysed too); only the indicator computation is timed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import tempfile
import time
from datetime import date, timedelta

from sqlalchemy import create_engine, func, insert, select, text
from sqlalchemy.engine import make_url

from sikomo import create_app
from sikomo.extensions import db
from sikomo.indicators.facts import rebuild
from sikomo.models import (
    Assessment,
    Cooperative,
    Jenis,
    Region,
    Report,
    Role,
    User,
    refresh_counted_latest,
)

JENIS = [j.value for j in Jenis]
BATCH = 20_000
YEAR = 2026


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
    first_tb = YEAR - years
    report_id = assessment_id = 0
    coops, reports, assessments = [], [], []
    for cid in range(1, n + 1):
        jenis = rng.choice(JENIS)
        sp = jenis in ("ksp", "usp") or (jenis == "serba_usaha" and rng.random() < 0.7)
        founded = date(1990, 1, 1) + timedelta(days=rng.randint(0, 13_000))
        coops.append({"id": cid, "nama": f"Koperasi {cid}", "region_id": rng.randint(1, 18),
                      "jenis": jenis, "simpan_pinjam": sp, "tanggal_badan_hukum": founded})  # fmt: skip
        volume = rng.randint(10_000_000, 5_000_000_000)
        for tb in range(first_tb, YEAR):
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


def copy_batch(conn, table, batch: list[dict]) -> None:
    """COPY a batch into a PostgreSQL table (JSON columns as text)."""
    columns = [c.name for c in table.columns]
    json_columns = {c.name for c in table.columns if c.type.__class__.__name__ in ("JSON", "JSONB")}
    names = ", ".join(f'"{c}"' for c in columns)
    with conn.connection.cursor() as cursor:
        with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
            for row in batch:
                copy.write_row(
                    [
                        json.dumps(row[c]) if c in json_columns and c in row else row.get(c)
                        for c in columns
                    ]
                )


def fill_defaults(table, batch: list[dict]) -> None:
    """Give every row every column (server-side defaults are not applied by COPY or executemany)."""
    defaults = {
        c.name: c.default.arg
        for c in table.columns
        if c.default is not None and not callable(c.default.arg)
    }
    now = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())
    for row in batch:
        for column in table.columns:
            if column.name in row:
                continue
            if column.name in defaults:
                row[column.name] = defaults[column.name]
            elif column.name in ("created_at", "updated_at"):
                row[column.name] = now
            else:
                row[column.name] = None


def loaded(app, n: int) -> bool:
    with app.app_context():
        try:
            return db.session.scalar(select(func.count()).select_from(Cooperative)) == n
        except Exception:  # noqa: BLE001 - no tables yet
            db.session.rollback()
            return False


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
        after_load()
        with db.engine.connect() as conn:  # outside a transaction: VACUUM cannot run inside one
            conn.execution_options(isolation_level="AUTOCOMMIT")
            conn.execute(text("VACUUM ANALYZE" if postgres else "ANALYZE"))
        with db.engine.begin() as conn:
            if postgres:
                for table in ("region", "cooperative", "report", "assessment"):
                    conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                      f"(SELECT max(id) FROM {table}))"))  # fmt: skip
        print(f"  {count:,} rows loaded in {time.perf_counter() - started:.1f} s")
    return app


def after_load() -> None:
    """What the ORM's flush listeners do for single reports: the `counted_latest` flags, then the
    stored indicator facts (as `flask --app sikomo indicator-facts` does)."""
    started = time.perf_counter()
    with db.engine.begin() as conn:
        refresh_counted_latest(conn)
        rows = rebuild(conn)
    print(f"  flags and {rows:,} indicator facts computed in {time.perf_counter() - started:.1f} s")


def measure(app, repeat: int) -> tuple[float, float]:
    """(first run, median of `repeat` more) of indicator_report(YEAR, "kecamatan"), in seconds."""
    from sikomo.indicators.operations import indicator_report

    with app.app_context():
        db.engine.dispose()
        times = []
        for _ in range(repeat + 1):
            db.session.expire_all()
            started = time.perf_counter()
            report = indicator_report(YEAR, "kecamatan")
            times.append(time.perf_counter() - started)
            db.session.rollback()
        figures = {i["code"]: i["value"] for i in report["indicators"]}
        print(f"  binaan {figures['binaan']}, aktif {figures['aktif_pct']} %, "
              f"berkualitas {figures['berkualitas_pct']} %, sehat {figures['sehat_pct']} %, "
              f"sehat dan berkualitas {figures['sehat_berkualitas_pct']} %, "
              f"volume usaha {figures['volume_usaha']}, "
              f"pertumbuhan {figures['pertumbuhan_volume_usaha_pct']} %")  # fmt: skip
        print("  runs: " + ", ".join(f"{t:.3f}" for t in times) + " s")
        db.engine.dispose()
    return times[0], statistics.median(times[1:])


def timed(function, *args) -> float:
    started = time.perf_counter()
    function(*args)
    return time.perf_counter() - started


def dinas_client(app):
    """A test client logged in as a Dinas user (added to the database if missing)."""
    email = "bench-dinas@contoh.test"
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        user = User(name="Dinas", email=email, role=Role.DINAS, active=True)
        user.set_password("bench-rahasia")
        db.session.add(user)
        db.session.commit()
    from sikomo.sessions import operations as sessions

    token = sessions.start(user)  # a server-side session, as the login form starts one
    db.session.commit()
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"], session["uid"], session["_fresh"] = token, user.id, True
    return client


def correct_a_report(tahun_buku: int) -> None:
    """What a pengurus's correction does: one report's volume usaha changes, through the ORM."""
    report = db.session.scalar(
        select(Report)
        .where(Report.tahun_buku == tahun_buku, Report.counted_latest.is_(True))
        .order_by(Report.id)
        .limit(1)
    )
    report.data = {**report.data, "volume_usaha": int(report.data["volume_usaha"]) + 1}
    db.session.commit()


def measure_dashboard(app, repeat: int) -> dict[str, float]:
    """Seconds of the dashboard view: first, median of `repeat` more, after corrections."""
    url = f"/indikator/?tahun={YEAR}"
    with app.app_context():
        db.engine.dispose()
        client = dinas_client(app)

        def view() -> None:
            assert client.get(url).status_code == 200

        times = [timed(view) for _ in range(repeat + 1)]
        correct_a_report(YEAR - 3)  # RAT held in YEAR - 2: a past year of the trend
        past = timed(view)
        correct_a_report(YEAR - 1)  # RAT held in YEAR: the year shown
        current = timed(view)
        print("  dashboard runs: " + ", ".join(f"{t:.3f}" for t in times) + " s")
        db.engine.dispose()
    return {"first": times[0], "median": statistics.median(times[1:]), "past": past,
            "current": current}  # fmt: skip


def postgres_url(server: str, database: str, reuse: bool) -> str:
    url = make_url(server)
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :d"), {"d": database})
        if not (reuse and exists):
            conn.execute(text(f'DROP DATABASE IF EXISTS "{database}"'))
            conn.execute(text(f'CREATE DATABASE "{database}"'))
    admin.dispose()
    return url.set(database=database).render_as_string(hide_password=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cooperatives", type=int, default=200_000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=5, help="timed runs after the first")
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--skip-pg", action="store_true")
    parser.add_argument("--sqlite", metavar="PATH", help="SQLite file (default: a temporary one)")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get(
            "SIKOMO_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
        ),
        help="any database on the PostgreSQL server (for CREATE DATABASE)",
    )
    parser.add_argument(
        "--pg-db", default=os.environ.get("SIKOMO_BENCH_PG_DB", "sikomo_bench_perf")
    )
    parser.add_argument(
        "--reuse", action="store_true", help="keep a database already loaded with N cooperatives"
    )
    args = parser.parse_args()
    size = f"{args.cooperatives:,} cooperatives × {args.years} years"
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        if not args.skip_sqlite:
            path = args.sqlite or f"{tmp}/bench.db"
            print(f"SQLite ({path}): {size}")
            app = build(f"sqlite:///{path}", args.cooperatives, args.years, args.reuse)
            results["SQLite"] = measure(app, args.repeat), measure_dashboard(app, args.repeat)
    if not args.skip_pg:
        print(f"PostgreSQL ({args.pg_db}): {size}")
        url = postgres_url(args.pg_url, args.pg_db, args.reuse)
        app = build(url, args.cooperatives, args.years, args.reuse)
        results["PostgreSQL"] = measure(app, args.repeat), measure_dashboard(app, args.repeat)
    for name, ((first, median), view) in results.items():
        verdict = "OK" if max(first, median) <= 0.5 else "TOO SLOW"
        print(
            f"{name:<10} all indicators {YEAR} by kecamatan: first {first:.3f} s, "
            f"median of {args.repeat} {median:.3f} s  {verdict}"
        )
        print(
            f"{name:<10} dashboard {YEAR}: first {view['first']:.3f} s, median of {args.repeat} "
            f"{view['median']:.3f} s; after a correction of {YEAR - 2}: {view['past']:.3f} s, "
            f"of {YEAR}: {view['current']:.3f} s"
        )


if __name__ == "__main__":
    main()

"""The moved flags the facts refresh stores equal the existence check over the report rows."""

import os
from datetime import UTC, date, datetime

import pytest
from flask_migrate import upgrade
from pandas.testing import assert_frame_equal
from sqlalchemy import MetaData, Table, create_engine, insert, select, text, true
from sqlalchemy.engine import make_url

from sikomo import create_app, normalise_database_url
from sikomo.extensions import db
from sikomo.indicators import moved as moved_module
from sikomo.indicators.aktif import aktif_ids
from sikomo.indicators.compute import group_counts, reference_counts
from sikomo.indicators.moved import MAX_WINDOW, moved, moved_flags, moved_in_reports
from sikomo.models import IndicatorMoved, Report, ReportStatus
from sikomo.status import indicator_year

YEARS = range(2023, 2032)
DISETUJUI, DIAJUKAN, DRAF = ReportStatus.DISETUJUI, ReportStatus.DIAJUKAN, ReportStatus.DRAF

# Versions of the report of tahun buku 2025, oldest first: (status, RAT date or None).
CASES = {
    "a correction moves the RAT a year later": [(DISETUJUI, "2026-03-01"), (DIAJUKAN, "2027-02-01")],
    "a correction moves the RAT two years earlier": [(DISETUJUI, "2026-03-01"),
                                                      (DISETUJUI, "2024-06-01")],
    "a correction blanks the RAT date": [(DISETUJUI, "2026-03-01"), (DIAJUKAN, None)],
    "the middle one of three versions counts": [(DISETUJUI, "2025-11-01"),
                                                (DISETUJUI, "2026-03-01"),
                                                (DIAJUKAN, "2028-01-15")],
    "a draft correction does not count": [(DISETUJUI, "2026-03-01"), (DRAF, "2027-02-01")],
    "a correction within the same year": [(DISETUJUI, "2026-03-01"), (DISETUJUI, "2026-09-01")],
}  # fmt: skip


def add_versions(coop, versions) -> None:
    for number, (status, rat) in enumerate(versions, start=1):
        data = {"tanggal_rat": rat} if rat else {}
        db.session.add(Report(cooperative_id=coop.id, tahun_buku=2025, version=number,
                              status=status, data=data))  # fmt: skip
    db.session.commit()


def flagged(year: int, window: int) -> set[int]:
    return set(db.session.scalars(moved(indicator_year(year, window))))


def in_reports(year: int, window: int) -> set[int]:
    return set(db.session.scalars(moved_in_reports(indicator_year(year, window))))


def assert_flags_match_the_report_rows() -> None:
    for year in YEARS:
        for window in range(1, MAX_WINDOW + 1):
            assert flagged(year, window) == in_reports(year, window), (year, window)


@pytest.mark.parametrize("versions", CASES.values(), ids=CASES.keys())
def test_the_flags_equal_the_existence_check(make_region, make_cooperative, make_report,
                                             versions):  # fmt: skip
    coop = make_cooperative("KSP Koreksi", make_region("Pacet"))
    make_report(coop, 2024, "2025-03-01")
    add_versions(coop, versions)
    assert_flags_match_the_report_rows()


def test_a_correction_that_moves_the_rat_flags_the_year_it_left(make_region, make_cooperative):
    coop = make_cooperative("KSP Koreksi", make_region("Pacet"))
    add_versions(coop, CASES["a correction moves the RAT a year later"])
    assert {(r.year, r.aktif_window) for r in db.session.scalars(select(IndicatorMoved))} == {
        (2026, window) for window in range(1, MAX_WINDOW + 1)
    }


def test_the_flags_follow_a_returned_correction(make_region, make_cooperative, make_report):
    coop = make_cooperative("KSP Koreksi", make_region("Pacet"))
    make_report(coop, 2024, "2025-03-01")
    add_versions(coop, CASES["a correction moves the RAT a year later"])
    assert flagged(2026, 2) == {coop.id}
    correction = db.session.scalar(select(Report).where(Report.version == 2))
    correction.status = ReportStatus.DIKEMBALIKAN  # returned: version 1 is the newest counted
    db.session.commit()
    assert flagged(2026, 2) == set() and in_reports(2026, 2) == set()
    assert aktif_ids(2026, 2) == {coop.id}


def test_the_indicators_read_the_flags_not_the_report_rows(make_region, make_cooperative,
                                                           make_report, monkeypatch):  # fmt: skip
    coop = make_cooperative("KSP Koreksi", make_region("Pacet"))
    make_report(coop, 2024, "2025-03-01")
    add_versions(coop, CASES["a correction moves the RAT a year later"])
    expected = {w: reference_counts(2026, w) for w in (1, 2, 3)}

    def existence_check(iy):
        raise AssertionError("the existence check over the report rows ran")

    monkeypatch.setattr(moved_module, "moved_in_reports", existence_check)
    for window, reference in expected.items():
        counts = group_counts(2026, window)
        assert_frame_equal(counts, reference)
        assert len(aktif_ids(2026, window)) == reference["aktif"].sum()
    assert int(group_counts(2026)["aktif"].sum()) == 1  # version 1's RAT of 2026 counts


def test_a_window_beyond_the_flags_runs_the_existence_check(make_region, make_cooperative,
                                                            make_report):  # fmt: skip
    coop = make_cooperative("KSP Koreksi", make_region("Pacet"))
    for tahun_buku in range(2019, 2025):
        make_report(coop, tahun_buku, f"{tahun_buku + 1}-03-01")
    add_versions(coop, CASES["a correction moves the RAT a year later"])
    window = MAX_WINDOW + 2
    assert flagged(2026, window) == in_reports(2026, window) == {coop.id}
    assert_frame_equal(group_counts(2026, window), reference_counts(2026, window))


def test_moved_flags_are_computed_for_any_clause_of_cooperatives(make_region, make_cooperative):
    coop = make_cooperative("KSP Koreksi", make_region("Pacet"))
    add_versions(coop, CASES["a correction blanks the RAT date"])
    rows = moved_flags(db.session.connection(), true())
    assert {(r["year"], r["aktif_window"]) for r in rows} == {
        (year, window)
        for window in range(1, MAX_WINDOW + 1)
        for year in range(2026, 2026 + max(window, 2))
    }


# --- The migration flags the records already there -----------------------------------------
@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request, tmp_path):
    if request.param == "sqlite":
        yield "sqlite:///" + str(tmp_path / "empty.db")
        return
    base = os.environ.get("SIKOMO_TEST_DATABASE_URL", "")
    if not base.startswith("postgres"):
        pytest.skip("PostgreSQL not configured (SIKOMO_TEST_DATABASE_URL)")
    url = make_url(normalise_database_url(base))
    name = f"{url.database}_moved_migration"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_the_migration_flags_the_moved_cooperatives_already_there(empty_url):
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": empty_url})
    now = datetime(2026, 1, 1, tzinfo=UTC)
    versions = [  # (cooperative, tahun buku, status, RAT, counted_latest), oldest version first
        (1, 2024, "disetujui", date(2025, 3, 1), True),
        (1, 2025, "disetujui", date(2026, 3, 1), False),
        (1, 2025, "diajukan", None, True),  # the correction blanked the RAT date
        (2, 2025, "disetujui", date(2026, 3, 1), False),
        (2, 2025, "disetujui", date(2027, 3, 1), True),
    ]
    with app.app_context():
        upgrade(revision="a1c3e5f70b12")  # the revision before the flags
        with db.engine.begin() as conn:
            table = {n: Table(n, MetaData(), autoload_with=conn) for n in ("region", "cooperative",
                                                                             "report")}  # fmt: skip
            conn.execute(insert(table["region"]), [{"id": 1, "kabupaten": "K", "kecamatan": "P",
                                                    "desa": []}])  # fmt: skip
            conn.execute(insert(table["cooperative"]), [
                {"id": i, "nama": f"KSP {i}", "region_id": 1, "jenis": "ksp",
                 "simpan_pinjam": True, "created_at": now, "updated_at": now} for i in (1, 2)
            ])  # fmt: skip
            number = {}
            for coop, tahun_buku, status, rat, latest in versions:
                number[coop, tahun_buku] = number.get((coop, tahun_buku), 0) + 1
                conn.execute(insert(table["report"]), [
                    {"cooperative_id": coop, "tahun_buku": tahun_buku,
                     "version": number[coop, tahun_buku], "status": status, "imported": False,
                     "data": {}, "created_at": now, "updated_at": now, "version_id": 1,
                     "tanggal_rat": rat, "counted_latest": latest}
                ])  # fmt: skip
        upgrade(revision="b2d4f6a81c23")
        query = text("SELECT year, aktif_window, cooperative_id FROM indicator_moved")
        migrated = sorted(tuple(row) for row in db.session.execute(query))
        with db.engine.connect() as conn:
            computed = sorted(tuple(r.values()) for r in moved_flags(conn, true()))
        db.session.remove()
        db.engine.dispose()
    assert migrated == computed
    assert {row[2] for row in migrated} == {1, 2}

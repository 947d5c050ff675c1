"""The stored indicator facts give the same counts as the report rows, through every change."""

import threading
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal
from sqlalchemy import select
from sqlalchemy.orm import Session

from sikomo.extensions import db
from sikomo.indicators import facts
from sikomo.indicators.aktif import aktif_ids, count_aktif, is_aktif
from sikomo.indicators.compute import group_counts, reference_counts
from sikomo.indicators.facts import GROWTH_CRITERIA, rebuild, settle
from sikomo.indicators.moved import moved, moved_in_reports
from sikomo.models import (
    COUNTED_REPORT_STATUSES,
    Assessment,
    AssessmentStatus,
    Cooperative,
    IndicatorFact,
    IndicatorMoved,
    Jenis,
    Method,
    Predikat,
    Region,
    Report,
    ReportStatus,
)
from sikomo.settings import set_setting
from sikomo.status import indicator_year
from tests.conftest import empty_tables

TAHUN_BUKU = range(2021, 2027)
figure = st.one_of(st.none(), st.integers(0, 1_000))
# Mostly counted versions, so that most changes change a count.
status = st.sampled_from([*ReportStatus, ReportStatus.DISETUJUI, ReportStatus.DIAJUKAN])
version = st.fixed_dictionaries(
    {
        "status": status,
        "imported": st.booleans(),
        # RAT normally in the year after the tahun buku, sometimes late, early or missing.
        "rat_offset": st.one_of(st.none(), st.just(1), st.integers(0, 2)),
        "month": st.integers(1, 12),
        "volume_usaha": figure,
        "volume_usaha_lalu": figure,
        "total_aset": figure,
        "total_aset_lalu": figure,
        "assessments": st.lists(
            st.tuples(st.sampled_from(AssessmentStatus), st.sampled_from(Predikat)), max_size=2
        ),
    }
)
cooperative = st.fixed_dictionaries(
    {
        "kecamatan": st.sampled_from(("Mojosari", "Sooko")),
        "jenis": st.sampled_from(Jenis),
        "simpan_pinjam": st.booleans(),
        "founded": st.one_of(st.none(), st.dates(date(2018, 1, 1), date(2028, 12, 31))),
        "reports": st.dictionaries(
            st.sampled_from(TAHUN_BUKU), st.lists(version, min_size=1, max_size=3), max_size=5
        ),
    }
)
# Changes after the first load: (what, which) with `which` taken modulo the rows there are.
change = st.tuples(
    st.sampled_from(("status", "rat", "volume", "kecamatan", "jenis", "delete", "assessment")),
    st.integers(0, 1_000),
)


def add_register(cooperatives: list[dict]) -> None:
    """Add the drawn register one cooperative per commit, as the web forms do."""
    regions = {
        name: Region(kabupaten="Mojokerto", kecamatan=name) for name in ("Mojosari", "Sooko")
    }
    db.session.add_all(regions.values())
    for drawn in cooperatives:
        coop = Cooperative(nama="Koperasi", region=regions[drawn["kecamatan"]],
                           jenis=drawn["jenis"], simpan_pinjam=drawn["simpan_pinjam"],
                           tanggal_badan_hukum=drawn["founded"])  # fmt: skip
        db.session.add(coop)
        for tahun_buku, versions in drawn["reports"].items():
            for number, values in enumerate(versions, start=1):
                add_version(coop, tahun_buku, number, values)
        db.session.commit()


def add_version(coop: Cooperative, tahun_buku: int, number: int, values: dict) -> None:
    data = {k: values[k] for k in ("volume_usaha", "volume_usaha_lalu", "total_aset",
                                   "total_aset_lalu") if values[k] is not None}  # fmt: skip
    if values["rat_offset"] is not None:
        data["tanggal_rat"] = date(
            tahun_buku + values["rat_offset"], values["month"], 1
        ).isoformat()
    report = Report(cooperative=coop, tahun_buku=tahun_buku, version=number,
                    status=values["status"], imported=values["imported"], data=data)  # fmt: skip
    db.session.add(report)
    for status, predikat in values["assessments"]:
        db.session.add(assessment(report, status, predikat))


def assessment(report: Report, status: AssessmentStatus, predikat: Predikat) -> Assessment:
    return Assessment(report=report, method=Method.PERMENKOP_9_2020, ruleset_id="permenkop_9_2020",
                      ruleset_version="1", ruleset_hash="x", predikat=predikat,
                      status=status)  # fmt: skip


def apply(what: str, which: int) -> None:
    """One change through the ORM, committed on its own."""
    reports = db.session.scalars(select(Report).order_by(Report.id)).all()
    coops = db.session.scalars(select(Cooperative).order_by(Cooperative.id)).all()
    report, coop = reports[which % len(reports)] if reports else None, coops[which % len(coops)]
    if what == "status" and report:
        report.status = list(ReportStatus)[which % len(ReportStatus)]
    elif what == "rat" and report:
        report.data = {**report.data, "tanggal_rat": f"{2021 + which % 7}-06-01"}
    elif what == "volume" and report:
        report.data = {**report.data, "volume_usaha": which}
    elif what == "kecamatan":
        coop.region = db.session.scalar(select(Region).where(Region.id != coop.region_id))
    elif what == "jenis":
        coop.jenis = list(Jenis)[which % len(Jenis)]
    elif what == "delete" and report:
        for row in report.assessments:
            db.session.delete(row)
        db.session.delete(report)
    elif what == "assessment" and report:
        db.session.add(assessment(report, AssessmentStatus.APPROVED, Predikat.SEHAT))
    db.session.commit()


def stored_facts() -> list[tuple]:
    """Every fact row and moved flag, in order."""
    rows = []
    for table in (IndicatorFact.__table__, IndicatorMoved.__table__):
        query = select(table).order_by(*table.primary_key.columns)
        rows.extend(tuple(row) for row in db.session.execute(query))
    return rows


def assert_facts_match_a_rebuild() -> None:
    kept = stored_facts()
    rebuild(db.session.connection())
    assert stored_facts() == kept
    db.session.rollback()
    assert stored_growth() == reference_growth()


def stored_growth() -> set[tuple[int, int, str]]:
    flags = [getattr(IndicatorFact, f"grew_{c}") for c in GROWTH_CRITERIA]
    rows = db.session.execute(select(IndicatorFact.cooperative_id, IndicatorFact.year, *flags))
    return {(row[0], row[1], c) for row in rows for c, flag in zip(GROWTH_CRITERIA, row[2:],
            strict=True) if flag}  # fmt: skip


def reference_growth() -> set[tuple[int, int, str]]:
    """(cooperative, year of the RAT, criterion) of the newest counted versions that grew, worked
    out in Python: each figure above its `_lalu` twin or, where that is blank, above the figure of
    the previous tahun buku's report (approved first, else the newest counted: item 20)."""
    counted: dict[tuple[int, int], list[Report]] = {}
    for report in db.session.scalars(select(Report)):
        if report.imported or report.status in COUNTED_REPORT_STATUSES:
            counted.setdefault((report.cooperative_id, report.tahun_buku), []).append(report)
    grew = set()
    for (cooperative_id, tahun_buku), versions in counted.items():
        newest = max(versions, key=lambda r: r.version)
        before = max(counted.get((cooperative_id, tahun_buku - 1), []), default=None,
                     key=lambda r: (r.status == ReportStatus.DISETUJUI, r.version))  # fmt: skip
        for criterion, keys in GROWTH_CRITERIA.items():
            if newest.tanggal_rat and all(grew_by(newest, before, k) for k in keys):
                grew.add((cooperative_id, newest.tanggal_rat.year, criterion))
    return grew


def grew_by(report: Report, before: Report | None, key: str) -> bool:
    now, lalu = getattr(report, key), getattr(report, f"{key}_lalu")
    if lalu is None and before is not None:
        lalu = getattr(before, key)
    return now is not None and lalu is not None and now > lalu


@given(
    register=st.lists(cooperative, min_size=1, max_size=6),
    changes=st.lists(change, max_size=4),
    criterion=st.sampled_from(sorted(GROWTH_CRITERIA)),
)
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow,
          HealthCheck.function_scoped_fixture, HealthCheck.data_too_large])  # fmt: skip
def test_the_facts_count_what_the_report_rows_count(app, register, changes, criterion):
    empty_tables()
    set_setting("berkualitas_criterion", criterion)
    add_register(register)
    assert_facts_match_a_rebuild()
    for what, which in changes:
        apply(what, which)
        assert_facts_match_a_rebuild()
    for year in range(2022, 2028):
        for window in (1, 2, 3):
            reference = reference_counts(year, window)
            assert_frame_equal(group_counts(year, window), reference)
            assert len(aktif_ids(year, window)) == reference["aktif"].sum()  # the same cooperatives
            iy = indicator_year(year, window)
            assert set(db.session.scalars(moved(iy))) == set(
                db.session.scalars(moved_in_reports(iy))
            )


@pytest.fixture
def ksp(make_region, make_cooperative, make_report):
    coop = make_cooperative("KSP Fakta", make_region("Pacet"))
    make_report(coop, 2024, "2025-03-01", volume_usaha=80, volume_usaha_lalu=60)
    report = make_report(coop, 2025, "2026-03-01", volume_usaha=100, volume_usaha_lalu=80)
    db.session.add(assessment(report, AssessmentStatus.APPROVED, Predikat.SEHAT))
    db.session.commit()
    return coop


def fact(cooperative_id: int, year: int) -> dict:
    row = db.session.execute(
        select(*IndicatorFact.__table__.columns).where(
            IndicatorFact.cooperative_id == cooperative_id, IndicatorFact.year == year
        )
    ).one_or_none()
    return row._asdict() if row else {}


def years(cooperative_id: int) -> list[int]:
    query = select(IndicatorFact.year).where(IndicatorFact.cooperative_id == cooperative_id)
    return sorted(db.session.scalars(query))


def test_a_cooperative_has_one_fact_row_per_year_in_which_anything_counts(ksp):
    assert years(ksp.id) == [2025, 2026, 2027]  # RATs held in 2025 and 2026, and the year after
    held = fact(ksp.id, 2026)
    assert (held["streak"], held["volume"], held["volume_prev"]) == (2, 100, 80)
    assert held["sehat"] == 1 and held["grew_volume_usaha"] and not held["grew_total_aset"]
    assert fact(ksp.id, 2027)["streak"] == 0 and fact(ksp.id, 2027)["volume_prev"] == 100


def test_the_facts_follow_the_register_and_the_review(ksp, make_region):
    ksp.region = make_region("Trawas")
    db.session.commit()
    assert fact(ksp.id, 2026)["region_id"] == ksp.region.id
    report = db.session.scalar(select(Report).where(Report.tahun_buku == 2025))
    report.status = ReportStatus.DIKEMBALIKAN  # returned: its RAT no longer counts
    db.session.commit()
    assert fact(ksp.id, 2026)["streak"] == 0 and fact(ksp.id, 2026)["sehat"] == 1
    report.assessments[0].status = AssessmentStatus.PROVISIONAL
    db.session.commit()
    assert fact(ksp.id, 2026)["sehat"] is None
    assert years(ksp.id) == [2025, 2026]


def test_the_cli_recomputes_every_fact(ksp, runner):
    db.session.execute(IndicatorFact.__table__.delete())
    db.session.commit()
    result = runner.invoke(args=["indicator-facts"])
    assert result.exit_code == 0, result.output
    assert "3 baris" in result.output
    assert fact(ksp.id, 2026)["streak"] == 2


def test_the_register_counts_aktif_as_the_indicator_does(make_region, make_cooperative):
    """A correction that moves the RAT out of the year leaves the older version counting there."""
    coop = make_cooperative("KSP Koreksi", make_region("Pacet"))
    rats = {(2024, 1): "2025-03-01", (2025, 1): "2026-03-01", (2025, 2): "2027-02-01"}
    for (tahun_buku, version), rat in rats.items():
        db.session.add(Report(cooperative_id=coop.id, tahun_buku=tahun_buku, version=version,
                              status=ReportStatus.DISETUJUI, data={"tanggal_rat": rat}))  # fmt: skip
    db.session.commit()
    assert is_aktif(coop.id, 2026) and count_aktif(2026) == 1
    assert not is_aktif(coop.id, 2027)  # RAT held in 2027 only: version 2 replaced version 1
    assert aktif_ids(2026, among=[coop.id + 1]) == set()


def test_facts_are_refreshed_once_per_transaction_however_often_it_flushes(ksp, monkeypatch):
    calls, refresh = [], facts.refresh_facts

    def counting(connection, ids):
        calls.append(set(ids))
        return refresh(connection, ids)

    monkeypatch.setattr(facts, "refresh_facts", counting)
    for tahun_buku in (2021, 2022, 2023):
        db.session.add(Report(cooperative_id=ksp.id, tahun_buku=tahun_buku,
                              status=ReportStatus.DISETUJUI,
                              data={"tanggal_rat": f"{tahun_buku + 1}-03-01"}))  # fmt: skip
        db.session.flush()
    assert calls == []
    db.session.commit()
    assert calls == [{ksp.id}]
    assert fact(ksp.id, 2026)["streak"] == 5  # RAT held 2022 to 2026


def test_the_indicators_see_what_the_transaction_has_not_committed(ksp):
    report = db.session.scalar(select(Report).where(Report.tahun_buku == 2025))
    report.status = ReportStatus.DIKEMBALIKAN
    assert count_aktif(2026) == 0 and group_counts(2026)["aktif"].sum() == 0
    db.session.rollback()
    assert count_aktif(2026) == 1 and fact(ksp.id, 2026)["streak"] == 2


def test_a_rolled_back_savepoint_leaves_the_transactions_changes_to_refresh(ksp):
    db.session.add(Report(cooperative_id=ksp.id, tahun_buku=2026, status=ReportStatus.DISETUJUI,
                          data={"tanggal_rat": "2027-03-01"}))  # fmt: skip
    db.session.flush()
    savepoint = db.session.begin_nested()
    assert count_aktif(2027) == 1  # refreshed inside the savepoint...
    savepoint.rollback()  # ...and undone with it
    savepoint = db.session.begin_nested()
    ksp.nama = "KSP Fakta Baru"
    db.session.flush()
    savepoint.rollback()
    db.session.commit()
    assert fact(ksp.id, 2027)["streak"] == 3


def test_concurrent_refreshes_of_one_cooperative_read_each_others_commits(ksp):
    """Two transactions refreshing one cooperative: the second waits and reads the first's work."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer at a time")
    first_id, second_id = db.session.scalars(select(Report.id).order_by(Report.tahun_buku)).all()
    db.session.commit()
    with Session(db.engine) as one, Session(db.engine) as other:
        one.get(Report, first_id).status = ReportStatus.DIKEMBALIKAN
        settle(one)  # facts written, locks held, not committed

        errors = []

        def change_the_other_report():
            try:
                report = other.get(Report, second_id)
                report.data = {**report.data, "volume_usaha": 500}
                other.commit()
            except Exception as error:  # noqa: BLE001 - reported by the test below
                errors.append(error)

        worker = threading.Thread(target=change_the_other_report)
        worker.start()
        worker.join(timeout=0.5)
        assert worker.is_alive()  # waiting for the first transaction
        one.commit()
        worker.join(timeout=10)
    assert errors == []
    db.session.expire_all()
    assert_facts_match_a_rebuild()
    assert (fact(ksp.id, 2026)["streak"], fact(ksp.id, 2026)["volume"]) == (1, 500)

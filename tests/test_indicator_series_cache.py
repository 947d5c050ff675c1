"""The dashboard's trend reads each year's stored counts while no commit has changed them."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from sikomo.extensions import db
from sikomo.indicators import operations as ops
from sikomo.indicators import series
from sikomo.indicators.compute import COUNTS, STORED_TOTALS, group_counts, raw_counts, totals
from sikomo.models import (
    Assessment,
    AssessmentStatus,
    Cooperative,
    IndicatorSeries,
    Jenis,
    Method,
    Predikat,
    Report,
    ReportStatus,
    Role,
)
from tests.rendered import rendered_context
from tests.statements import sent

TAHUN_BUKU = range(2022, 2026)  # RATs held 2023-2026: the trend's years
SHOWN = 2026  # the dashboard's default year: the latest in which a RAT was held


def assess(report: Report, predikat: Predikat) -> None:
    db.session.add(Assessment(report=report, method=Method.PERMENKOP_9_2020,
                              ruleset_id="permenkop_9_2020", ruleset_version="1",
                              ruleset_hash="x", predikat=predikat,
                              status=AssessmentStatus.APPROVED))  # fmt: skip
    db.session.commit()


@pytest.fixture
def register(make_region, make_cooperative, make_report):
    """Two KSPs and a jasa cooperative with a RAT each year (the jasa one skips 2024)."""
    pacet, sooko = make_region("Pacet"), make_region("Sooko")
    coops = [
        make_cooperative("KSP Satu", pacet, tanggal_badan_hukum=date(2010, 1, 1)),
        make_cooperative("KSP Dua", sooko, tanggal_badan_hukum=date(2015, 6, 1)),
        make_cooperative("Koperasi Jasa", pacet, jenis=Jenis.JASA),
    ]
    for i, coop in enumerate(coops):
        for step, tahun_buku in enumerate(TAHUN_BUKU):
            if (i, tahun_buku) == (2, 2023):
                continue
            volume = 100 + 20 * step + i
            report = make_report(coop, tahun_buku, f"{tahun_buku + 1}-03-01",
                                 volume_usaha=volume, volume_usaha_lalu=volume - 10 + 15 * i)  # fmt: skip
            if coop.jenis == Jenis.KSP and (i, tahun_buku) != (1, 2023):
                assess(report, Predikat.SEHAT if step % 2 else Predikat.DALAM_PENGAWASAN)
    return coops


@pytest.fixture
def dashboard(client, login_as, register):
    """GET the dashboard; returns the trend it rendered ({code: [{year, value, target}]})."""
    login_as(Role.DINAS)

    def view(year: int = SHOWN) -> dict:
        view.context = rendered_context(client, f"/indikator/?tahun={year}")
        return view.context["trends"]

    view()  # the first request after the fixtures' writes also reloads the user
    return view


def fresh(years=tuple(range(2023, 2027))) -> dict:
    """The trend computed from the facts, every year, without the stored series."""
    db.session.expire_all()
    return ops.trends(list(years), given={year: ops.summed(rows_of(year)) for year in years})


def rows_of(year: int) -> list[dict]:
    return group_counts(year).to_dict("records")


def value(trends: dict, code: str, year: int):
    return next(p for p in trends[code] if p["year"] == year)


def holding() -> set[int]:
    """The years whose stored counts hold (computed at the current generation)."""
    table = IndicatorSeries.__table__
    query = select(table.c.year).where(table.c.computed_generation == table.c.generation)
    return set(db.session.scalars(query))


def counting_group_counts(monkeypatch) -> list[int]:
    calls = []

    def counted(year, window=None):
        calls.append(year)
        return raw_counts(year, window)

    monkeypatch.setattr(series, "raw_counts", counted)
    return calls


def shown_tables(context: dict) -> dict:
    """What the dashboard showed of its year: the indicators and both breakdowns."""
    return {key: context[key] for key in ("report", "kecamatan", "jenis", "totals")}


def fresh_tables(year: int = SHOWN) -> dict:
    """The same computed from the facts, without the stored rows."""
    rows = rows_of(year)
    return {
        "report": ops.indicator_report(year, None, rows),
        "kecamatan": ops.breakdown(rows, "kecamatan"),
        "jenis": ops.breakdown(rows, "jenis"),
        "totals": ops.summed(rows),
    }


def test_the_stored_counts_equal_a_fresh_computation(dashboard):
    stored_view = dashboard()
    assert holding() == {2023, 2024, 2025, 2026}  # the trend's years and the year shown
    table = IndicatorSeries.__table__
    for row in db.session.execute(select(table).where(table.c.year.in_(holding()))):
        computed = totals(group_counts(row.year))
        assert {c: getattr(row, c) for c in STORED_TOTALS} == {
            c: computed[c] for c in STORED_TOTALS
        }
        assert series.Held(row.groups).totals == computed  # the reporting counts: rows only
        assert series.count_rows(row.year) == rows_of(row.year)
    assert stored_view == fresh()
    assert shown_tables(dashboard.context) == fresh_tables()


def test_the_second_view_reads_the_stored_counts(dashboard, monkeypatch):
    db.session.execute(IndicatorSeries.__table__.delete())
    db.session.commit()
    calls = counting_group_counts(monkeypatch)
    with sent() as statements:
        first = dashboard()
        computing, calls[:] = len(statements), []
        second = dashboard()
    assert calls == [] and second == first
    assert len(statements) - computing < computing  # the per-year queries are gone


def change_a_report(tahun_buku: int, volume: int) -> None:
    report = db.session.scalar(
        select(Report).where(Report.tahun_buku == tahun_buku).order_by(Report.id).limit(1)
    )
    report.data = {**report.data, "volume_usaha": volume}
    db.session.commit()


def approve_a_past_assessment() -> None:
    report = db.session.scalar(
        select(Report).join(Cooperative).where(Report.tahun_buku == 2023, Cooperative.nama == "KSP Dua")
    )  # fmt: skip
    assess(report, Predikat.SEHAT)


def add_a_cooperative_founded_in(year: int) -> None:
    db.session.add(Cooperative(nama="KSP Baru", region_id=1, jenis=Jenis.KSP, simpan_pinjam=True,
                               tanggal_badan_hukum=date(year, 5, 1)))  # fmt: skip
    db.session.commit()


def move_a_past_rat() -> None:
    """A correction of tahun buku 2023 moves its RAT from 2024 to 2025."""
    report = db.session.scalar(select(Report).where(Report.tahun_buku == 2023).limit(1))
    db.session.add(Report(cooperative_id=report.cooperative_id, tahun_buku=2023, version=2,
                          status=ReportStatus.DIAJUKAN,
                          data={**report.data, "tanggal_rat": "2025-01-05"}))  # fmt: skip
    db.session.commit()


def change_a_jenis() -> None:
    coop = db.session.scalar(select(Cooperative).where(Cooperative.nama == "Koperasi Jasa"))
    coop.jenis = Jenis.USP  # no badan hukum date: on the register, now as a USP, every year
    db.session.commit()


def change_setting(key: str, value) -> None:
    ops.change_settings("test", {key: value})


# what changes: (how, an indicator and a past year whose value the change moves)
CHANGES = {
    "a report of a past year": (lambda: change_a_report(2023, 1_000), "volume_usaha", 2024),
    "an assessment of a past year": (approve_a_past_assessment, "sehat_pct", 2024),
    "a correction moving a past RAT": (move_a_past_rat, "aktif_pct", 2025),
    "a cooperative on the register": (lambda: add_a_cooperative_founded_in(2024), "ksp_usp", 2024),
    "the register entry of a cooperative": (change_a_jenis, "ksp_usp", 2023),
    "the aktif window": (lambda: change_setting("aktif_window", 1), "aktif_pct", 2025),
    "the growth criterion": (
        lambda: change_setting("berkualitas_criterion", "total_aset"),
        "berkualitas_pct",
        2024,
    ),
    "the PDRB of a past year": (
        lambda: ops.set_pdrb("test", 2024, 5_000),
        "volume_usaha_pdrb_pct",
        2024,
    ),
}


@pytest.mark.parametrize(("change", "code", "year"), CHANGES.values(), ids=CHANGES.keys())
def test_a_change_shows_on_the_next_view(dashboard, change, code, year):
    before = dashboard()
    assert holding() == {2023, 2024, 2025, 2026}
    change()
    after = dashboard()
    assert value(after, code, year) != value(before, code, year)
    assert after == fresh()
    for shown in (SHOWN, year):
        dashboard(shown)
        assert shown_tables(dashboard.context) == fresh_tables(shown)


def test_moving_a_cooperative_to_another_kecamatan_shows_on_the_next_view(
    dashboard, make_region, make_cooperative
):
    """A cooperative without reports has no facts: only the register counts see it move."""
    coop = make_cooperative("Koperasi Tanpa Laporan", db.session.get(Cooperative, 1).region)
    bangsal = make_region("Bangsal")
    dashboard()
    dashboard(2024)
    coop.region_id = bangsal.id  # no badan hukum date: on the register in every year
    db.session.commit()
    for year in (SHOWN, 2024):
        dashboard(year)
        shown = shown_tables(dashboard.context)
        assert {row["name"]: row["binaan"] for row in shown["kecamatan"]}["Bangsal"] == 1
        assert shown == fresh_tables(year)


def test_a_past_years_target_shows_on_the_next_view(dashboard):
    dashboard()
    ops.set_target("test", "sehat_pct", 2024, Decimal("55.5"))
    assert value(dashboard(), "sehat_pct", 2024)["target"] == Decimal("55.5")


def test_an_edited_definition_shows_on_the_next_view(dashboard, client):
    dashboard()
    ops.update_definition("test", "aktif_pct", {"nama": "Koperasi aktif (persen, ubah)"})
    assert "Koperasi aktif (persen, ubah)" in client.get("/indikator/").get_data(as_text=True)


def test_a_change_recomputes_only_the_years_it_changes(dashboard, monkeypatch):
    dashboard()
    calls = counting_group_counts(monkeypatch)
    change_a_report(2025, 1_000)  # RAT of 2026, the year shown: every past year still holds
    dashboard()
    assert calls == [2026]
    calls[:] = []
    change_a_report(2023, 1_000)  # RAT of 2024: its volume, and 2025's volume of the year before
    assert value(dashboard(), "volume_usaha", 2024) == value(fresh(), "volume_usaha", 2024)
    assert sorted(calls) == [2024, 2025]


def test_counts_computed_while_a_change_commits_are_not_stored(dashboard, monkeypatch):
    """A reader computes 2024 from the facts; before it stores, another transaction commits a
    change to 2024: what it computed is shown once but never stored as holding."""
    db.session.execute(IndicatorSeries.__table__.delete())
    db.session.commit()

    def computed_then_changed(year, window=None):
        counts = raw_counts(year, window)
        if year == 2024:
            with Session(db.engine) as other:
                report = other.scalar(select(Report).where(Report.tahun_buku == 2023).limit(1))
                report.data = {**report.data, "volume_usaha": 1_000}
                other.commit()
        return counts

    monkeypatch.setattr(series, "raw_counts", computed_then_changed)
    dashboard()
    # 2024 and 2025 changed (2025 by its volume of the year before) while they were computed;
    # the year shown was computed and stored first.
    assert holding() == {2023, 2026}
    monkeypatch.undo()
    assert dashboard() == fresh()


def test_uncommitted_changes_are_read_but_never_stored(dashboard):
    dashboard()
    years = list(range(2023, 2027))
    report = db.session.scalar(select(Report).where(Report.tahun_buku == 2023).limit(1))
    report.data = {**report.data, "volume_usaha": 1_000}
    db.session.flush()
    changed = ops.trends(years)
    assert (
        value(changed, "volume_usaha", 2024)["value"]
        == value(fresh(), "volume_usaha", 2024)["value"]
    )
    db.session.execute(IndicatorSeries.__table__.delete())  # nothing stored from here on
    ops.trends(years)
    assert db.session.scalars(select(IndicatorSeries.year)).all() == []
    db.session.rollback()
    assert dashboard() == fresh() != changed


def test_rebuilding_the_facts_drops_every_stored_year(dashboard, runner):
    dashboard()
    assert holding()
    assert runner.invoke(args=["indicator-facts"]).exit_code == 0
    assert holding() == set()


def test_another_worker_reads_the_same_stored_counts(dashboard, make_app, monkeypatch):
    """Two apps, two connection pools: the store lives in the database, not in a process."""
    dashboard()
    expected = fresh()
    other = make_app()
    calls = counting_group_counts(monkeypatch)
    with other.app_context():
        trends = ops.trends(list(range(2023, 2027)))
        report = db.session.scalar(select(Report).where(Report.tahun_buku == 2022).limit(1))
        report.data = {**report.data, "volume_usaha": 7}
        db.session.commit()
    assert calls == []  # every year, the one the dashboard shows too, was stored
    assert trends == expected
    assert value(dashboard(), "volume_usaha", 2023) == value(fresh(), "volume_usaha", 2023)


def test_the_dashboard_reads_the_settings_once(dashboard):
    db.session.remove()  # a new session, as each request has: nothing read yet
    with sent() as statements:
        dashboard()
    assert len([s for s in statements if "FROM setting" in s]) == 1


def test_a_stale_row_with_other_settings_does_not_hold(dashboard):
    dashboard()
    table = IndicatorSeries.__table__
    db.session.execute(update(table).values(aktif_window=3))
    db.session.commit()
    assert series.stored([2024], series.current_settings(), set())[2024][1] is None


def test_a_row_stored_without_its_group_rows_does_not_hold(dashboard, monkeypatch):
    """The reporting counts (and every filtered trend) live in the group rows alone."""
    dashboard()
    table = IndicatorSeries.__table__
    db.session.execute(update(table).values(groups=None))  # as stored before the rows were kept
    db.session.commit()
    calls = counting_group_counts(monkeypatch)
    dashboard()
    assert sorted(calls) == [2023, 2024, 2025, 2026]
    assert shown_tables(dashboard.context) == fresh_tables()
    assert series.stored([SHOWN], series.current_settings(), {SHOWN})[SHOWN][1] is not None


def test_the_series_stores_every_total_in_a_column_and_every_count_in_the_rows(dashboard):
    assert set(STORED_TOTALS) <= set(IndicatorSeries.__table__.columns.keys())
    row = db.session.get(IndicatorSeries, SHOWN)
    assert row.groups and all(len(group) == 2 + len(COUNTS) for group in row.groups)


def test_a_row_stored_with_rows_of_another_shape_does_not_hold(dashboard):
    dashboard()
    table = IndicatorSeries.__table__
    row = db.session.get(IndicatorSeries, SHOWN)
    old = [group[: 2 + len(STORED_TOTALS)] for group in row.groups]  # before the reporting counts
    db.session.execute(update(table).where(table.c.year == SHOWN).values(groups=old))
    db.session.commit()
    assert series.stored([SHOWN], series.current_settings(), set())[SHOWN][1] is None

"""The dashboard's compliance board: what each kecamatan still owes, stored and kept current."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from sikomo.extensions import db
from sikomo.indicators import compliance
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

YEAR = 2026  # assesses tahun buku 2025


def decide(report: Report, status: AssessmentStatus) -> Assessment:
    assessment = Assessment(report=report, method=Method.PERMENKOP_9_2020,
                            ruleset_id="permenkop_9_2020", ruleset_version="1", ruleset_hash="x",
                            predikat=Predikat.SEHAT, status=status)  # fmt: skip
    db.session.add(assessment)
    db.session.commit()
    return assessment


@pytest.fixture
def district(make_region, make_cooperative, make_report):
    """Pacet: a KSP assessed, a KSP waiting 40 days. Sooko: a jasa cooperative without a report,
    and a KSP founded after the year (not on its register)."""
    pacet, sooko = make_region("Pacet"), make_region("Sooko")
    assessed = make_report(make_cooperative("KSP Dinilai", pacet), 2025)
    decide(assessed, AssessmentStatus.APPROVED)
    waiting = make_report(make_cooperative("KSP Menunggu", pacet), 2025)
    waiting.status = ReportStatus.DIAJUKAN
    waiting.submitted_at = datetime.now(UTC) - timedelta(days=40)
    make_cooperative("Koperasi Jasa", sooko, jenis=Jenis.JASA)
    make_cooperative("KSP Baru", sooko, tanggal_badan_hukum=date(YEAR + 1, 2, 1))
    db.session.commit()
    return {"assessed": assessed, "waiting": waiting}


@pytest.fixture
def board(client, login_as, district):
    """GET the dashboard of YEAR; returns its compliance rows as {kecamatan: (three counts)}."""
    login_as(Role.DINAS)

    def view() -> dict:
        rows = rendered_context(client, f"/indikator/?tahun={YEAR}")["compliance"]
        return {row["name"]: tuple(row[c] for c in compliance.COLUMNS) for row in rows}

    return view


def fresh() -> dict:
    """The board computed now, without the stored row."""
    db.session.expire_all()
    rows = compliance.compliance_rows(compliance.owed(YEAR))
    return {row["name"]: tuple(row[c] for c in compliance.COLUMNS) for row in rows}


def test_the_board_counts_what_each_kecamatan_owes(board):
    assert board() == {"Pacet": (0, 1, 1), "Sooko": (1, 0, 0)}
    assert board() == fresh()  # the second view, read from the stored row
    stored = db.session.get(IndicatorSeries, YEAR)
    assert stored.owed is not None and stored.computed_generation == stored.generation


@pytest.mark.parametrize("status", [ReportStatus.DRAF, ReportStatus.DIKEMBALIKAN])
def test_a_report_not_counted_yet_shows_on_the_next_view(board, status):
    """A draft or a returned report is a report all the same: it changes no indicator fact."""
    board()
    jasa = db.session.scalar(select(Cooperative).where(Cooperative.nama == "Koperasi Jasa"))
    db.session.add(Report(cooperative_id=jasa.id, tahun_buku=2025, status=status,
                          data={"tahun_buku": 2025}))  # fmt: skip
    db.session.commit()
    assert board()["Sooko"] == (0, 0, 0) == fresh()["Sooko"]


def test_a_report_of_another_year_changes_nothing(board, make_report):
    board()
    jasa = db.session.scalar(select(Cooperative).where(Cooperative.nama == "Koperasi Jasa"))
    make_report(jasa, 2023, "2024-03-01")
    assert board()["Sooko"] == (1, 0, 0)


def test_a_decision_shows_on_the_next_view(board, district):
    board()
    decide(district["waiting"], AssessmentStatus.APPROVED)
    assert board()["Pacet"] == (0, 0, 1) == fresh()["Pacet"]


def test_an_undone_decision_shows_on_the_next_view(board, district):
    board()
    assessment = db.session.scalar(select(Assessment))
    assessment.status = AssessmentStatus.PROVISIONAL
    db.session.commit()
    assert board()["Pacet"] == (0, 2, 1) == fresh()["Pacet"]


def test_waiting_for_review_follows_the_clock_not_the_stored_row(board, district):
    board()
    district["waiting"].submitted_at = datetime.now(UTC) - timedelta(days=10)
    db.session.commit()  # nothing the stored counts depend on changed
    assert board()["Pacet"] == (0, 1, 0)


def test_moving_a_cooperative_moves_what_it_owes(board):
    board()
    jasa = db.session.scalar(select(Cooperative).where(Cooperative.nama == "Koperasi Jasa"))
    jasa.region_id = db.session.scalar(
        select(Cooperative.region_id).where(Cooperative.nama == "KSP Dinilai")
    )
    db.session.commit()
    assert board() == {"Pacet": (1, 1, 1), "Sooko": (0, 0, 0)} == fresh()

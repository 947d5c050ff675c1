"""rescore and import-assessments, through the Flask CLI runner."""

from decimal import Decimal

import pytest
from sqlalchemy import func, select

import scoring
from sikomo.extensions import db
from sikomo.format import angka
from sikomo.models import Assessment, AssessmentStatus, AuditEvent, Predikat, Report, ReportStatus
from sikomo.review.operations import live_result

HEADER = "nik,tahun_buku,predikat,skor,tanggal_penilaian,metode\n"


OLD = {"ruleset_version": "2026.11.1", "ruleset_hash": "sha256:0123456789abcdef"}
CURRENT = scoring.builtin_rulesets()["permenkop_9_2020"]


def made_under_the_old_ruleset(row, **result):
    """Rewrite a stored assessment as the previous ruleset version had scored it."""
    row.ruleset_version, row.ruleset_hash = OLD["ruleset_version"], OLD["ruleset_hash"]
    row.result = row.result | OLD | result
    total, predikat = result.get("total"), result.get("predikat")
    row.total_score = Decimal(str(total)) if total is not None else None
    row.engine_predikat = Predikat(predikat) if predikat else None
    if row.status == AssessmentStatus.APPROVED:
        row.predikat = row.engine_predikat
    db.session.commit()
    return row


def snapshot(row) -> tuple:
    db.session.refresh(row)
    return (row.status, row.predikat, row.total_score, row.ruleset_version, row.ruleset_hash,
            row.result)  # fmt: skip


def test_rescore_lists_what_the_new_ruleset_changes_and_leaves_approved_untouched(
    runner, make_cooperative, make_approved
):
    row = make_approved(make_cooperative(nik="3516000000000011"), 2025)
    made_under_the_old_ruleset(row, complete=True, total=78.5, predikat="cukup_sehat",
                               total_min=78.5, total_max=78.5, predikat_min="cukup_sehat",
                               predikat_max="cukup_sehat")  # fmt: skip
    before = snapshot(row)
    result = runner.invoke(args=["rescore", "--year", "2025"])
    assert result.exit_code == 0, result.output
    digest = CURRENT.content_hash.removeprefix("sha256:")[:12]
    for line in (
        "3516000000000011  KSP Sejahtera  (v1, disetujui, keputusan tetap)",
        "predikat  Cukup Sehat → Sehat",
        "skor      78,50 → 92,19",
        f"ruleset   permenkop_9_2020 2026.11.1 (0123456789ab) → permenkop_9_2020 "
        f"{CURRENT.version} ({digest})",
        "1 laporan dinilai ulang; 1 berubah (1 sudah disetujui); 1 predikat berubah; "
        "0 menjadi sementara; 0 belum pernah dinilai; 0 galat.",
        "Tidak ada yang disimpan",
    ):
        assert line in result.output, line
    applied = runner.invoke(args=["rescore", "--year", "2025", "--apply-to-pending"])
    assert "disimpan untuk 0 laporan" in applied.output
    assert snapshot(row) == before  # the decision keeps its result and the hash it was made under
    assert db.session.scalar(select(func.count(Assessment.id))) == 1


def test_a_result_the_new_ruleset_makes_provisional_is_listed_as_its_range(
    runner, make_cooperative, make_submitted
):
    report = make_submitted(make_cooperative(nik="3516000000000012"), answers={})
    old = Assessment(report=report, method="permenkop_9_2020", ruleset_id="permenkop_9_2020",
                     status=AssessmentStatus.PROVISIONAL, result={}, **OLD)  # fmt: skip
    db.session.add(old)
    made_under_the_old_ruleset(old, complete=True, total=85.0, predikat="sehat")
    new = live_result(report)
    span = f"{angka(new.total_min, 2)}–{angka(new.total_max, 2)}"
    result = runner.invoke(args=["rescore", "--year", "2025"])
    assert "predikat  Sehat → Sementara: antara Dalam Pengawasan dan Sehat" in result.output
    assert f"skor      85,00 → sementara {span}" in result.output
    assert "1 predikat berubah; 1 menjadi sementara;" in result.output
    applied = runner.invoke(args=["rescore", "--year", "2025", "--apply-to-pending"])
    assert "Penilaian sementara baru disimpan untuk 1 laporan" in applied.output
    stored = db.session.scalars(select(Assessment).order_by(Assessment.id.desc())).first()
    assert stored.status == AssessmentStatus.PROVISIONAL and stored.predikat is None
    assert stored.ruleset_hash == CURRENT.content_hash and stored.total_score is None
    assert stored.result["total_min"] == new.total_min
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "assessment.rescore"))
    assert event.one().before["ruleset_hash"] == OLD["ruleset_hash"]
    again = runner.invoke(args=["rescore", "--year", "2025", "--apply-to-pending"])
    assert "disimpan untuk 0 laporan" in again.output  # nothing changes any more


def test_an_old_provisional_row_without_a_range_is_listed_as_provisional(
    runner, make_cooperative, make_approved
):
    row = make_approved(make_cooperative(nik="3516000000000013"), 2025)
    row.result = {"provisional": True, "total": 81.3, "predikat": "sehat"}
    row.total_score, row.engine_predikat = Decimal("81.30"), Predikat.SEHAT
    db.session.commit()
    result = runner.invoke(args=["rescore", "--year", "2025"])
    assert result.exit_code == 0, result.output
    assert "predikat  Sementara: rentang tidak tersedia → Sehat" in result.output
    assert "skor      sementara → 92,19" in result.output


def test_rescore_applies_to_pending_reports_only_when_asked(
    runner, make_cooperative, make_approved, make_submitted
):
    approved = make_approved(make_cooperative("KSP Disetujui"), 2025, predikat=Predikat.CUKUP_SEHAT)
    pending = make_submitted(make_cooperative("KSP Menunggu"))
    dry = runner.invoke(args=["rescore", "--year", "2025"])
    assert "1 belum pernah dinilai" in dry.output
    assert "KSP Menunggu  (v1, diajukan)" in dry.output
    assert "predikat  belum dinilai → Sehat" in dry.output
    assert db.session.scalar(select(func.count(Assessment.id))) == 1
    applied = runner.invoke(args=["rescore", "--year", "2025", "--apply-to-pending"])
    assert "Penilaian sementara baru disimpan untuk 1 laporan" in applied.output
    stored = db.session.scalars(select(Assessment).where(Assessment.report_id == pending.id)).one()
    assert stored.status == AssessmentStatus.PROVISIONAL and stored.predikat == Predikat.SEHAT
    db.session.refresh(approved)
    assert (
        approved.predikat == Predikat.CUKUP_SEHAT and approved.status == AssessmentStatus.APPROVED
    )
    assert (
        db.session.scalar(select(func.count()).where(AuditEvent.action == "assessment.rescore"))
        == 1
    )


def test_rescore_with_another_ruleset_and_an_unknown_one(runner, make_cooperative, make_approved):
    make_approved(make_cooperative(), 2025)
    other = runner.invoke(args=["rescore", "--year", "2025", "--ruleset", "perdep_06_2016"])
    assert other.exit_code == 0 and "1 laporan dinilai ulang" in other.output
    unknown = runner.invoke(args=["rescore", "--year", "2025", "--ruleset", "tidak_ada"])
    assert unknown.exit_code != 0 and "Ruleset 'tidak_ada' tidak dikenal" in unknown.output


def test_importing_historical_assessments_stores_them_as_imported(
    runner, tmp_path, make_cooperative, make_report
):
    first = make_cooperative("KSP Lama", nik="3516000000000001")
    make_cooperative("KSP Tua", nik="3516000000000002")
    existing = make_report(first, 2019)
    existing.status = ReportStatus.DISETUJUI
    db.session.commit()
    file = tmp_path / "penilaian.csv"
    file.write_text(
        HEADER
        + '3516000000000001,2019,Cukup Sehat,"72,5",2020-06-01,perdep_06_2016\n'
        + "3516000000000002,2020,sehat,81.2,15/05/2021,\n"
    )
    result = runner.invoke(args=["import-assessments", str(file)])
    assert result.exit_code == 0, result.output
    assert "2 penilaian disimpan" in result.output
    rows = db.session.scalars(select(Assessment).order_by(Assessment.id)).all()
    assert [r.status for r in rows] == [AssessmentStatus.IMPORTED] * 2
    assert rows[0].report_id == existing.id and rows[0].total_score == Decimal("72.50")
    assert (
        rows[0].predikat == Predikat.CUKUP_SEHAT
        and rows[0].decided_at.date().isoformat() == "2020-06-01"
    )
    created = rows[1].report
    assert (
        created.imported and created.status == ReportStatus.DISETUJUI and created.tahun_buku == 2020
    )
    assert rows[1].method.value == "perdep_06_2016"  # the method that covers 2020
    again = runner.invoke(args=["import-assessments", str(file)])
    assert again.exit_code != 0 and "sudah memiliki penilaian yang disetujui" in again.output


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "nik,tahun_buku,predikat\n3516000000000001,2020,Sehat\n",
            "kolom skor: Kolom tidak ditemukan",
        ),
        (HEADER + "123,2020,Sehat,80,2021-01-01,\n", "kolom nik: NIK harus tepat 16 digit"),
        (HEADER + "3516000000000999,2020,Sehat,80,2021-01-01,\n", "tidak terdaftar"),
        (HEADER + "3516000000000001,dua ribu,Sehat,80,2021-01-01,\n", "kolom tahun_buku"),
        (HEADER + "3516000000000001,2020,Baik,80,2021-01-01,\n", "kolom predikat"),
        (HEADER + "3516000000000001,2020,Sehat,180,2021-01-01,\n", "kolom skor"),
        (HEADER + "3516000000000001,2020,Sehat,80,kemarin,\n", "kolom tanggal_penilaian"),
        (HEADER + "3516000000000001,2020,Sehat,80,2021-01-01,metode_x\n", "kolom metode"),
        (HEADER + "3516000000000001,2020,Sehat,80,2021-01-01,\n" * 2, "sama dengan baris 3"),
    ],
)
def test_a_bad_assessment_file_is_refused_whole(runner, tmp_path, make_cooperative, body, message):
    make_cooperative("KSP Lama", nik="3516000000000001")
    file = tmp_path / "penilaian.csv"
    good = "3516000000000001,2019,Sehat,85,2020-02-02,\n"  # refused too: all or nothing
    bad = body.removeprefix(HEADER)
    file.write_text(HEADER + good + bad if body.startswith(HEADER) else body)
    result = runner.invoke(args=["import-assessments", str(file)])
    assert result.exit_code != 0 and message in result.output
    assert db.session.scalar(select(func.count(Assessment.id))) == 0
    assert db.session.scalar(select(func.count(Report.id))) == 0


def test_an_empty_assessment_file_is_refused(runner, tmp_path):
    file = tmp_path / "kosong.csv"
    file.write_text(HEADER)
    result = runner.invoke(args=["import-assessments", str(file)])
    assert result.exit_code != 0 and "Berkas tidak berisi data" in result.output


@pytest.mark.parametrize(
    "status", [ReportStatus.DRAF, ReportStatus.DIAJUKAN, ReportStatus.DIKEMBALIKAN]
)
def test_a_report_under_review_gets_no_predikat_from_a_file(
    runner, tmp_path, make_cooperative, make_report, status
):
    coop = make_cooperative("KSP Berjalan", nik="3516000000000001")
    report = make_report(coop, 2025)
    report.status = status
    db.session.commit()
    file = tmp_path / "penilaian.csv"
    file.write_text(HEADER + "3516000000000001,2025,Sehat,95,2026-01-01,\n")
    result = runner.invoke(args=["import-assessments", str(file)])
    assert result.exit_code != 0 and "diputuskan pengawas" in result.output
    assert db.session.scalar(select(func.count(Assessment.id))) == 0


def test_an_imported_past_report_takes_its_historical_predikat_and_is_approved(
    runner, tmp_path, make_cooperative, make_report
):
    coop = make_cooperative("KSP Lama", nik="3516000000000001")
    report = make_report(coop, 2019)
    report.status, report.imported = ReportStatus.DIAJUKAN, True
    db.session.commit()
    file = tmp_path / "penilaian.csv"
    file.write_text(HEADER + "3516000000000001,2019,Sehat,85,2020-02-02,\n")
    assert runner.invoke(args=["import-assessments", str(file)]).exit_code == 0
    db.session.refresh(report)
    assert (
        report.status == ReportStatus.DISETUJUI and report.assessments[0].predikat == Predikat.SEHAT
    )

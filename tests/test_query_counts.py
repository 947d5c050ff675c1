"""No N+1: every list page runs as many queries for 200 cooperatives as for 10 (issue 12)."""

import json
from pathlib import Path

import pytest

from scoring import builtin_rulesets
from sikomo import assessments
from sikomo.assessments import new_assessment, run_engine
from sikomo.extensions import db
from sikomo.models import (
    Assessment,
    AssessmentStatus,
    Cooperative,
    Jenis,
    Report,
    ReportStatus,
    Role,
)
from tests.statements import reads, sent

SAMPLE = json.loads((Path(__file__).parent / "scoring/data/ksp_sejahtera_2025.json").read_text())
SAMPLE = {k: v for k, v in SAMPLE.items() if k not in ("tahun_buku", "tanggal_rat")}
ANSWERS = dict.fromkeys(builtin_rulesets()["permenkop_9_2020"].item_codes, True)

PAGES = [
    ("/publik/?q=KSP", None),
    ("/api/v1/koperasi", None),
    ("/koperasi/", Role.DINAS),
    ("/penilaian/?status=semua", Role.PENGAWAS),
    ("/penilaian/", Role.PENGAWAS),
    ("/penilaian/?q=koperasi&lama=1&status=semua", Role.PENGAWAS),
    ("/penilaian/?tugas=belum", Role.PENGAWAS),
    ("/indikator/", Role.DINAS),
    ("/audit", Role.ADMIN),
    ("/", Role.PENGAWAS),
    ("/", Role.DINAS),
    ("/penilaian/?status=disetujui&page=2", Role.PENGAWAS),
    ("/koperasi/ekspor.csv", Role.DINAS),
    ("/api/v1/indicators?year=2026&by=kecamatan", None),
    ("/indikator/ekspor/indikator.csv", Role.DINAS),
    ("/peringatan/?tahun=2025", Role.PENGAWAS),
    ("/peringatan/ekspor.csv?tahun=2025", Role.DINAS),
    ("/temuan/", Role.PENGAWAS),
    ("/surat/", Role.DINAS),
]


def populate(make_cooperative, make_report, start: int, n: int) -> None:
    """n KSPs, each with an approved 2024 report and assessment and a submitted 2025 report.

    The first through the factories (and the engine); the rest copy it and are added at once.
    """
    first = make_cooperative(f"KSP Hitung {start:03d}", nik=f"3516{start:012d}")
    before = make_report(first, tahun_buku=2024, tanggal_rat="2025-03-01", **SAMPLE,
                         kuesioner=ANSWERS)  # fmt: skip
    template = new_assessment(before, run_engine(before), AssessmentStatus.APPROVED)
    db.session.add(template)
    make_report(first, **SAMPLE, kuesioner=ANSWERS).status = ReportStatus.DIAJUKAN
    for i in range(start + 1, start + n):
        coop = Cooperative(nama=f"KSP Hitung {i:03d}", nik=f"3516{i:012d}",
                           region_id=first.region_id, jenis=Jenis.KSP, simpan_pinjam=True)  # fmt: skip
        data = {**SAMPLE, "kuesioner": ANSWERS, "tanggal_rat": "2025-03-01", "tahun_buku": 2024}
        old = Report(cooperative=coop, tahun_buku=2024, status=ReportStatus.DISETUJUI, data=data)
        db.session.add(copy_of(template, old))
        data = {**data, "tanggal_rat": "2026-03-01", "tahun_buku": 2025}
        db.session.add(Report(cooperative=coop, tahun_buku=2025, status=ReportStatus.DIAJUKAN,
                              data=data))  # fmt: skip
    db.session.commit()


def copy_of(assessment: Assessment, report: Report) -> Assessment:
    names = ("method", "ruleset_id", "ruleset_version", "ruleset_hash", "result", "total_score",
             "predikat", "engine_predikat", "status")  # fmt: skip
    return Assessment(report=report, **{k: getattr(assessment, k) for k in names})


def queries(client, url: str) -> int:
    with sent() as seen:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(reads(seen))


@pytest.mark.parametrize(("url", "role"), PAGES, ids=[p[0] for p in PAGES])
def test_a_list_page_needs_the_same_number_of_queries_for_more_cooperatives(
    client, login_as, make_cooperative, make_report, url, role
):
    if role is not None:
        login_as(role)
    populate(make_cooperative, make_report, 0, 10)
    queries(client, url)  # warm up each time: a first request after writes reloads the user
    few = queries(client, url)
    populate(make_cooperative, make_report, 100, 190)
    queries(client, url)
    assert queries(client, url) == few


def test_the_review_page_runs_the_engine_once(client, login_as, make_cooperative, make_report,
                                              monkeypatch):  # fmt: skip
    login_as(Role.PENGAWAS)
    populate(make_cooperative, make_report, 0, 1)
    report = db.session.scalar(db.select(Report).where(Report.status == ReportStatus.DIAJUKAN))
    calls = []
    real = assessments.scoring.assess
    monkeypatch.setattr(
        assessments.scoring, "assess", lambda *a, **k: calls.append(1) or real(*a, **k)
    )
    assert client.get(f"/penilaian/laporan/{report.id}").status_code == 200
    assert len(calls) == 1


def test_the_dashboard_reads_the_settings_once(client, login_as, make_cooperative, make_report):
    login_as(Role.DINAS)
    populate(make_cooperative, make_report, 0, 3)
    with sent() as seen:
        assert client.get("/indikator/").status_code == 200
    assert len([s for s in seen if "FROM setting" in s]) == 1

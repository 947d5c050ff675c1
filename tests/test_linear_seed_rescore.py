"""seed-demo and rescore are linear in rows: statements per batch of work, never per report."""

import json
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from scoring import builtin_rulesets
from sikomo.assessments import is_health_scored, new_assessment, run_engine
from sikomo.demo import seed
from sikomo.extensions import db
from sikomo.models import (
    Assessment,
    AssessmentStatus,
    AuditEvent,
    Cooperative,
    Jenis,
    Report,
    ReportStatus,
)
from sikomo.review.rescore import apply_to_pending, rescore
from tests.statements import sent

SAMPLE = json.loads((Path(__file__).parent / "scoring/data/ksp_sejahtera_2025.json").read_text())
SAMPLE = {k: v for k, v in SAMPLE.items() if k not in ("tahun_buku", "tanggal_rat")}
ANSWERS = dict.fromkeys(builtin_rulesets()["permenkop_9_2020"].item_codes, True)
# On SQLite the ORM sends one INSERT per new row (it needs the ids back in order there);
# PostgreSQL gets them from one multi-row INSERT. Everything else is counted.
PER_ROW_ON_SQLITE = ("INSERT INTO cooperative ", "INSERT INTO report ", "INSERT INTO assessment ")


@contextmanager
def counted():
    """Collect the statements sent and count the flushes made inside the block."""
    per_row = PER_ROW_ON_SQLITE if db.engine.dialect.name == "sqlite" else ()
    with sent(skip=per_row) as statements:
        seen = {"statements": statements, "flushes": 0}

        def flush(session, context):
            seen["flushes"] += 1

        event.listen(Session, "after_flush", flush)
        try:
            yield seen
        finally:
            event.remove(Session, "after_flush", flush)


def populate(make_cooperative, make_report, start: int, n: int) -> None:
    """n KSPs, each with an approved 2024 report and assessment and a submitted 2025 report whose
    prior-year figures are blank (rescore fills them from 2024)."""
    first = make_cooperative(f"KSP Linear {start:03d}", nik=f"3516{start:012d}")
    region = first.region_id
    template = make_report(first, 2024, "2025-03-01", **SAMPLE, kuesioner=ANSWERS)
    approved = new_assessment(template, run_engine(template), AssessmentStatus.APPROVED)
    db.session.add(approved)
    current = {k: v for k, v in SAMPLE.items() if not k.endswith("_lalu")}
    for i in range(start, start + n):
        coop = first if i == start else Cooperative(nama=f"KSP Linear {i:03d}", nik=f"3516{i:012d}",
                                                    region_id=region, jenis=Jenis.KSP)  # fmt: skip
        if i > start:
            data = {**SAMPLE, "kuesioner": ANSWERS, "tanggal_rat": "2025-03-01", "tahun_buku": 2024}
            old = Report(
                cooperative=coop, tahun_buku=2024, status=ReportStatus.DISETUJUI, data=data
            )
            db.session.add(copy_of(approved, old))
        data = {**current, "kuesioner": ANSWERS, "tanggal_rat": "2026-03-01", "tahun_buku": 2025}
        db.session.add(Report(cooperative=coop, tahun_buku=2025, status=ReportStatus.DIAJUKAN,
                              data=data))  # fmt: skip
    db.session.commit()


def copy_of(assessment: Assessment, report: Report) -> Assessment:
    names = ("method", "ruleset_id", "ruleset_version", "ruleset_hash", "result", "total_score",
             "predikat", "engine_predikat", "status")  # fmt: skip
    return Assessment(report=report, **{k: getattr(assessment, k) for k in names})


def rescore_and_apply() -> tuple[dict, dict, int]:
    with counted() as listing:
        lines = rescore(2025)
    with counted() as applying:
        stored = apply_to_pending("cli", lines)
    return listing, applying, stored


def test_rescore_sends_as_many_statements_for_40_reports_as_for_10(make_cooperative, make_report):
    populate(make_cooperative, make_report, 0, 10)
    few_listing, few_applying, few_stored = rescore_and_apply()
    populate(make_cooperative, make_report, 100, 30)
    many_listing, many_applying, many_stored = rescore_and_apply()
    assert (few_stored, many_stored) == (10, 30)  # the first ten are unchanged the second time
    assert len(many_listing["statements"]) == len(few_listing["statements"])
    assert many_listing["flushes"] == few_listing["flushes"] == 0
    assert len(many_applying["statements"]) == len(few_applying["statements"])
    assert many_applying["flushes"] == few_applying["flushes"] == 1  # all rows at once
    rescored = select(func.count()).where(AuditEvent.action == "assessment.rescore")
    assert db.session.scalar(rescored) == 40


def test_rescore_fills_blank_prior_year_figures_from_last_years_report(
    make_cooperative, make_report
):
    populate(make_cooperative, make_report, 0, 3)
    lines = rescore(2025)
    assert [line.error for line in lines] == ["", "", ""]
    for line in lines:
        growth = line.result.indicator("pertumbuhan_aset")
        assert growth.status == "ok" and growth.inputs["total_aset_lalu"] == SAMPLE["total_aset"]
        assert any("tahun buku 2024" in note for note in growth.notes)


def seed_with(monkeypatch, ksp: int) -> dict:
    monkeypatch.setattr(seed, "JENIS_SPREAD", ((Jenis.KSP, ksp, ksp), (Jenis.KONSUMEN, 2, 0)))
    with counted() as seen:
        seen["counts"] = seed.seed_demo()
    return seen


def test_seed_demo_sends_as_many_statements_for_20_new_cooperatives_as_for_5(app, monkeypatch):
    seed_with(monkeypatch, 5)  # regions, users, definitions: what each later run finds in place
    few = seed_with(monkeypatch, 10)
    many = seed_with(monkeypatch, 30)
    assert few["counts"]["koperasi"] == 5 and many["counts"]["koperasi"] == 20
    assert many["counts"]["penilaian"] > few["counts"]["penilaian"] > 0
    assert len(many["statements"]) == len(few["statements"]), many["statements"]
    assert many["flushes"] == few["flushes"]
    reports = db.session.scalars(select(Report).where(Report.status == ReportStatus.DISETUJUI))
    assert all(r.assessments for r in reports if is_health_scored(r.cooperative))

"""The bridge from stored reports to the scoring engine."""

import json
from pathlib import Path

from sikomo.assessments import engine_input, is_health_scored, new_assessment, run_engine
from sikomo.models import AssessmentStatus, Jenis, Method

SAMPLE = json.loads((Path(__file__).parent / "scoring/data/ksp_sejahtera_2025.json").read_text())


def test_a_multi_purpose_cooperative_is_scored_on_its_usp(make_cooperative, make_report):
    ksu = make_cooperative("KSU Maju", jenis=Jenis.SERBA_USAHA, simpan_pinjam=True)
    toko = make_cooperative("Koperasi Konsumen", jenis=Jenis.KONSUMEN)
    assert is_health_scored(ksu) and not is_health_scored(toko)
    report = make_report(ksu, **SAMPLE)
    assert engine_input(report)["jenis"] == "usp"


def test_engine_input_keeps_schema_keys_and_drops_blanks(make_cooperative, make_report):
    report = make_report(make_cooperative(), kas=None, catatan="bukan kunci skema", bank=5)
    data = engine_input(report)
    assert "catatan" not in data and "kas" not in data and data["bank"] == 5
    assert data["tahun_buku"] == 2025 and data["kuesioner"] == {}


def test_new_assessment_keeps_the_full_explained_result(make_cooperative, make_report):
    report = make_report(make_cooperative(), **SAMPLE)
    result = run_engine(report)
    row = new_assessment(report, result)
    assert row.method == Method.PERMENKOP_9_2020 and row.status == AssessmentStatus.PROVISIONAL
    assert row.ruleset_hash == result.ruleset_hash and float(row.total_score) == result.total
    assert row.predikat == row.engine_predikat == result.predikat
    assert row.result["indicators"][0]["code"] == result.indicators[0].code

"""The bridge from stored reports to the scoring engine."""

import json
from pathlib import Path

from scoring import builtin_rulesets
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


ANSWERS = dict.fromkeys(builtin_rulesets()["permenkop_9_2020"].item_codes, True)


def test_new_assessment_keeps_the_full_explained_result(make_cooperative, make_report):
    report = make_report(make_cooperative(), **SAMPLE, kuesioner=ANSWERS)
    result = run_engine(report)
    row = new_assessment(report, result)
    assert result.complete
    assert row.method == Method.PERMENKOP_9_2020 and row.status == AssessmentStatus.PROVISIONAL
    assert row.ruleset_hash == result.ruleset_hash and float(row.total_score) == result.total
    assert row.predikat == row.engine_predikat == result.predikat
    assert row.result["indicators"][0]["code"] == result.indicators[0].code


def test_a_provisional_result_is_stored_without_a_total_or_predikat(make_cooperative, make_report):
    report = make_report(make_cooperative(), **SAMPLE)
    row = new_assessment(report, run_engine(report))
    assert row.total_score is None and row.predikat is None and row.engine_predikat is None
    assert row.result["provisional"] and row.result["total_min"] < row.result["total_max"]


def test_blank_prior_year_figures_come_from_last_years_report(make_cooperative, make_report):
    coop = make_cooperative()
    make_report(coop, tahun_buku=2024, total_aset=7_650_000_000)
    current = {k: v for k, v in SAMPLE.items() if k != "total_aset_lalu"}
    growth = run_engine(make_report(coop, **current)).indicator("pertumbuhan_aset")
    assert growth.inputs["total_aset_lalu"] == 7_650_000_000
    assert growth.notes == ("Total aset (tahun lalu) dari laporan tahun buku 2024",)


def test_not_applicable_confirmations_reach_the_engine(make_cooperative, make_report):
    report = make_report(make_cooperative(), **SAMPLE, kuesioner=ANSWERS)
    result = run_engine(report, not_applicable={"npl": "belum ada pinjaman"})
    assert result.indicator("npl").status == "tidak_berlaku"

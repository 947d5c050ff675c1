"""The single-report path: formulas on real reports, not-computable paths, aggregation, explanations."""

import pytest

from scoring import assess, builtin_rulesets, parse_ruleset
from scoring.engine import next_predikat, weighted_total
from scoring.results import NOT_COMPUTABLE, NOT_SET, OK

from .conftest import OLD_EXTRA

NEW = builtin_rulesets()["permenkop_9_2020"]
OLD = builtin_rulesets()["perdep_06_2016"]


def test_method_follows_tahun_buku(report):
    assert assess(report).method == "permenkop_9_2020"
    assert assess({**report, "tahun_buku": 2020}).method == "perdep_06_2016"
    assert (
        assess({**report, "tahun_buku": 2025}, method="perdep_06_2016").method == "perdep_06_2016"
    )
    assert assess({**report, "metode": "perdep_06_2016"}).method == "perdep_06_2016"


@pytest.mark.parametrize(
    ("code", "numerator", "denominator"),
    [
        ("roa", 296_000_000, 8_400_000_000),
        ("roe", 296_000_000, 2_750_000_000),
        ("npl", 280_000_000, 7_180_000_000),
        ("bopo", 380_000_000 + 620_000_000 + 90_000_000, 1_450_000_000),
        ("kemandirian_operasional", 1_450_000_000 - 380_000_000, 620_000_000 + 90_000_000),
        ("aset_likuid_total_aset", 120_000_000 + 480_000_000 + 250_000_000, 8_400_000_000),
        ("modal_pinjaman_anggota_total_aset", 2_900_000_000 + 1_800_000_000, 8_400_000_000),
        ("kewajiban_jangka_panjang_ekuitas", 600_000_000, 2_750_000_000),
        ("pinjaman_dana_diterima", 7_180_000_000, 5_650_000_000 + 2_750_000_000 - 40_000_000),
    ],
)
def test_ratio_uses_the_schema_fields_the_juknis_names(report, code, numerator, denominator):
    result = assess(report).indicator(code)
    assert (result.numerator, result.denominator) == (numerator, denominator)
    assert result.ratio == pytest.approx(numerator / denominator * 100)


def test_growth_compares_with_last_year(report):
    result = assess(report).indicator("pertumbuhan_aset")
    assert result.ratio == pytest.approx((8_400 - 7_650) / 7_650 * 100)
    assert result.inputs == {"total_aset": 8_400_000_000, "total_aset_lalu": 7_650_000_000}


@pytest.mark.parametrize(
    ("bermasalah", "nilai"), [(5, 1), (6, 2), (10, 2), (11, 3), (15, 3), (16, 4)]
)
def test_npl_exactly_on_an_edge_stays_in_its_band(report, bermasalah, nilai):
    loans = {
        "pinjaman_lancar": 100 - bermasalah,
        "pinjaman_kurang_lancar": bermasalah,
        "pinjaman_diragukan": 0,
        "pinjaman_macet": 0,
    }
    result = assess({**report, **loans}).indicator("npl")
    assert (result.ratio, result.nilai) == (bermasalah, nilai)


@pytest.mark.parametrize(
    ("shu", "nilai"), [(2_999, 4), (3_000, 3), (5_000, 2), (6_999, 2), (7_000, 1)]
)
def test_roa_exactly_on_an_edge_moves_to_the_better_band(report, shu, nilai):
    result = assess({**report, "total_aset": 100_000, "shu_setelah_pajak": shu}).indicator("roa")
    assert result.nilai == nilai


def test_a_loss_is_scored_in_the_worst_band_not_rejected(report):
    result = assess({**report, "shu_setelah_pajak": -50_000_000}).indicator("roa")
    assert result.status == OK and result.ratio < 0 and result.nilai == 4 and result.skor == 1


def test_no_loans_makes_npl_not_computable(report):
    zero = dict.fromkeys(
        ["pinjaman_lancar", "pinjaman_kurang_lancar", "pinjaman_diragukan", "pinjaman_macet"], 0
    )
    a = assess({**report, **zero})
    npl = a.indicator("npl")
    assert npl.status == NOT_COMPUTABLE and npl.nilai is None and npl.skor is None
    assert "≤ 0" in npl.reason and (npl.skor_min, npl.skor_max) == (1, 4)
    assert a.provisional and "npl" in {m["code"] for m in a.missing}


@pytest.mark.parametrize(
    ("shu", "shu_lalu", "nilai"),
    [(50, 0, 1), (50, -10_000_000, 1), (0, 0, 4), (-5, -10_000_000, 4), (-5, 0, 4)],
)
def test_growth_from_a_base_not_above_zero_is_best_on_a_turnaround_else_worst(
    report, shu, shu_lalu, nilai
):
    change = {"shu_setelah_pajak": shu, "shu_setelah_pajak_lalu": shu_lalu}
    result = assess({**report, **change}).indicator("pertumbuhan_shu")
    assert result.status == OK and result.ratio is None and result.nilai == nilai
    assert result.rule in ("pertumbuhan_dari_basis_nol", "kerugian") and "≤ 0" in result.reason


def test_missing_input_is_named_and_never_scored_zero(report):
    del report["total_ekuitas_lalu"]
    a = assess(report)
    result = a.indicator("pertumbuhan_ekuitas")
    assert result.status == NOT_COMPUTABLE
    assert result.reason == "data belum diisi: Total ekuitas (tahun lalu)"
    missing = {m["code"]: m for m in a.missing}
    assert missing["pertumbuhan_ekuitas"]["fields"] == ["total_ekuitas_lalu"]
    kinerja = a.aspect("kinerja_keuangan")
    assert (kinerja.indicators_scored, kinerja.indicators_missing) == (15, 1)


def test_a_missing_indicator_stays_in_the_pool_at_its_worst_and_best(complete_report):
    full = assess(complete_report).aspect("kinerja_keuangan")
    short = assess({**complete_report, "shu_setelah_pajak_lalu": None}).aspect("kinerja_keuangan")
    skor_shu = assess(complete_report).indicator("pertumbuhan_shu").skor
    assert short.skor_max == full.skor_max and short.score is None and not short.complete
    assert short.skor_sum_min == full.skor_sum_min - skor_shu + 1
    assert short.skor_sum_max == full.skor_sum_min - skor_shu + 4


def test_aspect_score_pools_skor_over_indicators():
    rs = parse_ruleset(MINI)
    answers = {
        "a.1": True,
        "b.1": True,
        "b.2": True,
        "b.3": True,
        "b.4": False,
        "c.1": True,
        "c.2": True,
        "c.3": False,
        "d.1": False,
    }
    a = assess({"tahun_buku": 2025, "kuesioner": answers}, ruleset=rs)
    assert [i.skor for i in a.indicators] == [4, 3, 3, 1]
    assert a.aspect("satu").score == 68.75  # 10 ÷ (4 × 4) × 100 per the Juknis' Σ skor ÷ (n × 4)


def test_weighted_total_uses_the_aspect_weights():
    assert weighted_total(NEW, [80, 70, 60, 75]) == 69.75
    assert NEW.predikat_for(69.75).code == "cukup_sehat"


def test_weighted_total_renormalises_over_scored_aspects():
    assert weighted_total(NEW, [None, 70, 60, 75]) == pytest.approx(
        (10.5 + 24 + 11.25) / 0.7, abs=0.005
    )
    assert weighted_total(NEW, [None, None, None, None]) is None


def test_distance_to_the_next_predikat():
    assert next_predikat(NEW, 79.65) == {
        "predikat": "sehat",
        "label": "Sehat",
        "min": 80,
        "distance": 0.35,
    }
    assert next_predikat(NEW, 91.36) is None
    assert next_predikat(NEW, 40)["predikat"] == "dalam_pengawasan"


def test_complete_report_is_not_provisional_and_adds_up(complete_report):
    a = assess(complete_report)
    assert not a.provisional and a.indicators_scored == a.indicators_defined == 56
    assert a.aspect("tata_kelola").score == 100
    assert a.total == a.total_min == a.total_max and a.predikat == a.predikat_min
    expected = sum(asp.weight * asp.skor_sum_min * 100 / asp.skor_max for asp in a.aspects)
    assert a.total == round(expected, 2)
    assert a.predikat == NEW.predikat_for(a.total).code


def test_unanswered_items_make_the_assessment_provisional(complete_report):
    del complete_report["kuesioner"]["tk.prinsip.sukarela.4"]
    a = assess(complete_report)
    result = a.indicator("tk_prinsip_sukarela")
    assert (result.items_answered, result.items_total, result.ratio) == (3, 4, None)
    assert result.status == NOT_COMPUTABLE and result.unanswered == ("tk.prinsip.sukarela.4",)
    assert (result.skor_min, result.skor_max) == (3, 4)  # 3 of 4 → nilai 2; 4 of 4 → nilai 1
    assert a.provisional and a.predikat is None and a.total is None


@pytest.mark.parametrize(("yes", "nilai"), [(0, 4), (1, 4), (2, 3), (3, 2), (4, 1)])
def test_questionnaire_counts_terpenuhi_over_answered(report, yes, nilai):
    codes = [f"tk.prinsip.sukarela.{i}" for i in range(1, 5)]
    answers = {c: i < yes for i, c in enumerate(codes)}
    result = assess({**report, "kuesioner": answers}).indicator("tk_prinsip_sukarela")
    assert result.nilai == nilai and result.skor == 5 - nilai


@pytest.mark.parametrize(
    ("yes", "of", "low", "high"), [(1, 3, 1, 2), (2, 3, 2, 3), (3, 3, 3, 4), (0, 0, 1, 4)]
)
def test_unanswered_items_count_tidak_at_the_low_end_and_ya_at_the_high(report, yes, of, low, high):
    codes = [f"tk.prinsip.sukarela.{i}" for i in range(1, of + 1)]
    answers = {c: i < yes for i, c in enumerate(codes)}
    result = assess({**report, "kuesioner": answers}).indicator("tk_prinsip_sukarela")
    assert result.status == NOT_COMPUTABLE and result.skor is None
    assert (result.skor_min, result.skor_max) == (low, high)


def test_disabled_indicators_are_shown_but_never_scored(complete_report):
    a = assess(complete_report)
    ppap = a.indicator("ppap_ppapwd")
    assert ppap.status == NOT_SET and ppap.ratio is not None and ppap.skor is None
    assert "belum ditetapkan" in ppap.reason
    assert a.indicator("car").status == NOT_SET
    assert a.indicator("pengelolaan_permodalan_ketiga").status == NOT_SET
    assert all(
        a.indicator(f"pr_kpmr_stratejik_{p}").status == NOT_SET
        for p in ("pengawasan", "kebijakan", "proses")
    )


def test_explanation_names_band_edges_and_the_next_better_band(report):
    roa = assess(report).indicator("roa")
    assert (roa.band, roa.nilai, roa.skor, roa.kategori) == ("[3, 5)", 3, 2, "Kurang Sehat")
    assert roa.next_band == {
        "target": 5.0,
        "inclusive": True,
        "direction": "naik",
        "band": "[5, 7)",
        "nilai": 2.0,
    }
    npl = assess({**report, "pinjaman_macet": 500_000_000}).indicator("npl")
    assert npl.next_band["direction"] == "turun" and npl.next_band["target"] == 5.0


def test_next_better_band_of_a_peaked_table_is_the_nearest_side():
    rasio_kas = OLD.indicator("rasio_kas").bands
    assert rasio_kas.next_better(25)["band"] == "(15, 20]"
    assert rasio_kas.next_better(25)["target"] == 20 and rasio_kas.next_better(25)["inclusive"]
    assert rasio_kas.next_better(5)["band"] == "(10, 15]"
    assert rasio_kas.next_better(12) is None


def test_old_method_gurindam_likuiditas_worst_bands_give_25(report):
    old = {
        **report,
        "tahun_buku": 2018,
        "kas": 5,
        "bank": 0,
        "total_kewajiban_lancar": 100,
        "dana_diterima": 2 * 7_180_000_000,
    }
    likuiditas = assess(old).aspect("likuiditas")
    assert likuiditas.score == 25 and likuiditas.predikat == "dalam_pengawasan_khusus"


@pytest.mark.parametrize(("yes", "skor"), [(12, 3.0), (6, 1.5), (0, 0.0)])
def test_old_method_management_skor_is_ya_times_value_per_item(report, yes, skor):
    answers = {f"mnj.umum.{i}": i <= yes for i in range(1, 13)}
    result = assess({**report, "tahun_buku": 2019, "kuesioner": answers}).indicator(
        "manajemen_umum"
    )
    assert result.skor == skor


def test_old_method_total_is_the_sum_of_skor_when_everything_is_computable(report):
    answers = {c: True for c in OLD.item_codes}
    a = assess({**report, **OLD_EXTRA, "tahun_buku": 2020, "kuesioner": answers})
    assert not a.provisional
    assert a.total == round(sum(i.skor for i in a.indicators), 2)


def test_result_serialises_to_json(report):
    import json

    data = json.loads(json.dumps(assess(report).to_dict()))
    assert data["ruleset_hash"].startswith("sha256:")
    assert {"total_min", "total_max", "predikat_min", "predikat_max", "missing"} <= set(data)
    assert data["provisional"] is True and data["predikat"] is None
    assert {
        "code",
        "skor_min",
        "skor_max",
        "ratio",
        "band",
        "nilai",
        "skor",
        "kategori",
        "status",
        "next_band",
        "inputs",
    } <= set(data["indicators"][0])


@pytest.mark.parametrize("complete", [False, True])
def test_a_result_read_back_from_its_json_is_the_same_result(report, complete):
    import json

    from scoring.results import Assessment

    answers = {c: True for c in OLD.item_codes} if complete else {}
    extra = {**OLD_EXTRA, "tahun_buku": 2020, "kuesioner": answers} if complete else {}
    result = assess({**report, **extra})
    assert result.complete is complete
    stored = json.loads(json.dumps(result.to_dict()))
    again = Assessment.from_dict(stored)
    assert json.loads(json.dumps(again.to_dict())) == stored
    assert again.indicators[0].notes == result.indicators[0].notes
    assert isinstance(again.indicators[0], type(result.indicators[0]))


def test_reading_back_a_result_without_its_parts_fails(report):
    from scoring.results import Assessment

    data = assess(report).to_dict()
    del data["indicators"]
    with pytest.raises(KeyError):
        Assessment.from_dict(data)


MINI = """
id = "mini"
version = "1"
name = "Mini"
tahun_buku_from = 2000
jenis = ["ksp"]
[scale]
kind = "inverse"
nilai_max = 4
[scale.kategori]
1 = "Sehat"
[[aspects]]
code = "satu"
name = "Satu"
weight = 1.0
[[predikat]]
code = "baik"
label = "Baik"
min = 50
[[predikat]]
code = "buruk"
label = "Buruk"
[band_tables.q]
bands = [{ range = "(-inf, 25]", nilai = 4 }, { range = "(25, 50]", nilai = 3 },
         { range = "(50, 75]", nilai = 2 }, { range = "(75, inf)", nilai = 1 }]
""" + "".join(
    f"""
[[indicators]]
code = "{c}"
name = "{c}"
aspect = "satu"
formula = "questionnaire"
bands = "q"
source = "test"
confidence = "C1"
items = [{", ".join(f'{{ code = "{c}.{i}", text = "t" }}' for i in range(1, n + 1))}]
"""
    for c, n in [("a", 1), ("b", 4), ("c", 3), ("d", 1)]
)


def test_next_better_band_from_a_ratio_on_an_open_edge_points_up():
    bands = NEW.indicator("kemandirian_operasional").bands
    nxt = bands.next_better(100)  # exactly 100 is nilai 4; the better band starts just above
    assert (nxt["direction"], nxt["target"], nxt["inclusive"]) == ("naik", 100, False)

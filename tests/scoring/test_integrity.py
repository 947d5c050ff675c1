"""A predikat the Dinas can count: blanks and losses never raise it (decisions.md D8, D15–D19)."""

import pandas as pd
import pytest

from scoring import ReportError, assess, assess_frame, builtin_rulesets
from scoring.results import NOT_APPLICABLE, NOT_COMPUTABLE, NOT_SET, OK

from .conftest import OLD_EXTRA, all_answers
from .test_frame_equivalence import assert_equivalent

NEW = builtin_rulesets()["permenkop_9_2020"]
OLD = builtin_rulesets()["perdep_06_2016"]


def old_report(report, answer=True):
    return {**OLD_EXTRA, **report, "tahun_buku": 2019, "kuesioner": all_answers(OLD.id, answer)}


def lost_48_percent(report):
    """The same KSP after a loss that took 48 % of its assets: its equity is negative."""
    total_aset = 8_400_000_000 * 52 // 100
    total_ekuitas = total_aset - report["total_kewajiban"]
    loss = total_ekuitas - (report["total_ekuitas"] - report["shu_belum_dibagi"])
    return {
        **report,
        "pinjaman_lancar": report["pinjaman_lancar"] - (8_400_000_000 - total_aset),
        "total_aset": total_aset,
        "total_ekuitas": total_ekuitas,
        "shu_belum_dibagi": loss,
        "shu_setelah_pajak": loss,
        "shu_sebelum_pajak": loss,
        "shu_kotor": loss,
        "pajak": 0,
    }


# ---- a blank questionnaire is a range, never the upper end --------------------------------


@pytest.mark.parametrize("method", ["permenkop_9_2020", "perdep_06_2016"])
def test_a_blank_questionnaire_gives_no_predikat_but_the_range_between_all_tidak_and_all_ya(
    report, method
):
    base = old_report(report) if method == OLD.id else report
    blank = assess({**base, "kuesioner": {}})
    none = assess({**base, "kuesioner": all_answers(method, False)})
    every = assess({**base, "kuesioner": all_answers(method, True)})
    assert blank.provisional and blank.predikat is None and blank.total is None
    assert none.complete and every.complete
    assert blank.total_min == none.total and blank.predikat_min == none.predikat
    assert blank.total_max == every.total and blank.predikat_max == every.predikat
    assert blank.total_min < blank.total_max
    assert {m["kind"] for m in blank.missing} == {"kuesioner"}


def test_the_pengurus_cannot_raise_the_result_by_leaving_items_blank(complete_report):
    answered = {**complete_report, "kuesioner": all_answers(answer=False)}
    some_blank = {**answered, "kuesioner": dict(list(answered["kuesioner"].items())[:10])}
    assert assess(some_blank).total_min == assess(answered).total


# ---- losses land in the worst band --------------------------------------------------------


def test_negative_equity_puts_every_capital_indicator_in_its_worst_band_2020(complete_report):
    a = assess(lost_48_percent(complete_report))
    for code in ("ekuitas_total_aset", "kewajiban_jangka_panjang_ekuitas", "roe"):
        i = a.indicator(code)
        assert i.status == OK and i.nilai == 4 and i.rule == "kerugian", code
    assert a.aspect("permodalan").predikat == "dalam_pengawasan_khusus"


def test_negative_equity_puts_modal_sendiri_in_its_worst_band_2016(report):
    a = assess(old_report(lost_48_percent(report)))
    for code in ("modal_sendiri_total_aset", "modal_sendiri_pinjaman_berisiko"):
        i = a.indicator(code)
        assert i.status == OK and i.nilai == 0 and i.rule == "kerugian", code
    rentabilitas = a.indicator("rentabilitas_modal_sendiri")
    assert rentabilitas.nilai == 25 and rentabilitas.rule == "kerugian"
    assert a.aspect("permodalan").predikat == "dalam_pengawasan_khusus"


@pytest.mark.parametrize("method", ["permenkop_9_2020", "perdep_06_2016"])
def test_a_ksp_that_lost_48_percent_of_its_assets_is_not_sehat(complete_report, report, method):
    healthy = complete_report if method == NEW.id else old_report(report)
    before, after = assess(healthy), assess(lost_48_percent(healthy))
    assert after.complete and after.predikat != "sehat" and after.total < before.total


def test_modal_sendiri_counts_swpm_and_the_signed_shu_of_the_year(report):
    a = assess(old_report({**report, "swpm": 10_000_000, "modal_penyertaan": 40_000_000}))
    ms = a.indicator("modal_sendiri_total_aset")
    expected = 124_000_000 + 1_480_000_000 + 10_000_000 + 50_000_000 + 700_000_000
    expected += 100_000_000 + 20_000_000 + 296_000_000
    assert ms.numerator == expected
    loss = assess(old_report({**report, "shu_setelah_pajak": -296_000_000}))
    assert loss.indicator("modal_sendiri_total_aset").numerator == expected - 30_000_000 - 592e6


def test_a_loss_of_the_year_makes_beban_usaha_over_shu_kotor_worst(complete_report):
    a = assess({**complete_report, "shu_kotor": -1})
    assert a.indicator("biaya_usaha_shu_kotor").nilai == 4
    old = assess(old_report({**complete_report, "shu_kotor": 0}))
    assert old.indicator("beban_usaha_shu_kotor").nilai == 25


# ---- nothing to measure: best band; unknown: a range --------------------------------------


def test_no_problem_loans_is_the_best_coverage_band_and_not_provisional(report):
    clean = {"pinjaman_kurang_lancar": 0, "pinjaman_diragukan": 0, "pinjaman_macet": 0}
    a = assess(old_report({**report, **clean}))
    cover = a.indicator("cadangan_risiko_risiko_pinjaman_bermasalah")
    assert cover.status == OK and cover.nilai == 100 and cover.rule == "tidak_ada_yang_diukur"
    assert a.complete
    new = assess({**report, **clean, "kuesioner": all_answers()})
    shown = new.indicator("cadangan_risiko_pinjaman_bermasalah")
    assert shown.status == NOT_SET and shown.rule == "tidak_ada_yang_diukur" and new.complete


def test_the_three_unpublished_tables_are_shown_against_their_optimum(complete_report):
    a = assess(complete_report)
    for code in (
        "pinjaman_anggota_total_pinjaman",
        "cadangan_risiko_pinjaman_bermasalah",
        "pertumbuhan_dana_diterima",
    ):
        i = a.indicator(code)
        assert i.status == NOT_SET and i.skor is None and i.ratio is not None, code
        assert i.optimum["text"] and "D17" in i.reason


def test_a_zero_denominator_that_is_no_loss_is_missing_until_the_pengawas_decides(
    complete_report,
):
    no_loans = dict.fromkeys(
        ["pinjaman_lancar", "pinjaman_kurang_lancar", "pinjaman_diragukan", "pinjaman_macet"], 0
    )
    a = assess({**complete_report, **no_loans, "pinjaman_anggota": 0})
    assert a.indicator("npl").status == NOT_COMPUTABLE and a.provisional
    reason = "KSP belum menyalurkan pinjaman pada tahun buku ini"
    missing = {m["code"]: reason for m in a.missing}
    confirmed = assess({**complete_report, **no_loans, "pinjaman_anggota": 0},
                       not_applicable=missing)  # fmt: skip
    assert confirmed.complete and confirmed.indicator("npl").status == NOT_APPLICABLE
    assert confirmed.indicator("npl").reason == reason and confirmed.not_applicable == missing


@pytest.mark.parametrize(
    ("given", "field"),
    [({"roa_x": "alasan"}, "tidak_berlaku.roa_x"), ({"roa": "  "}, "tidak_berlaku.roa"),
     ({"ppap_ppapwd": "x"}, "tidak_berlaku.ppap_ppapwd")],
)  # fmt: skip
def test_tidak_berlaku_needs_a_scored_indicator_and_a_reason(complete_report, given, field):
    with pytest.raises(ReportError) as caught:
        assess(complete_report, not_applicable=given)
    assert caught.value.field == field


# ---- member shares of costs (D16) ---------------------------------------------------------


def test_bopo_uses_the_member_share_of_costs_and_says_when_it_falls_back(complete_report):
    full = assess(complete_report).indicator("bopo")
    assert full.numerator == 380_000_000 + 620_000_000 + 90_000_000
    assert any("dipakai Beban usaha seluruhnya" in n for n in full.notes)
    share = {"beban_usaha_anggota": 500_000_000, "beban_perkoperasian_anggota": 60_000_000}
    own = assess({**complete_report, **share}).indicator("bopo")
    assert own.numerator == 380_000_000 + 500_000_000 + 60_000_000 and not own.notes


def test_prior_year_sources_are_named_in_the_explanation(complete_report):
    a = assess(complete_report, sources={"total_aset_lalu": "dari laporan tahun buku 2024"})
    assert a.indicator("pertumbuhan_aset").notes == (
        "Total aset (tahun lalu) dari laporan tahun buku 2024",
    )


# ---- exact at band edges (D19) and the older method's reach (D9) --------------------------


@pytest.mark.parametrize("scale", [10**12, 10**15])
def test_a_ratio_exactly_on_an_edge_lands_on_the_side_the_table_says(complete_report, scale):
    for shu, nilai in [(3 * scale // 100, 3), (3 * scale // 100 - 1, 4), (7 * scale // 100, 1)]:
        r = {**complete_report, "total_aset": scale, "shu_setelah_pajak": shu}
        assert assess(r).indicator("roa").nilai == nilai
    for equity, nilai in [(scale // 10, 3), (scale // 10 - 1, 4), (3 * scale // 10, 1)]:
        r = {**complete_report, "total_aset": scale, "total_ekuitas": equity}
        assert assess(r).indicator("ekuitas_total_aset").nilai == nilai


# Found by search: float arithmetic puts this 2c ratio at 46,999…, exactly it is 47.
EDGE_2C = {
    "pinjaman_kurang_lancar": 871_403_489_967_144,
    "pinjaman_diragukan": 390_748_739_816_392,
    "pinjaman_macet": 834_931_034_850_734,
    "cadangan_tujuan_risiko": 734_936_337_307_402,
    "ppap": 0,
}


def test_the_2c_rule_is_exact_where_floats_round_at_rp_10_15(report):
    r = old_report({**report, **EDGE_2C})
    cover = assess(r).indicator("cadangan_risiko_risiko_pinjaman_bermasalah")
    assert cover.ratio < 47 and cover.nilai == 47  # the shown float, the exact nilai
    one_less = {**r, "cadangan_tujuan_risiko": EDGE_2C["cadangan_tujuan_risiko"] - 1}
    assert assess(one_less).indicator("cadangan_risiko_risiko_pinjaman_bermasalah").nilai == 46
    assert_equivalent([r, one_less])


def test_both_paths_refuse_the_same_bad_money(report):
    for bad in (True, "1000", 10**15 + 1):
        with pytest.raises(ReportError):
            assess({**report, "kas": bad})
        with pytest.raises(ReportError):
            assess_frame(pd.DataFrame([{**report, "kas": bad}]))


@pytest.mark.parametrize(("year", "method"), [(2010, OLD.id), (2015, OLD.id), (2021, NEW.id)])
def test_the_older_method_reaches_back_to_tahun_buku_2010(report, year, method):
    assert assess({**report, "tahun_buku": year}).method == method


def test_negative_reported_equity_is_worst_for_modal_sendiri_even_with_a_profit_this_year(report):
    """A deficit carried in shu_belum_dibagi, a small profit this year: equity stays negative."""
    carried = {**lost_48_percent(report), "shu_setelah_pajak": 10_000_000,
               "shu_sebelum_pajak": 10_000_000, "shu_kotor": 500_000_000}  # fmt: skip
    a = assess(old_report(carried))
    for code in ("modal_sendiri_total_aset", "modal_sendiri_pinjaman_berisiko",
                 "rentabilitas_modal_sendiri"):  # fmt: skip
        assert a.indicator(code).rule == "kerugian" and "Total ekuitas" in a.indicator(code).reason
    assert a.aspect("permodalan").predikat == "dalam_pengawasan_khusus"
    assert a.predikat != "sehat"
    assert_equivalent([old_report(carried)])


def test_a_loss_is_worst_even_where_the_denominator_is_zero(report):
    r = old_report({**lost_48_percent(report), "pinjaman_berisiko": 0})
    i = assess(r).indicator("modal_sendiri_pinjaman_berisiko")
    assert i.status == OK and i.nilai == 0 and i.rule == "kerugian" and i.ratio is None
    assert_equivalent([r])


def test_the_batch_path_refuses_a_blank_tidak_berlaku_reason(complete_report):
    df = pd.DataFrame([complete_report | {"kuesioner": None}]).drop(columns="kuesioner")
    df["tidak_berlaku.npl"] = ["   "]
    with pytest.raises(ReportError) as caught:
        assess_frame(df)
    assert caught.value.field == "tidak_berlaku.npl"

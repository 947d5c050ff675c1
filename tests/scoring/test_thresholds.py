"""Every band edge of both rulesets, tested on both sides against the values in decisions.md.

The expected tables are restated here from the domain files on purpose: a change to a ruleset
threshold must come with a change to this table.
"""

import pytest

from scoring import builtin_rulesets

NEW = builtin_rulesets()["permenkop_9_2020"]
OLD = builtin_rulesets()["perdep_06_2016"]

Q = [(0, 4), (25, 4), (26, 3), (50, 3), (51, 2), (75, 2), (76, 1), (100, 1)]
GROWTH = [(3.99, 4), (4, 3), (6.99, 3), (7, 2), (9.99, 2), (10, 1)]
TEN_20_30 = [(9.99, 4), (10, 3), (19.99, 3), (20, 2), (29.99, 2), (30, 1)]
QUARTERS = [(24.99, 4), (25, 3), (49.99, 3), (50, 2), (74.99, 2), (75, 1)]

PERMENKOP = {
    "roa": [(-5, 4), (2.99, 4), (3, 3), (4.99, 3), (5, 2), (6.99, 2), (7, 1)],
    "roe": [(4.99, 4), (5, 3), (7.49, 3), (7.5, 2), (9.99, 2), (10, 1)],
    "kemandirian_operasional": [
        (100, 4),
        (100.01, 3),
        (109.99, 3),
        (110, 2),
        (119.99, 2),
        (120, 1),
    ],
    "npm": [(4.99, 4), (5, 3), (9.99, 3), (10, 2), (14.99, 2), (15, 1)],
    "bopo": [(79.99, 1), (80, 2), (89.99, 2), (90, 3), (99.99, 3), (100, 4)],
    "biaya_usaha_shu_kotor": [(39.99, 1), (40, 2), (59.99, 2), (60, 3), (79.99, 3), (80, 4)],
    "npl": [(0, 1), (5, 1), (5.01, 2), (10, 2), (10.01, 3), (15, 3), (15.01, 4)],
    "kas_bank_kewajiban_lancar": [(9.99, 4), (10, 3), (14.99, 3), (15, 2), (19.99, 2), (20, 1)],
    "pinjaman_dana_diterima": [(59.99, 4), (60, 3), (74.99, 3), (75, 2), (89.99, 2), (90, 1)],
    "aset_lancar_kewajiban_lancar": [
        (74.99, 4),
        (75, 3),
        (99.99, 3),
        (100, 2),
        (124.99, 2),
        (125, 1),
    ],
    "pertumbuhan_aset": GROWTH,
    "pertumbuhan_ekuitas": GROWTH,
    "pertumbuhan_shu": [(0.99, 4), (1, 3), (2.99, 3), (3, 2), (4.99, 2), (5, 1)],
    "pendapatan_utama_total_pendapatan": [
        (34.99, 4),
        (35, 3),
        (59.99, 3),
        (60, 2),
        (84.99, 2),
        (85, 1),
    ],
    "shu_simpanan_pokok_wajib": TEN_20_30,
    "partisipasi_simpanan_anggota": [(24.99, 4), (25, 3), (50.99, 3), (51, 2), (74.99, 2), (75, 1)],
    "ekuitas_total_aset": TEN_20_30,
    "modal_pinjaman_anggota_total_aset": TEN_20_30,
    "kewajiban_jangka_panjang_ekuitas": [
        (100, 1),
        (100.01, 2),
        (125, 2),
        (125.01, 3),
        (150, 3),
        (150.01, 4),
    ],
    "pinjaman_aset_produktif": [(75, 1), (75.01, 2), (85, 2), (85.01, 3), (95, 3), (95.01, 4)],
    "aset_likuid_total_aset": [(5, 4), (5.01, 3), (10, 3), (10.01, 2), (15, 2), (15.01, 1)],
    "aset_likuid_kewajiban_lancar": [(7, 4), (7.01, 3), (14, 3), (14.01, 2), (21, 2), (21.01, 1)],
}

PERDEP = {
    "modal_sendiri_total_aset": [
        (0, 0),
        (0.01, 25),
        (20, 25),
        (20.01, 50),
        (40, 50),
        (40.01, 100),
        (60, 100),
        (60.01, 50),
        (80, 50),
        (80.01, 25),
        (100, 25),
    ],
    "modal_sendiri_pinjaman_berisiko": [
        (9.99, 0),
        (10, 10),
        (19.99, 10),
        (20, 20),
        (89.99, 80),
        (90, 90),
        (99.99, 90),
        (100, 100),
        (250, 100),
    ],
    "car": [(3.99, 0), (4, 50), (5.99, 50), (6, 75), (7.99, 75), (8, 100)],
    "volume_pinjaman_anggota_volume_pinjaman": [
        (25, 0),
        (25.01, 50),
        (49.99, 50),
        (50, 75),
        (74.99, 75),
        (75, 100),
    ],
    "risiko_pinjaman_bermasalah_pinjaman": [
        (0, 100),
        (0.01, 80),
        (10, 80),
        (10.01, 60),
        (20, 60),
        (20.01, 40),
        (30, 40),
        (30.01, 20),
        (40, 20),
        (40.01, 10),
        (45, 10),
        (45.01, 0),
    ],
    "pinjaman_berisiko_pinjaman": [
        (21, 100),
        (21.01, 75),
        (25, 75),
        (25.01, 50),
        (30, 50),
        (30.01, 25),
    ],
    "beban_operasi_anggota_partisipasi_bruto": [
        (89.99, 100),
        (90, 75),
        (94.99, 75),
        (95, 50),
        (99.99, 50),
        (100, 25),
    ],
    "beban_usaha_shu_kotor": [(40, 100), (40.01, 75), (60, 75), (60.01, 50), (80, 50), (80.01, 25)],
    "rasio_efisiensi_pelayanan": [
        (5, 100),
        (5.01, 75),
        (10, 75),
        (10.01, 50),
        (15, 50),
        (15.01, 0),
    ],
    "rasio_kas": [(10, 25), (10.01, 100), (15, 100), (15.01, 50), (20, 50), (20.01, 25)],
    "pinjaman_dana_diterima": [
        (59.99, 25),
        (60, 50),
        (69.99, 50),
        (70, 75),
        (79.99, 75),
        (80, 100),
    ],
    "rentabilitas_aset": [(4.99, 25), (5, 50), (7.49, 50), (7.5, 75), (9.99, 75), (10, 100)],
    "rentabilitas_modal_sendiri": [(2.99, 25), (3, 50), (3.99, 50), (4, 75), (4.99, 75), (5, 100)],
    "kemandirian_operasional_pelayanan": [(100, 0), (100.01, 100)],
    "rasio_partisipasi_bruto": [
        (24.99, 25),
        (25, 50),
        (49.99, 50),
        (50, 75),
        (74.99, 75),
        (75, 100),
    ],
    "rasio_pea": [(4.99, 0), (5, 50), (7.49, 50), (7.5, 75), (9.99, 75), (10, 100)],
}


def cases(ruleset, table):
    return [
        pytest.param(ruleset, code, ratio, nilai, id=f"{ruleset.id}-{code}-{ratio}")
        for code, rows in table.items()
        for ratio, nilai in rows
    ]


def questionnaire_cases():
    return [
        pytest.param(NEW, ind.code, ratio, nilai, id=f"{ind.code}-{ratio}")
        for ind in NEW.indicators
        if ind.formula == "questionnaire"
        for ratio, nilai in Q
    ]


@pytest.mark.parametrize(
    ("ruleset", "code", "ratio", "nilai"),
    cases(NEW, PERMENKOP) + cases(OLD, PERDEP) + questionnaire_cases(),
)
def test_ratio_falls_in_the_band_the_regulation_gives(ruleset, code, ratio, nilai):
    assert ruleset.indicator(code).bands.lookup(ratio).nilai == nilai


# 2c is a rule (D18): each +1 % adds +1 nilai, 0 → 0, at most 100 — not the 10 %-step table.
CADANGAN_2C = [(-5, 0), (0, 0), (0.99, 0), (1, 1), (37.5, 37), (89.99, 89), (90, 90), (99, 99),
               (100, 100), (250, 100)]  # fmt: skip


@pytest.mark.parametrize(("ratio", "nilai"), CADANGAN_2C)
def test_old_method_2c_follows_its_rule_exactly(ratio, nilai):
    rule = OLD.indicator("cadangan_risiko_risiko_pinjaman_bermasalah").linear
    assert rule.clamp(rule.steps(ratio)) == nilai


NO_PUBLISHED_BANDS = ["pinjaman_anggota_total_pinjaman", "cadangan_risiko_pinjaman_bermasalah",
                      "pertumbuhan_dana_diterima"]  # fmt: skip


@pytest.mark.parametrize("code", NO_PUBLISHED_BANDS)
def test_indicators_with_only_an_optimum_are_shown_not_scored(code):
    ind = NEW.indicator(code)
    assert not ind.enabled and ind.bands is None and ind.optimum["value"] > 0


@pytest.mark.parametrize(
    ("ruleset", "table"),
    [(NEW, PERMENKOP), (OLD, PERDEP)],
    ids=["permenkop", "perdep"],
)
def test_every_scored_ratio_indicator_has_an_edge_table_here(ruleset, table):
    scored = {
        i.code
        for i in ruleset.indicators
        if i.enabled and i.formula in ("ratio", "growth") and i.linear is None
    }
    assert scored == set(table)


def test_every_questionnaire_indicator_uses_table_q():
    for ind in NEW.indicators:
        if ind.formula == "questionnaire":
            assert [b.label for b in ind.bands.bands] == [
                "(-inf, 25]",
                "(25, 50]",
                "(50, 75]",
                "(75, inf)",
            ]


@pytest.mark.parametrize(("nilai", "skor"), [(1, 4), (2, 3), (3, 2), (4, 1)])
def test_new_method_skor_is_five_minus_nilai(nilai, skor):
    assert NEW.skor(nilai, NEW.indicator("roa")) == skor


@pytest.mark.parametrize(
    ("code", "nilai", "skor"),
    [
        ("rasio_kas", 100, 10),
        ("rasio_kas", 25, 2.5),
        ("modal_sendiri_total_aset", 25, 1.5),
        ("car", 75, 2.25),
        ("rasio_partisipasi_bruto", 25, 1.75),
        ("pinjaman_dana_diterima", 25, 1.25),
    ],
)
def test_old_method_skor_is_nilai_times_bobot(code, nilai, skor):
    assert OLD.skor(nilai, OLD.indicator(code)) == skor


@pytest.mark.parametrize(
    ("total", "predikat"),
    [
        (100, "sehat"),
        (91.36, "sehat"),
        (80, "sehat"),
        (79.99, "cukup_sehat"),
        (79.65, "cukup_sehat"),
        (66, "cukup_sehat"),
        (65.99, "dalam_pengawasan"),
        (51, "dalam_pengawasan"),
        (50.99, "dalam_pengawasan_khusus"),
        (0, "dalam_pengawasan_khusus"),
    ],
)
def test_new_method_predikat_cut_offs_include_their_lower_edge(total, predikat):
    assert NEW.predikat_for(total).code == predikat


@pytest.mark.parametrize(
    ("total", "predikat"),
    [
        (67.70, "cukup_sehat"),
        (62.45, "dalam_pengawasan"),
        (56.18, "dalam_pengawasan"),
        (68.60, "cukup_sehat"),
        (79.85, "cukup_sehat"),
        (53.65, "dalam_pengawasan"),
        (76.34, "cukup_sehat"),
        (79.07, "cukup_sehat"),
        (78.35, "cukup_sehat"),
        (80, "sehat"),
        (66, "cukup_sehat"),
        (51, "dalam_pengawasan"),
        (50.99, "dalam_pengawasan_khusus"),
    ],
)
def test_old_method_published_totals_map_to_their_published_predikat(total, predikat):
    assert OLD.predikat_for(total).code == predikat

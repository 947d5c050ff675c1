"""Bad reports and bad rulesets are refused with a message that names the field or entry."""

import pytest

from scoring import MethodError, ReportError, RulesetError, ScoringError, assess, parse_ruleset
from scoring.ruleset import RULESET_DIR


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"kas_besar": 1}, "kas_besar", "tidak dikenal"),
        ({"kas": "banyak"}, "kas", "bilangan bulat"),
        ({"kas": "1.000"}, "kas", "bilangan bulat"),
        ({"bank": -1}, "bank", "negatif"),
        ({"total_aset": 1.5}, "total_aset", "bilangan bulat"),
        ({"jumlah_anggota": True}, "jumlah_anggota", "bilangan bulat"),
        ({"tanggal_rat": "14/03/2026"}, "tanggal_rat", "YYYY-MM-DD"),
        ({"jenis": "koperasi"}, "jenis", "salah satu"),
        ({"tahun_buku": "2025"}, "tahun_buku", "tahun"),
        ({"kuesioner": {"tk.tidak.ada.1": True}}, "kuesioner.tk.tidak.ada.1", "tidak dikenal"),
        ({"kuesioner": {"tk.prinsip.sukarela.1": "ya"}}, "kuesioner.tk.prinsip.sukarela.1", "true"),
        ({"kuesioner": ["tk.prinsip.sukarela.1"]}, "kuesioner", "pemetaan"),
    ],
)
def test_bad_report_field_is_named(report, change, field, words):
    with pytest.raises(ReportError) as caught:
        assess({**report, **change})
    assert caught.value.field == field
    assert words in caught.value.message
    assert isinstance(caught.value, ValueError)


def test_losses_may_be_negative(report):
    loss = {
        "shu_kotor": -1,
        "shu_sebelum_pajak": -5,
        "shu_setelah_pajak": -5,
        "shu_belum_dibagi": -5,
    }
    assert assess({**report, **loss}).indicator("roa").nilai == 4


def test_whole_number_floats_are_accepted(report):
    assert (
        assess({**report, "kas": 120_000_000.0}).indicator("aset_likuid_total_aset").status == "ok"
    )


def test_none_is_unknown_not_zero(report):
    result = assess({**report, "kas": None}).indicator("aset_likuid_total_aset")
    assert result.status == "tidak_dapat_dihitung" and "Kas" in result.reason
    assert result.skor is None and (result.skor_min, result.skor_max) == (1, 4)


@pytest.mark.parametrize(
    ("change", "method", "field"),
    [
        ({"tahun_buku": 2009}, None, "tahun_buku"),
        ({"tahun_buku": None}, None, "tahun_buku"),
        ({}, "permenkop_2099", "metode"),
        ({"jenis": "konsumen"}, None, "jenis"),
    ],
)
def test_no_applicable_method_is_a_clear_error(report, change, method, field):
    with pytest.raises(MethodError) as caught:
        assess({**report, **change}, method=method)
    assert caught.value.field == field
    assert isinstance(caught.value, ScoringError)


def test_report_must_be_a_mapping():
    with pytest.raises(ReportError):
        assess([1, 2, 3])


VALID = (RULESET_DIR / "permenkop_9_2020.toml").read_text(encoding="utf-8")


def test_the_shipped_rulesets_are_valid():
    assert parse_ruleset(VALID).id == "permenkop_9_2020"


def test_hash_changes_with_content_not_with_formatting():
    base = parse_ruleset(VALID).content_hash
    assert (
        parse_ruleset(VALID.replace("# Aspect weights", "#   Aspect weights")).content_hash == base
    )
    assert parse_ruleset(VALID.replace("min = 80", "min = 81")).content_hash != base


ROA_BANDS = """bands = [
  { range = "(-inf, 3)", nilai = 4 },
  { range = "[3, 5)", nilai = 3 },
  { range = "[5, 7)", nilai = 2 },
  { range = "[7, inf)", nilai = 1 },
]"""


@pytest.mark.parametrize(
    ("old", "new", "entry", "words"),
    [
        (
            ROA_BANDS,
            ROA_BANDS.replace(
                '"[3, 5)", nilai = 3 },\n  { range = "[5, 7)", nilai = 2',
                '"[5, 7)", nilai = 2 },\n  { range = "[3, 5)", nilai = 3',
            ),
            "indicators[roa].bands",
            "unsorted",
        ),
        (ROA_BANDS, ROA_BANDS.replace('"[3, 5)"', '"(3, 5)"'), "indicators[roa].bands", "band gap"),
        (ROA_BANDS, ROA_BANDS.replace('"[3, 5)"', '"[4, 5)"'), "indicators[roa].bands", "band gap"),
        (
            ROA_BANDS,
            ROA_BANDS.replace('"(-inf, 3)"', '"(-inf, 3]"'),
            "indicators[roa].bands",
            "both hold 3",
        ),
        (ROA_BANDS, ROA_BANDS.replace('"(-inf, 3)"', '"[0, 3)"'), "indicators[roa].bands", "-inf"),
        (
            ROA_BANDS,
            ROA_BANDS.replace('"[7, inf)"', '"[7, 100)"'),
            "indicators[roa].bands",
            "end at inf",
        ),
        (
            ROA_BANDS,
            ROA_BANDS.replace('"[3, 5)"', '"3 to 5"'),
            "indicators[roa].bands",
            "not an interval",
        ),
        ("weight = 0.40", "weight = 0.30", "aspects", "sum to 0.9, not 1"),
        (
            'formula = "ratio"\nnumerator = "shu_setelah_pajak"',
            'formula = "ratioo"\nnumerator = "shu_setelah_pajak"',
            "indicators[roa]",
            "unknown formula",
        ),
        (ROA_BANDS, ROA_BANDS.replace('"[5, 7)"', '"[4, 7)"'), "indicators[roa].bands", "overlap"),
        (
            'numerator = "shu_setelah_pajak"\ndenominator = "total_aset"',
            'numerator = "shu_bersih"\ndenominator = "total_aset"',
            "indicators[roa]",
            "unknown field",
        ),
        (
            'quantity = "total_aset"',
            'quantity = "atmr"',
            "indicators[pertumbuhan_aset]",
            "atmr_lalu",
        ),
        (
            'enabled = false\nreason = "Tabel nilai PPAP',
            'enabled = false\nnote = "Tabel nilai PPAP',
            "indicators[ppap_ppapwd]",
            "reason",
        ),
        ('aspect = "permodalan"', 'aspect = "modal"', "indicators[", "unknown aspect"),
        ("min = 66", "min = 85", "predikat", "strictly falling"),
        ('confidence = "C2"\nitems', 'confidence = "MAYBE"\nitems', "indicators[", "confidence"),
    ],
)
def test_bad_ruleset_is_refused_naming_the_entry(old, new, entry, words):
    assert old in VALID, "the mutation must apply to the shipped ruleset"
    with pytest.raises(RulesetError) as caught:
        parse_ruleset(VALID.replace(old, new, 1))
    assert caught.value.entry.startswith(entry)
    assert words in caught.value.message


def test_quantity_cycles_are_refused():
    text = VALID.replace(
        "[quantities]\n", "[quantities]\nloop_a = { loop_b = 1 }\nloop_b = { loop_a = 1 }\n"
    )
    text = text.replace(
        'numerator = "shu_setelah_pajak"\ndenominator = "total_aset"',
        'numerator = "loop_a"\ndenominator = "total_aset"',
        1,
    )
    with pytest.raises(RulesetError, match="refers to itself"):
        parse_ruleset(text)


def test_invalid_toml_is_refused():
    with pytest.raises(RulesetError, match="not valid TOML"):
        parse_ruleset("id = ")

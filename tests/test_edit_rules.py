"""Each validity and quality edit, on a balanced report and on one slip at a time."""

import json
from pathlib import Path

import pytest

from sikomo.edit_rules import QUALITY, RULES, VALIDITY, as_json, can_submit, check, unexplained

BALANCED = json.loads((Path(__file__).parent / "scoring/data/ksp_sejahtera_2025.json").read_text())
PREVIOUS = {"total_aset": 7_650_000_000, "total_ekuitas": 2_470_000_000, "jumlah_anggota": 1185}


def rules_hit(data, previous=None, tahun_buku=2025):
    return {f.rule for f in check(data, tahun_buku, previous)}


def test_the_balanced_sample_passes_every_edit():
    assert check(BALANCED, 2025, PREVIOUS) == []


@pytest.mark.parametrize(
    ("change", "rule"),
    [
        ({"total_aset": None}, "wajib_diisi"),
        ({"jumlah_anggota": None}, "wajib_diisi"),
        ({"kas": 120_000_002}, "jumlah_aset"),
        ({"ppap": 0}, "jumlah_aset"),
        ({"hutang_biaya": 6_000_000}, "jumlah_kewajiban_lancar"),
        ({"pinjaman_bank_jangka_panjang": 700_000_000}, "jumlah_kewajiban"),
        ({"cadangan_umum": 650_000_000}, "jumlah_ekuitas"),
        ({"pinjaman_anggota": 7_180_000_001}, "pinjaman_anggota"),
    ],
)
def test_validity_edit_blocks_submission(change, rule):
    data = {**BALANCED, **change}
    found = [f for f in check(data, 2025, PREVIOUS) if f.rule == rule]
    assert found and all(f.kind == VALIDITY for f in found)
    assert not can_submit(check(data, 2025, PREVIOUS), {rule: "sudah benar"})


def test_sums_allow_one_rupiah_of_rounding():
    assert "jumlah_aset" not in rules_hit({**BALANCED, "kas": 120_000_001})


def test_neraca_must_balance():
    data = {**BALANCED, "total_aset": 8_400_000_002, "aset_lain": 10_000_002}
    assert rules_hit(data) == {"neraca_seimbang"}


def test_a_blank_item_is_named_not_read_as_zero():
    message = next(
        f.message for f in check({**BALANCED, "kas": None}, 2025) if f.rule == "jumlah_aset"
    )
    assert "Rincian yang masih kosong: kas" in message and "Rp 8.280.000.000" in message


@pytest.mark.parametrize(
    ("change", "previous", "rule"),
    [
        ({"shu_belum_dibagi": 290_000_000, "cadangan_umum": 706_000_000}, None, "shu_belum_dibagi"),
        ({}, {"total_aset": 7_600_000_000}, "lalu_beda_disetujui"),
        ({"total_aset_lalu": 5_500_000_000}, None, "perubahan_aset"),
        ({"jumlah_anggota_lalu": 1_551}, None, "penurunan_anggota"),
        ({"tanggal_rat": "2026-07-01"}, None, "rat_terlambat"),
    ],
)
def test_quality_edit_needs_an_explanation(change, previous, rule):
    findings = check({**BALANCED, **change}, 2025, previous)
    assert {f.rule for f in findings} == {rule}
    assert findings[0].kind == QUALITY
    assert not can_submit(findings, {})
    assert not can_submit(findings, {rule: "   "})
    assert can_submit(findings, {rule: "Sesuai keputusan RAT."})
    assert unexplained(findings, {rule: "ok"}) == []


@pytest.mark.parametrize(
    ("change", "hit"),
    [
        ({"total_aset_lalu": 5_600_000_000}, False),  # +50,0 %: on the edge, not beyond it
        ({"total_aset_lalu": 5_599_000_000}, True),
        ({"jumlah_anggota_lalu": 1_550}, False),  # exactly 20 % fewer
        ({"jumlah_anggota_lalu": 1_551}, True),
        ({"tanggal_rat": "2026-06-30"}, False),
        ({"tanggal_rat": "2026-07-01"}, True),
    ],
)
def test_quality_edges(change, hit):
    codes = {"perubahan_aset", "penurunan_anggota", "rat_terlambat"}
    assert bool(rules_hit({**BALANCED, **change}) & codes) == hit


def test_rules_are_published_as_data():
    data = as_json()
    assert [r["code"] for r in data["rules"]] == [r.code for r in RULES]
    assert {r["kind"] for r in data["rules"]} == {VALIDITY, QUALITY}
    assert json.loads(json.dumps(data)) == data

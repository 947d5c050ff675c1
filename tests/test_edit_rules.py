"""Each validity and quality edit, on a balanced report and on one slip at a time."""

import json
from pathlib import Path

import pytest

from sikomo.edit_rules import (
    QUALITY,
    RULES,
    VALIDITY,
    as_json,
    can_submit,
    check,
    questionnaire_for,
    unexplained,
)

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
    assert "Rincian yang masih kosong: Kas." in message and "Rp 8.280.000.000" in message


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
    assert "kuesioner_lengkap" in {r["code"] for r in data["rules"] if r["kind"] == VALIDITY}
    assert json.loads(json.dumps(data)) == data


# --- Questionnaire: every item of the scoring method answered (KSP/USP only) ----------------
QUESTIONS = questionnaire_for(None, 2025)
EVERY_ITEM = {code: False for group in QUESTIONS for code in group.codes}


def questionnaire_message(answers) -> str | None:
    found = [f for f in check({**BALANCED, "kuesioner": answers}, 2025, PREVIOUS,
                              questionnaire=QUESTIONS) if f.rule == "kuesioner_lengkap"]  # fmt: skip
    assert len(found) <= 1 and all(f.kind == VALIDITY for f in found)
    return found[0].message if found else None


def test_the_questionnaire_is_checked_only_when_asked_for():
    assert "kuesioner_lengkap" not in rules_hit(BALANCED)  # e.g. the bulk import of past reports
    assert check(BALANCED, 2025, PREVIOUS, questionnaire=()) == []  # not health-scored


def test_the_2025_questionnaire_is_grouped_by_component_with_the_rulesets_labels():
    assert [(g.label, len(g.codes)) for g in QUESTIONS] == [
        ("Prinsip Koperasi", 28), ("Kelembagaan", 30), ("Manajemen Koperasi", 19),
        ("Risiko Inheren", 21), ("Kualitas Penerapan Manajemen Risiko (KPMR)", 47),
    ]  # fmt: skip
    assert questionnaire_for(None, 2019)[0].label == "Manajemen"  # the older method's items
    assert questionnaire_for(None, 1999) == () and questionnaire_for("tidak_ada", 2025) == ()


@pytest.mark.parametrize(
    ("open_items", "expected"),
    [
        ([], None),
        (["tk.prinsip.demokratis.2", "tk.prinsip.demokratis.3", "tk.prinsip.demokratis.4",
          "tk.prinsip.kerjasama.1"],
         "Prinsip Koperasi 4 dari 28 butir belum dijawab (Pengelolaan dilakukan secara "
         "demokratis: butir 2–4; Kerja sama antarkoperasi: butir 1 “Ada kerjasama yang "),
        ([f"tk.lembaga.anggaran_dasar.{n}" for n in range(1, 18)],
         "Kelembagaan 17 dari 30 butir belum dijawab (Anggaran Dasar: semua 17 butir)."),
        ([f"tk.prinsip.sukarela.{n}" for n in (1, 2)] + [f"tk.prinsip.demokratis.{n}" for n in (1,)]
         + [f"tk.prinsip.kemandirian.{n}" for n in (1, 3)] + ["tk.prinsip.pendidikan.4"],
         "(Keanggotaan bersifat sukarela dan terbuka: butir 1–2; Pengelolaan dilakukan secara "
         "demokratis: butir 1 “"),
        (["tk.prinsip.sukarela.1", "tk.prinsip.demokratis.1", "tk.prinsip.kemandirian.1",
          "tk.prinsip.pendidikan.1"],
         "dan 1 indikator lain)"),
    ],
)  # fmt: skip
def test_open_items_are_named_by_group_indicator_and_number(open_items, expected):
    answers = {k: v for k, v in EVERY_ITEM.items() if k not in open_items}
    message = questionnaire_message(answers)
    if expected is None:
        assert message is None
    else:
        assert message.startswith("Kuesioner belum lengkap: ") and expected in message
        assert "tk." not in message  # item numbers and words, not codes


def test_a_blank_questionnaire_names_every_group_once():
    message = questionnaire_message({})
    assert message.startswith("Kuesioner belum lengkap: Prinsip Koperasi 28 dari 28 butir belum "
                              "dijawab; Kelembagaan 30 dari 30 butir belum dijawab; ")  # fmt: skip
    assert len(message) < 400  # readable, not a wall of codes


@pytest.mark.parametrize("bad", ["ya", 1, None, [True]])
def test_an_answer_that_is_not_true_or_false_is_not_an_answer(bad):
    answers = {**EVERY_ITEM, "tk.prinsip.sukarela.1": bad}
    assert "butir 1 “Kepatuhan" in questionnaire_message(answers)
    assert questionnaire_message("bukan pemetaan") is not None  # bad input: a finding, no crash


def test_the_questionnaire_finding_names_its_items_as_fields():
    found = check(BALANCED, 2025, questionnaire=QUESTIONS)
    (finding,) = [f for f in found if f.rule == "kuesioner_lengkap"]
    assert finding.fields[0] == "kuesioner" and "kuesioner.tk.prinsip.sukarela.1" in finding.fields
    assert not can_submit(found, {})


@pytest.mark.parametrize(
    ("share", "full"), [("beban_usaha_anggota", "beban_usaha"),
                        ("beban_perkoperasian_anggota", "beban_perkoperasian")],
)  # fmt: skip
def test_a_member_share_of_costs_cannot_exceed_the_whole(share, full):
    rules = {f.rule for f in check({**BALANCED, share: BALANCED[full] + 1}, 2025)}
    assert share in rules
    assert share not in {f.rule for f in check({**BALANCED, share: BALANCED[full]}, 2025)}


def test_a_prior_year_count_that_differs_is_written_as_a_count_once_named():
    data = {**BALANCED, "jumlah_anggota_lalu": 510, "total_aset_lalu": 7_500_000_000}
    previous = {"jumlah_anggota": 500, "total_aset": 7_600_000_000}
    messages = [f.message for f in check(data, 2025, previous) if f.rule == "lalu_beda_disetujui"]
    assert any("(510)" in m and "(500)" in m and "Rp" not in m for m in messages), messages
    assert any("Rp 7.500.000.000" in m and "Rp 7.600.000.000" in m for m in messages), messages
    assert not any("tahun tahun" in m for m in messages), messages

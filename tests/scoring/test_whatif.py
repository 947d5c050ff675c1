"""What it takes to reach the next predikat: hand-checked plans, refusals, and random reports."""

import copy
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring import assess, builtin_rulesets
from scoring.cli import main
from scoring.whatif import simulate, what_it_takes
from scoring.whatif_moves import LOWER_ONLY, RAISE_ONLY

from .conftest import OLD_EXTRA, all_answers, load_report

NEW = builtin_rulesets()["permenkop_9_2020"]
TK = [i for i in NEW.indicators if i.aspect == "tata_kelola"]
AD = NEW.indicator("tk_lembaga_anggaran_dasar")  # the 17-item questionnaire
# Fifteen tata kelola indicators answered all "tidak": 15 × 3 skor lost of 68.
FAILED = [i for i in TK if i is not AD][:15]


def total(tk_lost: int = 45, kinerja_lost: int = 0) -> float:
    """The weighted total, by hand, with skor lost in tata kelola (of 68) and kinerja (of 64)."""
    return round(30 * (68 - tk_lost) / 68 + 15 + 40 * (64 - kinerja_lost) / 64 + 15, 2)


SEHAT_AFTER = total()  # 80,147… → 80,15: Sehat
RANKS = [p.code for p in NEW.predikat]


def healthy() -> dict:
    """The sample with every ratio in its best band and every item terpenuhi: total 100."""
    report = load_report()
    report.update(surat_berharga=2_400_000_000, bank=1_000_000_000, total_aset=8_500_000_000,
                  shu_setelah_pajak=600_000_000, shu_kotor=1_600_000_000,
                  pinjaman_lancar=7_300_000_000)  # fmt: skip
    return {**report, "kuesioner": all_answers()}


def failing(report: dict, indicators=FAILED) -> dict:
    answers = dict(report["kuesioner"])
    for ind in indicators:
        answers |= dict.fromkeys((i.code for i in ind.items), False)
    return {**report, "kuesioner": answers}


def test_the_healthy_base_is_all_best():
    result = assess(healthy())
    assert result.total == 100 and all(i.nilai == 1 for i in result.indicators if i.scored)


def test_a_single_money_move_lands_exactly_on_the_growth_edge():
    report = failing({**healthy(), "total_aset_lalu": 7_740_000_000})  # growth 9,82 %: nilai 2
    assert assess(report).total == total(kinerja_lost=1) == 79.52
    plan = what_it_takes(report)
    assert plan.predikat == "cukup_sehat" and (plan.next_predikat, plan.next_min) == ("sehat", 80)
    (move,) = plan.moves
    new = 7_740_000_000 * 110 // 100  # growth exactly 10 %: the band [10, inf) holds its edge
    assert (move.indicator, move.change.field, move.change.label) == (
        "pertumbuhan_aset",
        "total_aset",
        "Total aset",
    )
    assert (move.change.current, move.change.new, move.change.delta) == (
        8_500_000_000,
        new,
        14_000_000,
    )
    assert (move.change.direction, move.target_nilai, move.target_ratio) == ("naik", 1, 10)
    assert (plan.total_after, plan.predikat_after) == (SEHAT_AFTER, "sehat")
    assert simulate(report, {"total_aset": new - 1}).indicator("pertumbuhan_aset").nilai == 2
    assert move.sentence.startswith(
        "Tambah total aset sebesar Rp 14.000.000 (dari Rp 8.500.000.000"
    )


def test_an_open_edge_is_crossed_by_one_rupiah():
    report = failing({**healthy(), "shu_kotor": 1_500_000_000})  # 620/1500 = 41,33 %: nilai 2
    (move,) = what_it_takes(report).moves
    # Beban usaha ÷ SHU kotor < 40 is nilai 1: SHU kotor must pass 620 jt ÷ 0,4 = 1.550 jt.
    assert (move.indicator, move.change.field) == ("biaya_usaha_shu_kotor", "shu_kotor")
    assert move.change.new == 1_550_000_001 and move.also_changes == ()
    assert (
        simulate(report, {"shu_kotor": 1_550_000_000}).indicator("biaya_usaha_shu_kotor").nilai == 2
    )
    assert "Rp 50.000.001" in move.sentence and "sedikit di bawah 40 %" in move.sentence


def test_a_questionnaire_move_names_the_fewest_items():
    report = failing(healthy())
    report["kuesioner"] |= dict.fromkeys((i.code for i in AD.items[12:]), False)  # 12/17: nilai 2
    plan = what_it_takes(report)
    (move,) = plan.moves
    assert (move.indicator, move.change.field) == (AD.code, "kuesioner")
    assert (move.change.current, move.change.new, move.change.delta) == (12, 13, 1)
    assert move.change.items == ((AD.items[12].code, AD.items[12].text),)
    assert move.sentence.startswith("Penuhi 1 butir lagi pada «Anggaran Dasar» (dari 12 menjadi 13")
    assert plan.changes() == {f"kuesioner.{AD.items[12].code}": True}
    assert (plan.total_after, plan.predikat_after) == (SEHAT_AFTER, "sehat")


def test_fewer_moves_win_over_smaller_ones():
    report = failing({**healthy(), "total_aset_lalu": 7_740_000_000}, TK[:16])
    plan = what_it_takes(report)
    assert len(plan.moves) == 2 and plan.predikat_after == "sehat"
    money, items = sorted(plan.moves, key=lambda m: m.change.field == "kuesioner")
    assert money.change.field == "total_aset"
    # 1,81 points short: one tata kelola indicator must reach nilai 1 (3 skor, > 75 % terpenuhi);
    # the fewest items for that relative to its size: 13 of 17 (3/3, 4/4 and 4/5 are more).
    assert (items.indicator, items.change.new, items.target_nilai) == (AD.code, 13, 1)
    assert items.change.items == tuple((i.code, i.text) for i in AD.items[:13])


def test_no_plan_within_the_move_limit_says_so():
    report = failing({**healthy(), "total_aset_lalu": 7_740_000_000}, TK[:16])
    plan = what_it_takes(report, max_moves=1)
    assert not plan.found and plan.next_predikat == "sehat" and plan.total_after is None
    assert "paling banyak 1 langkah" in plan.reason and "Sehat (≥ 80,00)" in plan.reason


def test_already_sehat_has_no_moves_and_says_why(complete_report):
    plan = what_it_takes(complete_report)
    assert plan.predikat == "sehat" and plan.next_predikat is None and not plan.found
    assert "predikat tertinggi" in plan.reason


@pytest.mark.parametrize(
    "blank", [{"total_kewajiban_lancar": None}, {"kuesioner": {}}], ids=["figure", "items"]
)
def test_a_blank_blocks_the_plan_and_is_never_the_way_up(blank):
    report = {**failing({**healthy(), "total_aset_lalu": 7_740_000_000}), **blank}
    assert not assess(report).complete
    plan = what_it_takes(report)
    assert plan.moves == () and plan.total is None and "masih sementara" in plan.reason
    assert "kosong tidak pernah dihitung" in plan.reason


def test_a_loss_is_never_suggested_and_no_figure_moves_the_wrong_way():
    report = failing({**healthy(), "total_aset_lalu": 7_740_000_000}, TK)
    plan = what_it_takes(report)
    assert plan.found and plan.predikat_after in RANKS[: RANKS.index(plan.predikat)]
    for move in plan.moves:
        ch = move.change
        assert ch.new >= 0 and not ch.field.endswith("_lalu")
        assert not (
            ch.field in RAISE_ONLY and ch.delta < 0 or ch.field in LOWER_ONLY and ch.delta > 0
        )


def test_the_older_method_gets_a_verified_plan_too():
    answers = all_answers("perdep_06_2016")
    answers |= dict.fromkeys(sorted(answers)[:30], False)
    report = {**load_report(), **OLD_EXTRA, "tahun_buku": 2019, "kuesioner": answers,
              "pinjaman_berisiko": 2_500_000_000, "volume_pinjaman_anggota": 3_000_000_000}  # fmt: skip
    plan = what_it_takes(report)
    assert plan.method == "perdep_06_2016" and plan.predikat == "cukup_sehat" and plan.found
    after = simulate(report, plan.changes())
    assert after.method == "perdep_06_2016" and after.predikat == "sehat" == plan.predikat_after


def test_simulate_scores_a_copy_with_the_changed_figures(complete_report):
    before = copy.deepcopy(complete_report)
    code = AD.items[0].code
    changes = {"shu_setelah_pajak": 100_000_000, f"kuesioner.{code}": False}
    result = simulate(complete_report, changes)
    assert complete_report == before
    expected = {**complete_report, "shu_setelah_pajak": 100_000_000,
                "kuesioner": {**complete_report["kuesioner"], code: False}}  # fmt: skip
    assert result.to_dict() == assess(expected).to_dict()
    assert result.indicator("roa").nilai == 4  # 100 jt ÷ 8.400 jt = 1,19 %


def test_simulate_refuses_an_unknown_field_in_indonesian(complete_report):
    with pytest.raises(ValueError, match="kolom tidak dikenal"):
        simulate(complete_report, {"laba": 1})


def test_the_command_prints_the_plan_in_indonesian(tmp_path, capsys):
    path = tmp_path / "laporan.json"
    path.write_text(json.dumps(failing({**healthy(), "total_aset_lalu": 7_740_000_000})))
    assert main(["whatif", str(path)]) == 0
    out = capsys.readouterr().out
    assert (
        "Predikat berikutnya: Sehat" in out and "1. Tambah total aset sebesar Rp 14.000.000" in out
    )
    assert "Setelah dinilai ulang: total 80,15, Sehat." in out


# ---- random valid reports: the sample with every figure scaled, random answers -------------

MONEY = [k for k, v in load_report().items() if isinstance(v, int) and k != "tahun_buku"]
ITEMS = sorted(NEW.item_codes)


@st.composite
def reports(draw) -> dict:
    base = load_report()
    scale = draw(st.lists(st.integers(20, 400), min_size=len(MONEY), max_size=len(MONEY)))
    figures = {k: base[k] * s // 100 for k, s in zip(MONEY, scale, strict=True)}
    answers = draw(st.lists(st.booleans(), min_size=len(ITEMS), max_size=len(ITEMS)))
    return {**base, **figures, "kuesioner": dict(zip(ITEMS, answers, strict=True))}


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reports())
def test_a_returned_plan_really_reaches_the_next_predikat(report):
    before = copy.deepcopy(report)
    plan = what_it_takes(report)
    assert report == before  # the input is never mutated
    base = assess(report)
    if not plan.found:
        assert plan.reason and (base.next_predikat is None or plan.next_predikat is not None)
        return
    after = simulate(report, plan.changes())
    assert after.complete and RANKS.index(after.predikat) <= RANKS.index(plan.next_predikat)
    assert (after.total, after.predikat) == (plan.total_after, plan.predikat_after)
    assert len({m.indicator for m in plan.moves}) == len(plan.moves)
    for move in plan.moves:  # each move alone puts its indicator in the band it names
        alone = simulate(report, _one(move))
        assert alone.indicator(move.indicator).nilai == move.target_nilai
        assert "Rp " in move.sentence or move.sentence.startswith("Penuhi")


def _one(move) -> dict:
    if move.change.items:
        return {f"kuesioner.{code}": True for code, _ in move.change.items}
    return {move.change.field: move.change.new}


@settings(max_examples=15, deadline=None)
@given(reports(), st.sampled_from(MONEY), st.integers(0, 10**12))
def test_simulate_equals_assess_of_the_changed_copy(report, field, value):
    before = copy.deepcopy(report)
    result = simulate(report, {field: value})
    assert report == before
    assert result.to_dict() == assess({**report, field: value}).to_dict()


OLD_ITEMS = sorted(builtin_rulesets()["perdep_06_2016"].item_codes)


@settings(max_examples=5, deadline=None)
@given(reports(), st.lists(st.booleans(), min_size=len(OLD_ITEMS), max_size=len(OLD_ITEMS)))
def test_an_older_method_plan_really_reaches_the_next_predikat(report, answers):
    old = {
        **report,
        **OLD_EXTRA,
        "tahun_buku": 2019,
        "kuesioner": dict(zip(OLD_ITEMS, answers, strict=True)),
    }
    plan = what_it_takes(old)
    ranks = [p.code for p in builtin_rulesets()["perdep_06_2016"].predikat]
    if plan.found:
        after = simulate(old, plan.changes())
        assert ranks.index(after.predikat) <= ranks.index(plan.next_predikat)
    else:
        assert plan.reason

"""assess_frame gives bit-identical results to assess on every indicator, aspect and total."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring import ReportError, assess, assess_frame, builtin_rulesets
from scoring.schema import fields

RULESETS = builtin_rulesets().values()
USED = {f for rs in RULESETS for ind in rs.indicators for f in ind.fields}
NUMERIC = sorted(USED | {"jumlah_anggota", "volume_usaha"})
SIGNED = {k for k, f in fields().items() if f.kind == "signed_money"}
ITEMS = sorted(set().union(*(rs.item_codes for rs in RULESETS)))

ENABLED = sorted({i.code for rs in RULESETS for i in rs.indicators if i.enabled})
ALL_NA = {rs.id: {i.code for i in rs.indicators if i.enabled} for rs in RULESETS}

# Small integers around 100 land ratios exactly on band edges (num × 100 ÷ 100 = num); the
# same scaled to Rp 10^12 and 10^15 test exactness where floats round (D19).
amount = st.one_of(
    st.none(),
    st.just(0),
    st.just(100),
    st.integers(0, 200),
    st.integers(0, 200).map(lambda x: x * 10**12),
    st.integers(0, 1000).map(lambda x: x * 10**12),
    st.integers(0, 10**13),
    st.integers(0, 10**15),
)
signed = st.one_of(
    amount, st.integers(-200, -1), st.integers(-(10**12), 0), st.integers(-(10**15), 0)
)


@st.composite
def reports(draw, complete=False):
    report = {k: draw(signed if k in SIGNED else amount) for k in NUMERIC}
    report["tahun_buku"] = draw(st.sampled_from([2017, 2020, 2021, 2025]))
    rng = draw(st.randoms(use_true_random=False))
    blank = 0.0 if complete else draw(st.sampled_from([0.0, 0.3, 1.0]))
    report["kuesioner"] = {c: rng.random() < 0.7 for c in ITEMS if rng.random() >= blank}
    if draw(st.booleans()):
        report["_na"] = {c: "alasan" for c in draw(st.sets(st.sampled_from(ENABLED), max_size=4))}
    return report


def method_of(report: dict) -> str:
    return "permenkop_9_2020" if report["tahun_buku"] >= 2021 else "perdep_06_2016"


def single(report: dict):
    plain = {k: v for k, v in report.items() if k != "_na"}
    na = {c: r for c, r in report.get("_na", {}).items() if c in ALL_NA[method_of(report)]}
    return assess(plain, not_applicable=na)


def to_frame(batch: list[dict]) -> pd.DataFrame:
    rows = []
    for report in batch:
        row = {k: v for k, v in report.items() if k not in ("kuesioner", "_na")}
        row.update({f"kuesioner.{c}": report.get("kuesioner", {}).get(c) for c in ITEMS})
        na = report.get("_na", {})
        row.update({f"tidak_berlaku.{c}": na[c] for c in na if c in ALL_NA[method_of(report)]})
        rows.append(row)
    return pd.DataFrame(rows)


def same(single, batch) -> bool:
    if single is None:
        return bool(pd.isna(batch))
    return float(single) == float(batch)


def assert_equivalent(batch: list[dict]) -> None:
    frame = assess_frame(to_frame(batch))
    for position, report in enumerate(batch):
        expected = single(report)
        row = frame.iloc[position]
        for ind in expected.indicators:
            assert row[f"{ind.code}.status"] == ind.status, ind.code
            assert same(ind.ratio, row[f"{ind.code}.ratio"]), (
                ind.code,
                ind.ratio,
                row[f"{ind.code}.ratio"],
            )
            if f"{ind.code}.nilai" in frame.columns:
                assert same(ind.nilai, row[f"{ind.code}.nilai"]), ind.code
                assert same(ind.skor, row[f"{ind.code}.skor"]), ind.code
        for aspect in expected.aspects:
            assert same(aspect.score, row[f"aspek.{aspect.code}.skor"]), aspect.code
            assert same(aspect.score_min, row[f"aspek.{aspect.code}.skor_min"]), aspect.code
            assert same(aspect.score_max, row[f"aspek.{aspect.code}.skor_max"]), aspect.code
            assert aspect.predikat == (
                None
                if pd.isna(row[f"aspek.{aspect.code}.predikat"])
                else row[f"aspek.{aspect.code}.predikat"]
            )
        assert same(expected.total, row["total"])
        assert same(expected.total_min, row["total_min"])
        assert same(expected.total_max, row["total_max"])
        for key in ("predikat", "predikat_min", "predikat_max"):
            assert getattr(expected, key) == (None if pd.isna(row[key]) else row[key]), key
        assert expected.provisional == bool(row["provisional"])
        assert expected.indicators_scored == row["indicators_scored"]
        assert expected.method == row["method"]


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.lists(reports(), min_size=1, max_size=6))
def test_frame_matches_single_reports_with_gaps_zeros_and_edges(batch):
    assert_equivalent(batch)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.lists(reports(complete=True), min_size=1, max_size=6))
def test_frame_matches_single_reports_with_complete_bool_questionnaires(batch):
    assert_equivalent(batch)


def test_frame_matches_on_the_sample_report(report, complete_report):
    assert_equivalent([report, complete_report, {**complete_report, "tahun_buku": 2019}])


def test_frame_keeps_the_input_index_and_row_order(complete_report):
    df = to_frame([complete_report, {**complete_report, "tahun_buku": 2018}, complete_report])
    df.index = [30, 10, 20]
    out = assess_frame(df)
    assert list(out.index) == [30, 10, 20]
    assert list(out["method"]) == ["permenkop_9_2020", "perdep_06_2016", "permenkop_9_2020"]


def test_frame_accepts_text_answers_from_csv(complete_report):
    df = to_frame([complete_report])
    df["kuesioner.tk.prinsip.sukarela.1"] = ["Tidak"]
    assert assess_frame(df)["tk_prinsip_sukarela.ratio"].iloc[0] == 75


@pytest.mark.parametrize(
    ("column", "value", "words"),
    [
        ("kas", "banyak", "bilangan bulat"),
        ("bank", -5, "negatif"),
        ("total_aset", 1.5, "bilangan bulat"),
        ("kuesioner.tk.prinsip.sukarela.1", "mungkin", "ya/tidak"),
        ("kas_besar", 1, "tidak dikenal"),
        ("kas", "1000", "bilangan bulat"),
        ("kas", True, "bilangan bulat"),
        ("total_aset", 10**15 + 1, "melebihi batas"),
    ],
)
def test_frame_names_the_row_and_column_of_bad_input(report, column, value, words):
    df = pd.DataFrame([report, report, report])
    df[column] = [report.get(column, 0), report.get(column, 0), value]
    with pytest.raises(ReportError) as caught:
        assess_frame(df)
    assert caught.value.field == column and words in caught.value.message
    if column != "kas_besar":
        assert caught.value.row == 3


def test_frame_of_a_large_batch_crosses_chunks(complete_report):
    from scoring import frame as frame_module

    n = frame_module.CHUNK + 7
    df = pd.DataFrame([complete_report | {"kuesioner": None}] * n).drop(columns="kuesioner")
    df.loc[n - 1, "shu_setelah_pajak_lalu"] = None
    out = assess_frame(df)
    assert out["pertumbuhan_shu.status"].iloc[-1] == "tidak_dapat_dihitung"
    assert (out["pertumbuhan_shu.status"].iloc[:-1] == "ok").all()
    assert np.isnan(out["pertumbuhan_shu.ratio"].iloc[-1])
    assert out["provisional"].iloc[-1]

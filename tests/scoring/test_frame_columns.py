"""assess_frame keeps each figure in the narrowest dtype that holds it exactly (D19, memory)."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring import assess_frame, builtin_rulesets
from scoring.frame_io import exact_dtype, nilai_values, share_codes, share_values, skor_values

from .test_frame_equivalence import reports, single, to_frame

RULESETS = builtin_rulesets()


@pytest.mark.parametrize(
    ("values", "dtype"),
    [
        ((), np.int8),
        ((1.0, 2.0, 3.0, 4.0), np.int8),
        ((0.0, 25.0, 100.0), np.int8),
        ((-128.0, 127.0), np.int8),
        ((128.0,), np.float32),
        ((-129.0,), np.float32),
        ((0.5,), np.float32),
        ((1.25, 2.5, 3.75), np.float32),
        ((16_777_216.0,), np.float32),
        ((16_777_217.0,), np.float64),
        ((0.6,), np.float64),
        ((100 / 3,), np.float64),
    ],
)
def test_exact_dtype_is_the_narrowest_that_holds_every_value(values, dtype):
    assert exact_dtype(values) == np.dtype(dtype)


def test_the_2020_method_keeps_nilai_and_skor_1_to_4_as_small_integers():
    rs = RULESETS["permenkop_9_2020"]
    for ind in (i for i in rs.indicators if i.enabled):
        assert nilai_values(ind) == skor_values(rs, ind) == {1.0, 2.0, 3.0, 4.0}, ind.code


def test_a_linear_rule_gives_every_step_between_its_ends():
    rs = RULESETS["perdep_06_2016"]
    ind = next(i for i in rs.indicators if i.linear is not None)
    rule = ind.linear
    steps = round((rule.nilai_max - rule.nilai_min) / rule.step) + 1
    assert len(nilai_values(ind)) == steps
    assert min(nilai_values(ind)) == rule.nilai_min and max(nilai_values(ind)) == rule.nilai_max


def test_a_questionnaires_shares_are_every_yes_of_every_answered_count():
    shares = share_values(4)[0]
    assert shares.tolist() == [0, 25, 100 / 3, 50, 200 / 3, 75, 100]
    answered, yes = np.array([0.0, 3, 2, 4, 4]), np.array([0.0, 1, 1, 2, 4])
    codes = share_codes(4, yes, answered)
    assert codes[0] == -1  # nothing answered: no ratio
    assert shares[codes[1:]].tolist() == [100 / 3, 50, 50, 100]


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.lists(reports(), min_size=1, max_size=4))
def test_every_nilai_and_skor_assess_gives_is_in_its_indicators_value_set(batch):
    for report in batch:
        result = single(report)
        rs = RULESETS[result.method]
        for r in result.indicators:
            ind = rs.indicator(r.code)
            if r.nilai is not None:
                assert r.nilai in nilai_values(ind), r.code
                assert r.skor in skor_values(rs, ind), r.code
            for skor in (r.skor_min, r.skor_max):
                assert skor is None or skor in skor_values(rs, ind), r.code


def test_a_2025_report_costs_under_720_bytes_in_the_frame_not_1200(complete_report):
    df = to_frame([complete_report])
    df = df.loc[df.index.repeat(20_000)].reset_index(drop=True)
    out = assess_frame(df)
    assert out.memory_usage(index=False, deep=True).sum() / len(df) < 720
    assert out["roa.nilai"].dtype == "Int8" and out["roa.ratio"].dtype == np.float64


def test_a_questionnaire_ratio_is_a_categorical_of_its_shares_that_reads_as_floats(
    report, complete_report
):
    answers = {**complete_report["kuesioner"], "tk.prinsip.sukarela.1": False}
    out = assess_frame(to_frame([{**complete_report, "kuesioner": answers}, report]))
    ratio = out["tk_prinsip_sukarela.ratio"]
    assert isinstance(ratio.dtype, pd.CategoricalDtype)
    assert ratio.astype(float).iloc[0] == 75 and np.isnan(ratio.astype(float).iloc[1])

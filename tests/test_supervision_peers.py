"""Peer percentiles against a brute-force count, on random districts."""

import math
import random

import numpy as np
import pandas as pd
import pytest

from sikomo.supervision.config import config
from sikomo.supervision.peers import peer_table
from sikomo.supervision.ratios import size_class


def brute(cfg, register, values, aset):
    """Per (cooperative, ratio): the share of the other peers strictly worse, or None."""
    classes = size_class(cfg, aset)
    out = {}
    for ratio in cfg.ratios:
        v = values[ratio.code]
        for i, cid in enumerate(register.index):
            if math.isnan(v[i]):
                continue
            peers = [j for j in range(len(v)) if not math.isnan(v[j])
                     and register["jenis"].iat[j] == register["jenis"].iat[i]
                     and register["kabupaten"].iat[j] == register["kabupaten"].iat[i]
                     and classes[j] == classes[i]]  # fmt: skip
            worse = sum(
                1 for j in peers if (v[j] < v[i] if ratio.higher_is_better else v[j] > v[i])
            )
            median = float(np.median([v[j] for j in peers]))
            small = len(peers) < cfg.min_peers or classes[i] is None
            out[(cid, ratio.code)] = (None if small else 100 * worse / (len(peers) - 1), median,
                                      len(peers))  # fmt: skip
    return out


@pytest.mark.parametrize("seed", range(8))
def test_percentiles_median_and_group_size_match_a_brute_force_count(seed):
    rng = random.Random(seed)
    cfg = config()
    n = rng.randint(1, 60)
    register = pd.DataFrame(
        {"jenis": [rng.choice(("ksp", "konsumen")) for _ in range(n)],
         "kabupaten": [rng.choice(("Mojokerto", "Jombang")) for _ in range(n)]},
        index=pd.Index(range(1, n + 1), name="cooperative_id"),
    )  # fmt: skip
    aset = np.array([rng.choice((5e8, 2e9, 5e10, 2e11, math.nan)) for _ in range(n)])
    values = {r.code: np.array([math.nan if rng.random() < 0.15 else rng.choice((1.0, 2.5, 7.0,
              rng.uniform(-20, 90))) for _ in range(n)]) for r in cfg.ratios}  # fmt: skip
    table = peer_table(cfg, register, values, aset)
    expected = brute(cfg, register, values, aset)
    assert len(table) == len(expected)
    for row in table.itertuples():
        percentile, median, size = expected[(row.cooperative_id, row.rasio)]
        assert row.jumlah == size and row.median == pytest.approx(median)
        if percentile is None:
            assert math.isnan(row.persentil)
        else:
            assert row.persentil == pytest.approx(percentile)


def test_the_size_classes_are_the_bands_of_the_toml_lower_edge_inclusive():
    cfg = config()
    found = size_class(cfg, np.array([-5.0, 0, 999_999_999, 1e9, 1e10 - 1, 1e10, 1e11, math.nan]))
    assert list(found) == ["mikro", "mikro", "mikro", "kecil", "kecil", "menengah", "besar", None]

"""Peer comparison: each cooperative's percentile among its peers, in one pandas pass (pure).

Peers share the jenis, the size class (total aset of the tahun buku, rasio.toml) and the
kabupaten. The percentile is the share of the *other* peers with a worse value, in the ratio's
own direction (PostgreSQL's percent_rank: (rank − 1) ÷ (n − 1), ties at their lowest rank), so
100 is the best of its group whatever the ratio; the median is the group's, over peers with a
value. A group of fewer than `minimal` cooperatives, or without a total aset, gets no
percentile: the page says how small it is instead.
"""

import numpy as np
import pandas as pd

from sikomo.supervision.config import Config
from sikomo.supervision.ratios import size_class

COLUMNS = ["cooperative_id", "rasio", "nilai", "persentil", "median", "jumlah", "kelas_aset"]


def peer_table(
    cfg: Config, register: pd.DataFrame, values: dict[str, np.ndarray], total_aset: np.ndarray
) -> pd.DataFrame:
    """One row per (cooperative, ratio) with a value: percentile, median and group size.

    `register`: indexed by cooperative_id with jenis and kabupaten; `values`: each ratio's value
    of the tahun buku and `total_aset`, arrays aligned with the register.
    """
    n = len(register)
    groups = {
        "jenis": register["jenis"].to_numpy(),
        "kabupaten": register["kabupaten"].to_numpy(),
        "kelas_aset": size_class(cfg, total_aset),
    }
    long = pd.DataFrame(
        {
            "cooperative_id": np.tile(register.index.to_numpy(), len(cfg.ratios)),
            "rasio": np.repeat([r.code for r in cfg.ratios], n),
            "nilai": np.concatenate([values[r.code] for r in cfg.ratios]) if n else [],
            **{key: np.tile(column, len(cfg.ratios)) for key, column in groups.items()},
        }
    )
    sign = np.repeat([1.0 if r.higher_is_better else -1.0 for r in cfg.ratios], n)
    long["_score"] = long["nilai"].to_numpy() * sign
    long = long[long["nilai"].notna()]
    grouped = long.groupby([*cfg.group, "rasio"], sort=False, dropna=False)
    long["jumlah"] = grouped["nilai"].transform("size")
    long["median"] = grouped["nilai"].transform("median")
    rank = grouped["_score"].rank(method="min")
    count = long["jumlah"]
    with np.errstate(divide="ignore", invalid="ignore"):
        percentile = 100.0 * (rank - 1) / (count - 1)
    long["persentil"] = percentile.where((count >= cfg.min_peers) & long["kelas_aset"].notna())
    return long[COLUMNS].reset_index(drop=True)

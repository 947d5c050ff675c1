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
from sikomo.supervision.ratios import size_codes

COLUMNS = ["cooperative_id", "rasio", "nilai", "persentil", "median", "jumlah", "kelas_aset"]


def group_codes(cfg: Config, register: pd.DataFrame, sizes: np.ndarray) -> np.ndarray:
    """One integer per cooperative naming its peer group: the group's columns as integer codes
    (a blank one is a value of its own), so the groupings below compare integers, not text."""
    columns = {"jenis": register["jenis"], "kabupaten": register["kabupaten"], "kelas_aset": sizes}
    combined = np.zeros(len(register), dtype="int64")
    for key in cfg.group:
        codes, uniques = pd.factorize(np.asarray(columns[key]), use_na_sentinel=False)
        combined = combined * (len(uniques) + 1) + codes
    return combined


def ranked(group: np.ndarray, score: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per value: its rank within its group (ties at their lowest rank, as percent_rank), the
    group's size and the group's median score — one sort for all groups together."""
    if not len(group):
        return np.zeros(0), np.zeros(0), np.zeros(0)
    order = np.lexsort((score, group))
    g, s = group[order], score[order]
    at = np.arange(len(order))
    new_group = np.r_[True, g[1:] != g[:-1]]
    new_score = new_group | np.r_[True, s[1:] != s[:-1]]
    start = np.maximum.accumulate(np.where(new_group, at, 0))  # where the value's group begins
    tie = np.maximum.accumulate(np.where(new_score, at, 0))  # where its run of equals begins
    sizes = np.diff(np.r_[np.flatnonzero(new_group), len(g)])
    size = np.repeat(sizes, sizes)
    median = (s[start + (size - 1) // 2] + s[start + size // 2]) / 2
    back = np.empty_like(order)
    back[order] = at  # sorted position → the value's own
    return (tie - start + 1)[back], size[back], median[back]


def peer_table(
    cfg: Config, register: pd.DataFrame, values: dict[str, np.ndarray], total_aset: np.ndarray
) -> pd.DataFrame:
    """One row per (cooperative, ratio) with a value: percentile, median and group size.

    `register`: indexed by cooperative_id with jenis and kabupaten; `values`: each ratio's value
    of the tahun buku and `total_aset`, arrays aligned with the register.
    """
    n, count = len(register), len(cfg.ratios)
    sizes = size_codes(cfg, total_aset)  # -1: no total aset
    sign = np.repeat([1.0 if r.higher_is_better else -1.0 for r in cfg.ratios], n)
    nilai = np.concatenate([values[r.code] for r in cfg.ratios]) if n else np.zeros(0)
    group = np.tile(group_codes(cfg, register, sizes), count) * count
    group += np.repeat(np.arange(count), n)
    keep = ~np.isnan(nilai)
    rank, size, median = ranked(group[keep], (nilai * sign)[keep])
    with np.errstate(divide="ignore", invalid="ignore"):
        percentile = 100.0 * (rank - 1) / (size - 1)
    kelas = np.tile(sizes, count)[keep]
    return pd.DataFrame({
        "cooperative_id": np.tile(register.index.to_numpy(), count)[keep],
        "rasio": pd.Categorical.from_codes(np.repeat(np.arange(count), n)[keep],
                                           [r.code for r in cfg.ratios]),
        "nilai": nilai[keep],
        "persentil": np.where((size >= cfg.min_peers) & (kelas >= 0), percentile, np.nan),
        "median": median * sign[keep],
        "jumlah": size.astype("int64"),
        "kelas_aset": pd.Categorical.from_codes(kelas, [s.code for s in cfg.sizes]),
    })  # fmt: skip

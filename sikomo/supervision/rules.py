"""The early-warning checks, each over every cooperative of one tahun buku at once (numpy).

`YearData` holds what the checks read, as arrays aligned with the register: the figures and
ratios of the counted reports of the tahun buku and the years before it (ratios.py), their
predikat and RAT dates, and every version of the year's report (how late it came). A check
returns the positions of the cooperatives it flags; the wording and the cause are written only
for the flags shown (messages.py).
"""

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from sikomo.supervision.config import SEVERITY_ORDER, Config, Rule
from sikomo.supervision.ratios import Computed, Figures, all_ratios, band_is_worse, is_worse

SENT = ("diajukan", "disetujui", "dikembalikan")
FLAG_COLUMNS = ["cooperative_id", "aturan", "tingkat", "rasio", "hari", "batas_tanggal"]


@dataclass
class Counted:
    """The counted reports of a window, one per cooperative and tahun buku (arrays of rows)."""

    cooperative_id: np.ndarray
    tahun_buku: np.ndarray
    held: np.ndarray  # 1.0 when the report has its RAT date
    rank: np.ndarray  # the latest decided predikat's rank (0 best), NaN when none (or not read)
    items: np.ndarray  # (rows, len(keys)): the line items, NaN where blank
    keys: tuple[str, ...]  # the line items' names (figures.keys)


@dataclass
class YearData:
    cfg: Config
    year: int
    register: pd.DataFrame  # indexed by cooperative_id, ascending
    items: Figures  # (depth, n) per figure, row k = tahun buku year − k; plus "held", "rank"
    ratios: dict[str, Computed]
    versions: pd.DataFrame  # every version of the year's report
    rat_deadline: date  # the last RAT day of the tahun buku (a report without a RAT date)
    report_days: int  # batas_lapor_hari
    on: date  # the day "not sent yet" is judged on

    @property
    def ids(self) -> np.ndarray:
        return self.register.index.to_numpy()

    def position(self, cooperative_id: int) -> int | None:
        at = int(np.searchsorted(self.ids, cooperative_id))
        return at if at < len(self.ids) and self.ids[at] == cooperative_id else None

    @property
    def ksp(self) -> np.ndarray:
        reg = self.register
        sp = reg["simpan_pinjam"].fillna(False).astype(bool).to_numpy()
        return sp | reg["jenis"].isin(("ksp", "usp")).to_numpy()

    def owed(self, tahun_buku: int) -> np.ndarray:
        """On the register by the end of `tahun_buku` (a badan hukum no later, or none)."""
        founded = pd.to_datetime(self.register["tanggal_badan_hukum"], format="ISO8601")
        return (founded.isna() | (founded <= pd.Timestamp(tahun_buku, 12, 31))).to_numpy()


def scatter(year: int, depth: int, ids: np.ndarray, counted: Counted) -> Figures:
    """The counted reports' figures as (depth, n) arrays aligned with `ids`, each line item
    placed through one flat index (year offset × n + position)."""
    n, cids = len(ids), counted.cooperative_id
    at = np.minimum(np.searchsorted(ids, cids), max(n - 1, 0))
    k = year - counted.tahun_buku
    ok = (ids[at] == cids if n else np.zeros(len(cids), dtype=bool)) & (k >= 0) & (k < depth)
    flat = k[ok] * n + at[ok]

    def grid(values: np.ndarray) -> np.ndarray:
        out = np.full(depth * n, np.nan)
        out[flat] = values[ok]
        return out.reshape(depth, n)

    columns = np.ascontiguousarray(counted.items.T)  # one line item per row
    items = {key: grid(columns[i]) for i, key in enumerate(counted.keys)}
    items["held"] = np.nan_to_num(grid(counted.held), nan=0.0)
    items["rank"] = grid(counted.rank)
    return items


def year_data(cfg: Config, year: int, depth: int, register: pd.DataFrame, counted: Counted,
              versions: pd.DataFrame, rat_deadline: date, report_days: int,
              on: date) -> YearData:  # fmt: skip
    register = register.set_index("cooperative_id").sort_index()
    items = scatter(year, depth, register.index.to_numpy(), counted)
    of_year = versions[versions["tahun_buku"] == year].reset_index(drop=True)
    return YearData(cfg, year, register, items, all_ratios(cfg, items), of_year, rat_deadline,
                    report_days, on)  # fmt: skip


def worsening(rule: Rule, data: YearData) -> list[tuple[np.ndarray, str]]:
    """The ratio got worse in each of the last `years` steps (strictly: a tie breaks the run)."""
    found = []
    for code in rule.ratios:
        ratio, value = data.cfg.ratio(code), data.ratios[code].value
        mask = np.ones(value.shape[1], dtype=bool)
        for k in range(min(rule.years, value.shape[0] - 1)):
            mask &= is_worse(ratio, value[k], value[k + 1])
        found.append((mask, code))
    return found


def band_down(rule: Rule, data: YearData) -> list[tuple[np.ndarray, str]]:
    """A KSP/USP's ratio fell into a worse band of the ruleset than last year's."""
    found = []
    for code in rule.ratios:
        nilai = data.ratios[code].nilai
        found.append((band_is_worse(data.cfg.ratio(code), nilai[0], nilai[1]) & data.ksp, code))
    return found


def predikat_down(rule: Rule, data: YearData) -> list[tuple[np.ndarray, str]]:
    rank = data.items["rank"]
    with np.errstate(invalid="ignore"):
        return [(rank[0] - rank[1] >= rule.steps, "")]


def loss(rule: Rule, data: YearData) -> list[tuple[np.ndarray, str]]:
    with np.errstate(invalid="ignore"):
        return [(data.items["shu_setelah_pajak"][0] < 0, "")]


def below(rule: Rule, data: YearData) -> list[tuple[np.ndarray, str]]:
    with np.errstate(invalid="ignore"):
        return [(data.ratios[code].value[0] < rule.limit, code) for code in rule.ratios]


def no_rat(rule: Rule, data: YearData) -> list[tuple[np.ndarray, str]]:
    """Owed every report of the window and held no RAT (a counted report with its date) in it."""
    held = data.items["held"][: rule.years].sum(axis=0) > 0
    return [(data.owed(data.year - rule.years + 1) & ~held, "")]


def due_dates(data: YearData) -> pd.Series:
    """Per version of the year's report: the day it was due (its RAT date, else the deadline)."""
    held = pd.to_datetime(data.versions["tanggal_rat"], format="ISO8601")
    return held.fillna(pd.Timestamp(data.rat_deadline)) + pd.Timedelta(days=data.report_days)


def wib_days(moments: pd.Series) -> pd.Series:
    """The WIB calendar day of each stored moment (a naive one is UTC, as SQLite gives it)."""
    # ISO 8601 each on its own: PostgreSQL leaves out zero fractional seconds, so one column
    # mixes "10:00:00+00" and "10:00:00.123456+00"
    stamps = pd.to_datetime(moments, utc=True, format="ISO8601")
    return stamps.dt.tz_convert("Asia/Jakarta").dt.tz_localize(None).dt.normalize()


def late_sent(data: YearData) -> pd.DataFrame:
    """Per cooperative that sent the year's report with a submission time: its least days late
    and that version's due date (the rule of sikomo/lateness.py `judged`)."""
    v = data.versions
    timed = v["status"].isin(SENT) & ~v["imported"].astype(bool) & v["submitted_at"].notna()
    due = due_dates(data)[timed]
    days = (wib_days(v.loc[timed, "submitted_at"]) - due).dt.days.clip(lower=0)
    frame = pd.DataFrame({"cooperative_id": v.loc[timed, "cooperative_id"], "hari": days,
                          "batas_tanggal": due})  # fmt: skip
    best = frame.sort_values("hari", kind="stable").drop_duplicates("cooperative_id")
    return best.set_index("cooperative_id").reindex(data.register.index)


def late_report(rule: Rule, data: YearData) -> list[tuple[np.ndarray, str, pd.DataFrame]]:
    sent = late_sent(data)
    return [((sent["hari"] >= rule.days).to_numpy(), "", sent)]


def not_sent(rule: Rule, data: YearData) -> list[tuple[np.ndarray, str, pd.DataFrame]]:
    """Owed the year's report, sent no version (nor had one imported), and past its due day."""
    v = data.versions
    sent_ids = v.loc[v["status"].isin(SENT) | v["imported"].astype(bool), "cooperative_id"]
    newest = v.sort_values("version", ascending=False).drop_duplicates("cooperative_id")
    due = pd.Series(due_dates(data).loc[newest.index].to_numpy(), index=newest["cooperative_id"])
    default = pd.Timestamp(data.rat_deadline) + pd.Timedelta(days=data.report_days)
    due = due.reindex(data.register.index).fillna(default)
    days = (pd.Timestamp(data.on) - due).dt.days.clip(lower=0)
    owed = data.owed(data.year) & ~data.register.index.isin(sent_ids.unique())
    detail = pd.DataFrame({"hari": days, "batas_tanggal": due})
    return [(owed & (days > 0).to_numpy(), "", detail)]


CHECKS = {
    "memburuk_berturut": worsening,
    "pita_turun": band_down,
    "predikat_turun": predikat_down,
    "rugi": loss,
    "di_bawah": below,
    "tanpa_rat": no_rat,
    "belum_lapor": not_sent,
    "terlambat_lapor": late_report,
}


def evaluate(data: YearData) -> pd.DataFrame:
    """Every flag of every rule for the year (FLAG_COLUMNS), the most severe first.

    Built from positions and codes (a flag's rule, its ratio), its text columns categorical:
    a district's year has hundreds of thousands of flags."""
    ordered = sorted(data.cfg.rules, key=lambda r: SEVERITY_ORDER[r.severity])
    ratio_codes = ["", *(r.code for r in data.cfg.ratios)]
    found: dict[str, list] = {"at": [], "rule": [], "rasio": [], "hari": [], "batas_tanggal": []}
    for number, rule in enumerate(ordered):
        for result in CHECKS[rule.check](rule, data):
            where = np.flatnonzero(result[0])
            detail = result[2] if len(result) > 2 else None
            found["at"].append(where)
            found["rule"].append(np.full(len(where), number))
            found["rasio"].append(np.full(len(where), ratio_codes.index(result[1])))
            found["hari"].append(
                detail["hari"].to_numpy(dtype="float64")[where] if detail is not None
                else np.full(len(where), np.nan)
            )  # fmt: skip
            found["batas_tanggal"].append(
                detail["batas_tanggal"].to_numpy(dtype="datetime64[ns]")[where]
                if detail is not None else np.full(len(where), np.datetime64("NaT"), "M8[ns]")
            )  # fmt: skip
    if not found["at"]:
        return pd.DataFrame(columns=FLAG_COLUMNS)
    at, rule, rasio, hari, due = (np.concatenate(found[k]) for k in found)
    severity = np.array([SEVERITY_ORDER[r.severity] for r in ordered])[rule]
    order = np.lexsort((data.ids[at], severity))  # stable: a cooperative's flags in rule order
    levels = list(SEVERITY_ORDER)
    return pd.DataFrame({
        "cooperative_id": data.ids[at][order].astype("int64"),
        "aturan": pd.Categorical.from_codes(rule[order], [r.code for r in ordered]),
        "tingkat": pd.Categorical.from_codes(severity[order], levels),
        "rasio": pd.Categorical.from_codes(rasio[order], ratio_codes),
        "hari": hari[order],
        "batas_tanggal": due[order],
    })  # fmt: skip

"""The batch path: score a DataFrame of reports with numpy over the same rulesets.

Every operation mirrors engine.py in the same order, so each figure is bit-identical to the
single-report path (tests/scoring/test_frame_equivalence.py proves it with hypothesis).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from . import schema
from .engine import check_scope
from .errors import MethodError, ReportError
from .results import NOT_COMPUTABLE, NOT_SET, OK
from .ruleset import Indicator, Ruleset, Terms, all_item_codes, builtin_rulesets, ruleset_for

STATUSES = (OK, NOT_COMPUTABLE, NOT_SET)
_OK, _NC, _NS = range(3)
_TRUTHY = {"1": 1.0, "true": 1.0, "ya": 1.0, "terpenuhi": 1.0, "y": 1.0}
_FALSY = {"0": 0.0, "false": 0.0, "tidak": 0.0, "tidak terpenuhi": 0.0, "t": 0.0, "n": 0.0}


def _rint2(x: np.ndarray) -> np.ndarray:
    return np.rint(x * 100) / 100


def _first_bad(mask: np.ndarray) -> int:
    return int(np.flatnonzero(mask)[0]) + 1


class _Inputs:
    """Validated columns of one block of reports, converted lazily to float64 arrays."""

    def __init__(self, df: pd.DataFrame) -> None:
        self.df = df
        self.n = len(df)
        self._cache: dict[str, np.ndarray] = {}

    def number(self, key: str) -> np.ndarray:
        if key not in self._cache:
            self._cache[key] = self._convert(key)
        return self._cache[key]

    def _convert(self, key: str) -> np.ndarray:
        if key not in self.df.columns:
            return np.full(self.n, np.nan)
        col = self.df[key]
        if col.dtype == bool or not (pd.api.types.is_numeric_dtype(col.dtype)):
            conv = pd.to_numeric(col, errors="coerce")
            bad = conv.isna().to_numpy() & col.notna().to_numpy()
            if bad.any():
                row = _first_bad(bad)
                raise ReportError(
                    key, f"harus berupa bilangan bulat, bukan {col.iloc[row - 1]!r}", row
                )
            col = conv
        arr = col.to_numpy(dtype=np.float64, na_value=np.nan)
        known = ~np.isnan(arr)
        if (known & ~np.isfinite(arr)).any() or (known & (arr != np.floor(arr))).any():
            row = _first_bad(known & ((arr != np.floor(arr)) | ~np.isfinite(arr)))
            raise ReportError(
                key, f"harus bilangan bulat (rupiah/orang), bukan {arr[row - 1]!r}", row
            )
        if schema.fields()[key].kind != "signed_money" and (known & (arr < 0)).any():
            row = _first_bad(known & (arr < 0))
            raise ReportError(key, f"tidak boleh negatif ({arr[row - 1]:.0f})", row)
        return arr

    def answer(self, code: str) -> tuple[np.ndarray, np.ndarray]:
        """Return (yes as 1.0/0.0, answered) for one questionnaire item."""
        name = f"{schema.KUESIONER_PREFIX}{code}"
        if name not in self.df.columns:
            return np.zeros(self.n), np.zeros(self.n, dtype=bool)
        col = self.df[name]
        if col.dtype == bool:
            return col.to_numpy(dtype=np.float64), np.ones(self.n, dtype=bool)
        if pd.api.types.is_numeric_dtype(col.dtype) or isinstance(col.dtype, pd.BooleanDtype):
            arr = col.to_numpy(dtype=np.float64, na_value=np.nan)
        else:
            arr = self._parse_answers(name, col)
        answered = ~np.isnan(arr)
        if (answered & (arr != 0) & (arr != 1)).any():
            row = _first_bad(answered & (arr != 0) & (arr != 1))
            raise ReportError(
                name, f"harus 1/0, ya/tidak atau true/false, bukan {arr[row - 1]!r}", row
            )
        return np.where(answered, arr, 0.0), answered

    @staticmethod
    def _parse_answers(name: str, col: pd.Series) -> np.ndarray:
        def one(value: object) -> float:
            if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
                return np.nan
            if isinstance(value, bool | int | float):
                return float(value)
            text = str(value).strip().lower()
            if text == "":
                return np.nan
            if text in _TRUTHY or text in _FALSY:
                return _TRUTHY.get(text, _FALSY.get(text, np.nan))
            raise ReportError(name, f"harus ya/tidak atau true/false, bukan {value!r}")

        return np.fromiter((one(v) for v in col.to_numpy(dtype=object)), float, len(col))


def _linear(terms: Terms, data: _Inputs) -> np.ndarray:
    acc = np.zeros(data.n)
    for key, coef in terms:
        acc = acc + coef * data.number(key)
    return acc


def _ratio(ind: Indicator, data: _Inputs) -> tuple[np.ndarray, np.ndarray]:
    num, den = _linear(ind.numerator, data), _linear(ind.denominator, data)
    ok = ~np.isnan(num) & ~np.isnan(den) & (den > 0)
    safe = np.where(ok, den, 1.0)
    ratio = (num - den) / safe * 100 if ind.formula == "growth" else num / safe * 100
    return np.where(ok, ratio, np.nan), ok


def _questionnaire(
    ind: Indicator, data: _Inputs
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    yes, answered = np.zeros(data.n), np.zeros(data.n)
    for item in ind.items:
        y, a = data.answer(item.code)
        yes, answered = yes + y, answered + a
    ok = answered > 0
    ratio = np.where(ok, yes / np.where(ok, answered, 1.0) * 100, np.nan)
    return ratio, ok, yes, answered < len(ind.items)


def _indicator(ind: Indicator, rs: Ruleset, data: _Inputs, out: dict[str, object]) -> tuple:
    """Fill the indicator's columns; return (skor, ok, incomplete answers) for aggregation."""
    incomplete = np.zeros(data.n, dtype=bool)
    nilai = skor = np.full(data.n, np.nan)
    if ind.formula is None:
        ratio, ok = np.full(data.n, np.nan), np.zeros(data.n, dtype=bool)
    elif ind.formula in ("questionnaire", "item_count"):
        ratio, ok, yes, incomplete = _questionnaire(ind, data)
    else:
        ratio, ok = _ratio(ind, data)
    if ind.enabled and ind.formula == "item_count":
        skor = np.where(ok, np.minimum(yes * ind.value_per_item, ind.max_skor), np.nan)
        nilai = skor / ind.max_skor * 100
    elif ind.enabled and ind.bands is not None:
        idx = np.searchsorted(np.asarray(ind.bands.edges), ratio, side="right")
        values = np.asarray(ind.bands.values + (np.nan,))
        nilai = np.where(ok, values[np.where(ok, idx, len(values) - 1)], np.nan)
        weight = ind.weight or 0.0
        skor = (rs.nilai_max + 1) - nilai if rs.scale == "inverse" else nilai * weight / 100
    codes = np.where(ok, _OK, _NC).astype(np.int8) if ind.enabled else np.full(data.n, _NS, np.int8)
    small = np.float32 if rs.scale == "inverse" else np.float64  # exact: nilai, skor are 1..4
    out[f"{ind.code}.ratio"] = ratio
    if ind.enabled:
        out[f"{ind.code}.nilai"] = nilai.astype(small)
        out[f"{ind.code}.skor"] = skor.astype(small)
    out[f"{ind.code}.status"] = pd.Categorical.from_codes(codes, categories=STATUSES)
    return skor, ok & ind.enabled, incomplete & ind.enabled


def _predikat(rs: Ruleset, score: np.ndarray) -> pd.Categorical:
    codes = np.full(len(score), -1, dtype=np.int8)
    for i in range(len(rs.predikat) - 1, -1, -1):
        codes = np.where(score >= rs.predikat[i].min, i, codes).astype(np.int8)
    codes[np.isnan(score)] = -1
    return pd.Categorical.from_codes(codes, categories=[p.code for p in rs.predikat])


def _aggregate(rs: Ruleset, parts: dict[str, list[tuple]], out: dict[str, object], n: int) -> None:
    acc, weights = np.zeros(n), np.zeros(n)
    for aspect in rs.aspects:
        skor_sum, skor_max = np.zeros(n), np.zeros(n)
        for (skor, ok, _), ind in parts[aspect.code]:
            skor_sum = skor_sum + np.where(ok, skor, 0.0)
            skor_max = skor_max + np.where(ok, ind.max_skor, 0.0)
        has = skor_max > 0
        raw = np.where(has, skor_sum / np.where(has, skor_max, 1.0) * 100, np.nan)
        out[f"aspek.{aspect.code}.skor"] = _rint2(raw)
        out[f"aspek.{aspect.code}.predikat"] = _predikat(rs, _rint2(raw))
        acc = acc + np.where(has, aspect.weight * raw, 0.0)
        weights = weights + np.where(has, aspect.weight, 0.0)
    total = np.where(weights > 0, _rint2(acc / np.where(weights > 0, weights, 1.0)), np.nan)
    out["total"] = total
    out["predikat"] = _predikat(rs, total)


def _check_columns(df: pd.DataFrame, extra_items: frozenset[str]) -> None:
    known_items = all_item_codes() | extra_items
    for name in df.columns:
        key = str(name)
        if key.startswith(schema.KUESIONER_PREFIX):
            if key[len(schema.KUESIONER_PREFIX) :] not in known_items:
                raise ReportError(key, "kode butir kuesioner tidak dikenal")
        elif key not in schema.fields():
            raise ReportError(key, "kolom tidak dikenal dalam skema laporan")


def _assess_block(df: pd.DataFrame, rs: Ruleset) -> pd.DataFrame:
    if "jenis" in df.columns:
        bad = df["jenis"].notna() & ~df["jenis"].isin(rs.jenis)
        if bad.any():
            check_scope(rs, {"jenis": df["jenis"][bad].iloc[0]})
    data = _Inputs(df)
    out: dict[str, object] = {}
    parts: dict[str, list[tuple]] = {a.code: [] for a in rs.aspects}
    not_computable = np.zeros(data.n, dtype=bool)
    incomplete = np.zeros(data.n, dtype=bool)
    scored = np.zeros(data.n, dtype=np.int16)
    for ind in rs.indicators:
        result = _indicator(ind, rs, data, out)
        parts[ind.aspect].append((result, ind))
        if ind.enabled:
            not_computable |= ~result[1]
            incomplete |= result[2]
            scored += result[1]
    _aggregate(rs, parts, out, data.n)
    out["provisional"] = not_computable | incomplete
    out["indicators_scored"] = scored
    out["method"] = pd.Categorical([rs.id] * data.n) if data.n else pd.Categorical([])
    return pd.DataFrame(out, index=df.index)


def _method_of(df: pd.DataFrame, method: str | None) -> pd.Series:
    if method is not None:
        return pd.Series(ruleset_for(method, None).id, index=df.index)
    chosen = (
        df["metode"] if "metode" in df.columns else pd.Series(None, index=df.index, dtype=object)
    )
    if chosen.notna().all():
        return chosen
    if "tahun_buku" not in df.columns:
        raise MethodError("tahun_buku", "kolom tahun_buku wajib ada bila metode tidak disebutkan")
    years = pd.to_numeric(df["tahun_buku"], errors="coerce")
    lookup: Callable[[float], str] = lambda y: ruleset_for(None, int(y)).id  # noqa: E731
    by_year = {y: lookup(y) for y in years.dropna().unique()}
    if years[chosen.isna()].isna().any():
        row = _first_bad((chosen.isna() & years.isna()).to_numpy())
        raise ReportError("tahun_buku", "wajib diisi bila metode tidak disebutkan", row)
    return chosen.fillna(years.map(by_year))


def assess_frame(
    df: pd.DataFrame, method: str | None = None, ruleset: Ruleset | None = None
) -> pd.DataFrame:
    """Score every row (a report in schema columns, items as kuesioner.<code>) in one pass."""
    _check_columns(df, ruleset.item_codes if ruleset else frozenset())
    if ruleset is not None:
        return _assess_block(df, ruleset)
    methods = _method_of(df, method)
    unknown = set(methods.unique()) - set(builtin_rulesets())
    if unknown:
        raise MethodError("metode", f"metode tidak dikenal: {', '.join(sorted(map(str, unknown)))}")
    if methods.nunique() <= 1:
        return _assess_block(
            df, builtin_rulesets()[methods.iloc[0] if len(df) else "permenkop_9_2020"]
        )
    blocks = [_assess_block(df[methods == m], builtin_rulesets()[m]) for m in methods.unique()]
    return pd.concat(blocks).reindex(df.index)

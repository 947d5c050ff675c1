"""The batch path: score a DataFrame of reports with numpy over the same rulesets.

Every operation mirrors engine.py in the same order, so each figure is bit-identical to the
single-report path (tests/scoring/test_frame_equivalence.py proves it with hypothesis). Rows
are processed in cache-sized chunks written into preallocated columns: at a million rows,
fresh full-length temporaries would cost more in page faults than the arithmetic itself.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import schema
from .engine import check_scope
from .errors import MethodError, ReportError
from .results import NOT_COMPUTABLE, NOT_SET, OK
from .ruleset import Indicator, Ruleset, Terms, all_item_codes, builtin_rulesets, ruleset_for

CHUNK = 1 << 15
STATUSES = (OK, NOT_COMPUTABLE, NOT_SET)
_OK, _NC, _NS = range(3)
_ANSWERS = {"1": 1.0, "true": 1.0, "ya": 1.0, "y": 1.0, "terpenuhi": 1.0}
_ANSWERS |= {
    "": np.nan,
    "0": 0.0,
    "false": 0.0,
    "tidak": 0.0,
    "t": 0.0,
    "n": 0.0,
    "tidak terpenuhi": 0.0,
}


def _rint2(x: np.ndarray) -> np.ndarray:
    return np.rint(x * 100) / 100


class _Source:
    """The block's input columns as validated numpy arrays, extracted once and lazily."""

    def __init__(self, df: pd.DataFrame) -> None:
        self.df = df
        self.n = len(df)
        self._columns: dict[str, np.ndarray | None] = {}

    def fail(self, field: str, message: str, mask: np.ndarray) -> ReportError:
        row = int(np.flatnonzero(mask)[0])
        return ReportError(field, message.format(self.df[field].iloc[row]), row + 1)

    def number(self, key: str) -> np.ndarray | None:
        """Return the column (integer or float, NaN = unknown) or None when it is absent."""
        if key not in self._columns:
            self._columns[key] = self._convert(key) if key in self.df.columns else None
        return self._columns[key]

    def _convert(self, key: str) -> np.ndarray:
        col = self.df[key]
        if col.dtype == bool or not pd.api.types.is_numeric_dtype(col.dtype):
            conv = pd.to_numeric(col, errors="coerce")
            bad = conv.isna().to_numpy() & col.notna().to_numpy()
            if bad.any():
                raise self.fail(key, "harus berupa bilangan bulat, bukan {!r}", bad)
            col = conv
        if pd.api.types.is_integer_dtype(col.dtype) and not col.hasnans:
            arr = col.to_numpy()
        else:
            arr = col.to_numpy(dtype=np.float64, na_value=np.nan)
            wrong = ~np.isnan(arr) & ((arr != np.floor(arr)) | ~np.isfinite(arr))
            if wrong.any():
                raise self.fail(key, "harus bilangan bulat (rupiah/orang), bukan {!r}", wrong)
        if schema.fields()[key].kind != "signed_money" and (arr < 0).any():
            raise self.fail(key, "tidak boleh negatif ({!r})", arr < 0)
        return arr

    def answer(self, code: str) -> np.ndarray | None:
        """Return an item's answers: a bool array, float32 1/0/NaN, or None when absent."""
        name = f"{schema.KUESIONER_PREFIX}{code}"
        if name not in self._columns:
            self._columns[name] = self._answers(name) if name in self.df.columns else None
        return self._columns[name]

    def _answers(self, name: str) -> np.ndarray:
        col = self.df[name]
        if col.dtype == bool:
            return col.to_numpy()
        if pd.api.types.is_numeric_dtype(col.dtype) or isinstance(col.dtype, pd.BooleanDtype):
            arr = col.to_numpy(dtype=np.float32, na_value=np.nan)
        else:
            arr = np.empty(self.n, np.float32)
            for row, value in enumerate(col.to_numpy(object)):
                arr[row] = self._parse(value)
        wrong = np.isnan(arr) & col.notna().to_numpy() | ~np.isnan(arr) & (arr != 0) & (arr != 1)
        if wrong.any():
            raise self.fail(name, "harus 1/0, ya/tidak atau true/false, bukan {!r}", wrong)
        return arr

    @staticmethod
    def _parse(value: object) -> float:
        """Map a text answer to 1/0; NaN for blank, and for an unreadable text (flagged above)."""
        if isinstance(value, bool | int | float):
            return float(value)
        if value is None or value is pd.NA:
            return np.nan
        return _ANSWERS.get(str(value).strip().lower(), np.nan)


class _Inputs:
    """One chunk of rows: float64 views of the source, with quantities cached per chunk."""

    def __init__(self, source: _Source, sl: slice) -> None:
        self.source = source
        self.sl = sl
        self.n = sl.stop - sl.start
        self._numbers: dict[str, np.ndarray] = {}
        self._quantities: dict[Terms, np.ndarray] = {}
        self._answers: dict[tuple[str, ...], tuple[np.ndarray, np.ndarray]] = {}

    def number(self, key: str) -> np.ndarray:
        if key not in self._numbers:
            col = self.source.number(key)
            self._numbers[key] = (
                np.full(self.n, np.nan) if col is None else col[self.sl].astype(np.float64)
            )
        return self._numbers[key]

    def quantity(self, terms: Terms) -> np.ndarray:
        """Sum coef × field in the engine's order; coef 1 and the leading 0.0 + are exact no-ops."""
        if terms not in self._quantities:
            acc: np.ndarray | None = None
            for key, coef in terms:
                term = self.number(key) if coef == 1.0 else coef * self.number(key)
                acc = term if acc is None else acc + term
            self._quantities[terms] = acc if acc is not None else np.zeros(self.n)
        return self._quantities[terms]

    def answers(self, codes: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
        """Return per row the number of items answered yes and the number answered."""
        if codes not in self._answers:
            yes, answered = np.zeros(self.n), np.zeros(self.n)
            for code in codes:
                col = self.source.answer(code)
                if col is None:
                    continue
                part = col[self.sl]
                if part.dtype == bool:
                    yes += part
                    answered += 1.0
                else:
                    known = ~np.isnan(part)
                    yes += np.where(known, part, 0.0)
                    answered += known
            self._answers[codes] = (yes, answered)
        return self._answers[codes]


def _ratio(ind: Indicator, data: _Inputs) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    num, den = data.quantity(ind.numerator), data.quantity(ind.denominator)
    ok = den > 0  # False where den is NaN (unknown input)
    ok &= ~np.isnan(num)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = (num - den) * 100 / den if ind.formula == "growth" else num * 100 / den
    ratio[~ok] = np.nan
    return ratio, ok, None


def _questionnaire(ind: Indicator, data: _Inputs) -> tuple[np.ndarray, ...]:
    yes, answered = data.answers(tuple(item.code for item in ind.items))
    ok = answered > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = yes * 100 / answered
    ratio[~ok] = np.nan
    return ratio, ok, yes, answered


class _Columns:
    """Preallocated result columns for one ruleset; chunks write their slices into them."""

    def __init__(self, rs: Ruleset, n: int) -> None:
        self.rs = rs
        small = np.float32 if rs.scale == "inverse" else np.float64  # nilai/skor 1..4 are exact
        self.arrays: dict[str, np.ndarray] = {}
        self.categories: dict[str, list[str]] = {}
        for ind in rs.indicators:
            self.arrays[f"{ind.code}.ratio"] = np.empty(n)
            if ind.enabled:
                self.arrays[f"{ind.code}.nilai"] = np.empty(n, small)
                self.arrays[f"{ind.code}.skor"] = np.empty(n, small)
            self._categorical(f"{ind.code}.status", list(STATUSES), n)
        for aspect in rs.aspects:
            self.arrays[f"aspek.{aspect.code}.skor"] = np.empty(n)
            self._categorical(f"aspek.{aspect.code}.predikat", [p.code for p in rs.predikat], n)
        self.arrays["total"] = np.empty(n)
        self._categorical("predikat", [p.code for p in rs.predikat], n)
        self.arrays["provisional"] = np.empty(n, bool)
        self.arrays["indicators_scored"] = np.empty(n, np.int16)

    def _categorical(self, name: str, categories: list[str], n: int) -> None:
        self.arrays[name] = np.empty(n, np.int8)
        self.categories[name] = categories

    def frame(self, index: pd.Index) -> pd.DataFrame:
        out: dict[str, object] = {}
        for name, arr in self.arrays.items():
            cats = self.categories.get(name)
            out[name] = arr if cats is None else pd.Categorical.from_codes(arr, categories=cats)
        out["method"] = pd.Categorical.from_codes(np.zeros(len(index), np.int8), [self.rs.id])
        return pd.DataFrame(out, index=index, copy=False)


def _predikat_codes(rs: Ruleset, score: np.ndarray) -> np.ndarray:
    codes = np.full(len(score), -1, dtype=np.int8)
    for i in range(len(rs.predikat) - 1, -1, -1):
        codes[score >= rs.predikat[i].min] = i
    return codes


def _band_nilai(ind: Indicator, ratio: np.ndarray) -> np.ndarray:
    """Band lookup as np.searchsorted(edges, ratio, 'right'), unrolled over the few edges."""
    assert ind.bands is not None
    index = np.zeros(len(ratio), np.intp)
    for edge in ind.bands.edges:
        index += ratio >= edge
    index[np.isnan(ratio)] = len(ind.bands.values)  # not computable: NaN nilai
    return np.asarray((*ind.bands.values, np.nan))[index]


def _indicator(ind: Indicator, rs: Ruleset, data: _Inputs, out: _Columns, sl: slice) -> tuple:
    """Write the indicator's slice; return (skor, ok, incomplete answers) for aggregation."""
    incomplete = None
    if ind.formula is None:
        ratio, ok, yes = np.full(data.n, np.nan), np.zeros(data.n, bool), None
    elif ind.formula in ("questionnaire", "item_count"):
        ratio, ok, yes, answered = _questionnaire(ind, data)
        incomplete = ok & (answered < len(ind.items))
    else:
        ratio, ok, yes = _ratio(ind, data)
    out.arrays[f"{ind.code}.ratio"][sl] = ratio
    if not ind.enabled:
        out.arrays[f"{ind.code}.status"][sl] = _NS
        return None, None, None
    if ind.formula == "item_count":
        assert yes is not None
        skor = np.minimum(yes * ind.value_per_item, ind.max_skor)
        skor[~ok] = np.nan
        nilai = skor * 100 / ind.max_skor
    else:
        assert ind.bands is not None
        nilai = _band_nilai(ind, ratio)
        weight = ind.weight or 0.0
        skor = (rs.nilai_max + 1) - nilai if rs.scale == "inverse" else nilai * weight / 100
    out.arrays[f"{ind.code}.nilai"][sl] = nilai
    out.arrays[f"{ind.code}.skor"][sl] = skor
    out.arrays[f"{ind.code}.status"][sl] = (~ok).view(np.int8)  # _OK = 0, _NC = 1
    return skor, ok, incomplete


def _aggregate(rs: Ruleset, parts: dict[str, list], out: _Columns, sl: slice, n: int) -> None:
    acc, weights = np.zeros(n), np.zeros(n)
    for aspect in rs.aspects:
        skor_sum, skor_max = np.zeros(n), np.zeros(n)
        for ind, skor, ok in parts[aspect.code]:
            skor_sum += np.where(ok, skor, 0.0)
            skor_max += np.where(ok, ind.max_skor, 0.0)
        has = skor_max > 0
        with np.errstate(divide="ignore", invalid="ignore"):
            raw = skor_sum * 100 / skor_max
        raw[~has] = np.nan
        out.arrays[f"aspek.{aspect.code}.skor"][sl] = _rint2(raw)
        out.arrays[f"aspek.{aspect.code}.predikat"][sl] = _predikat_codes(rs, _rint2(raw))
        acc += np.where(has, aspect.weight * raw, 0.0)
        weights += np.where(has, aspect.weight, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        total = _rint2(acc / weights)
    total[weights <= 0] = np.nan
    out.arrays["total"][sl] = total
    out.arrays["predikat"][sl] = _predikat_codes(rs, total)


def _score_chunk(rs: Ruleset, data: _Inputs, out: _Columns, sl: slice) -> None:
    parts: dict[str, list] = {a.code: [] for a in rs.aspects}
    provisional = np.zeros(data.n, bool)
    scored = np.zeros(data.n, np.int16)
    for ind in rs.indicators:
        skor, ok, incomplete = _indicator(ind, rs, data, out, sl)
        if ok is None:
            continue
        parts[ind.aspect].append((ind, skor, ok))
        provisional |= ~ok
        if incomplete is not None:
            provisional |= incomplete
        scored += ok
    _aggregate(rs, parts, out, sl, data.n)
    out.arrays["provisional"][sl] = provisional
    out.arrays["indicators_scored"][sl] = scored


def _assess_block(df: pd.DataFrame, rs: Ruleset) -> pd.DataFrame:
    if "jenis" in df.columns:
        bad = df["jenis"].notna() & ~df["jenis"].isin(rs.jenis)
        if bad.any():
            check_scope(rs, {"jenis": df["jenis"][bad].iloc[0]})
    out = _Columns(rs, len(df))
    source = _Source(df)
    for start in range(0, len(df), CHUNK):
        sl = slice(start, min(start + CHUNK, len(df)))
        _score_chunk(rs, _Inputs(source, sl), out, sl)
    return out.frame(df.index)


def _check_columns(df: pd.DataFrame, extra_items: frozenset[str]) -> None:
    known_items = all_item_codes() | extra_items
    for name in df.columns:
        key = str(name)
        if key.startswith(schema.KUESIONER_PREFIX):
            if key.removeprefix(schema.KUESIONER_PREFIX) not in known_items:
                raise ReportError(key, "kode butir kuesioner tidak dikenal")
        elif key not in schema.fields():
            raise ReportError(key, "kolom tidak dikenal dalam skema laporan")


def _methods(df: pd.DataFrame, method: str | None) -> pd.Series:
    """Return each row's ruleset id: the argument, else the metode column, else the year."""
    if method is not None:
        return pd.Series(ruleset_for(method, None).id, index=df.index)
    chosen = df["metode"] if "metode" in df.columns else pd.Series(None, df.index, object)
    if chosen.notna().all():
        return chosen
    if "tahun_buku" not in df.columns:
        raise MethodError("tahun_buku", "kolom tahun_buku wajib ada bila metode tidak disebutkan")
    years = pd.to_numeric(df["tahun_buku"], errors="coerce")
    missing = (chosen.isna() & years.isna()).to_numpy()
    if missing.any():
        row = int(np.flatnonzero(missing)[0]) + 1
        raise ReportError("tahun_buku", "wajib diisi bila metode tidak disebutkan", row)
    by_year = {y: ruleset_for(None, int(y)).id for y in years.dropna().unique()}
    return chosen.fillna(years.map(by_year))


def assess_frame(
    df: pd.DataFrame, method: str | None = None, ruleset: Ruleset | None = None
) -> pd.DataFrame:
    """Score every row (a report in schema columns, items as kuesioner.<code>) in one pass."""
    _check_columns(df, ruleset.item_codes if ruleset else frozenset())
    if ruleset is not None:
        return _assess_block(df, ruleset)
    if df.empty:
        return _assess_block(
            df, ruleset_for(method, None) if method else builtin_rulesets()["permenkop_9_2020"]
        )
    methods = _methods(df, method)
    unknown = set(methods.unique()) - set(builtin_rulesets())
    if unknown:
        raise MethodError("metode", f"metode tidak dikenal: {', '.join(sorted(map(str, unknown)))}")
    if methods.nunique() == 1:
        return _assess_block(df, builtin_rulesets()[methods.iloc[0]])
    blocks = [_assess_block(df[methods == m], builtin_rulesets()[m]) for m in methods.unique()]
    return pd.concat(blocks).reindex(df.index)

"""The batch path's inputs and outputs: validated input columns, compact result columns.

Both paths accept the same inputs and refuse the same bad ones (D19): a money column holds
numbers (no booleans, no numeric text), whole and within Rp 10^15; blank is unknown. Each result
column takes the narrowest dtype that holds every value it can receive bit for bit.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from functools import cache

import numpy as np
import pandas as pd

from . import schema
from .engine import QUESTIONNAIRES
from .errors import ReportError
from .results import NOT_APPLICABLE, NOT_COMPUTABLE, NOT_SET, OK
from .ruleset import Indicator, Ruleset, Terms, all_item_codes

NOT_APPLICABLE_PREFIX = "tidak_berlaku."
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


class Source:
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
        if col.dtype == bool or isinstance(col.dtype, pd.BooleanDtype):
            raise self.fail(key, "harus berupa bilangan bulat, bukan {!r}", col.notna().to_numpy())
        if not pd.api.types.is_numeric_dtype(col.dtype):
            values = col.to_numpy(object)
            bad = np.fromiter((_not_a_number(v) for v in values), bool, len(values))
            if bad.any():
                raise self.fail(key, "harus berupa bilangan bulat, bukan {!r}", bad)
            col = pd.to_numeric(col, errors="coerce")
        if pd.api.types.is_integer_dtype(col.dtype) and not col.hasnans:
            arr = col.to_numpy()
        else:
            arr = col.to_numpy(dtype=np.float64, na_value=np.nan)
            wrong = ~np.isnan(arr) & ((arr != np.floor(arr)) | ~np.isfinite(arr))
            if wrong.any():
                raise self.fail(key, "harus bilangan bulat (rupiah/orang), bukan {!r}", wrong)
        if schema.fields()[key].kind != "signed_money" and (arr < 0).any():
            raise self.fail(key, "tidak boleh negatif ({!r})", arr < 0)
        too_big = np.abs(arr) > schema.MAX_AMOUNT
        if too_big.any():
            raise self.fail(
                key, f"melebihi batas {schema.MAX_AMOUNT:,}".replace(",", ".") + " ({!r})", too_big
            )
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


class Inputs:
    """One chunk of rows: float64 views of the source, with quantities cached per chunk."""

    def __init__(self, source: Source, sl: slice, fallbacks: dict[str, str]) -> None:
        self.source = source
        self.sl = sl
        self.fallbacks = fallbacks
        self.n = sl.stop - sl.start
        self._numbers: dict[str, np.ndarray] = {}
        self._quantities: dict[Terms, np.ndarray] = {}
        self._answers: dict[tuple[str, ...], tuple[np.ndarray, np.ndarray]] = {}

    def number(self, key: str) -> np.ndarray:
        """The chunk's float64 column; a blank member-share cost takes its full figure (D16)."""
        if key not in self._numbers:
            col = self.source.number(key)
            arr = np.full(self.n, np.nan) if col is None else col[self.sl].astype(np.float64)
            if key in self.fallbacks:
                arr = np.where(np.isnan(arr), self.number(self.fallbacks[key]), arr)
            self._numbers[key] = arr
        return self._numbers[key]

    def row_values(self, keys: tuple[str, ...], row: int) -> dict[str, int | None]:
        """One row's inputs as the single path sees them (for exact re-decisions near edges)."""
        values = {}
        for key in keys:
            x = self.number(key)[row]
            values[key] = None if np.isnan(x) else int(x)
        return values

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


STATUSES = (OK, NOT_COMPUTABLE, NOT_SET, NOT_APPLICABLE)
INT8 = np.dtype(np.int8)  # a column of small whole numbers, NaN kept as a mask (pandas Int8)


class Columns:
    """Preallocated result columns for one ruleset; chunks write their slices into them.

    nilai and skor take the narrowest dtype that holds every value the indicator can give
    (exact_dtype): Int8 for the 2020 method's 1..4, float32 or float64 otherwise. A
    questionnaire's ratio, a share of its few items, is a Categorical of those shares.
    """

    def __init__(self, rs: Ruleset, n: int) -> None:
        self.rs = rs
        self.arrays: dict[str, np.ndarray] = {}
        self.masks: dict[str, tuple[np.ndarray, float]] = {}  # Int8: NaN mask, a value for NaN
        self.categories: dict[str, Sequence[object]] = {}
        predikat = [p.code for p in rs.predikat]
        for ind in rs.indicators:
            if ind.formula in QUESTIONNAIRES:
                shares = share_values(len(ind.items))[0]
                self._categorical(f"{ind.code}.ratio", shares, n)
            else:
                self.arrays[f"{ind.code}.ratio"] = np.empty(n)
            if ind.enabled:
                self._number(f"{ind.code}.nilai", nilai_values(ind), n)
                self._number(f"{ind.code}.skor", skor_values(rs, ind), n)
            self._categorical(f"{ind.code}.status", STATUSES, n)
        for aspect in rs.aspects:
            for part in ("skor", "skor_min", "skor_max"):
                self.arrays[f"aspek.{aspect.code}.{part}"] = np.empty(n)
            self._categorical(f"aspek.{aspect.code}.predikat", predikat, n)
        for part in ("total", "total_min", "total_max"):
            self.arrays[part] = np.empty(n)
        for part in ("predikat", "predikat_min", "predikat_max"):
            self._categorical(part, predikat, n)
        self.arrays["provisional"] = np.empty(n, bool)
        self.arrays["indicators_scored"] = np.empty(n, np.int16)

    def _number(self, name: str, values: set[float], n: int) -> None:
        dtype = exact_dtype(values)
        self.arrays[name] = np.empty(n, dtype)
        if dtype == INT8:
            self.masks[name] = (np.empty(n, bool), min(values, default=0.0))

    def _categorical(self, name: str, categories: Sequence[object], n: int) -> None:
        codes = np.int8 if len(categories) < 128 else np.int16
        self.arrays[name] = np.empty(n, codes)
        self.categories[name] = categories

    def put(self, name: str, sl: slice, values: np.ndarray) -> None:
        """Write a chunk's values (a categorical column takes codes): exact by the dtype."""
        if name in self.masks:
            mask, lowest = self.masks[name]
            np.isnan(values, out=mask[sl])
            values = np.fmax(values, lowest)  # NaN takes a value it may hold, masked
        self.arrays[name][sl] = values

    def frame(self, index: pd.Index) -> pd.DataFrame:
        out: dict[str, object] = {}
        for name, arr in self.arrays.items():
            if name in self.masks:
                out[name] = pd.arrays.IntegerArray(arr, self.masks[name][0])
            elif name in self.categories:
                out[name] = pd.Categorical.from_codes(arr, categories=self.categories[name])
            else:
                out[name] = arr
        out["method"] = pd.Categorical.from_codes(np.zeros(len(index), np.int8), [self.rs.id])
        return pd.DataFrame(out, index=index, copy=False)


def exact_dtype(values: Iterable[float]) -> np.dtype:
    """Return the narrowest dtype that holds every one of the values exactly: int8 (whole
    numbers -128..127, NaN as a mask), float32 or float64. float16 would halve float32 too,
    but numpy converts to and from it in software, 20× slower than the scoring itself."""
    wide = np.asarray(sorted(values), np.float64)
    if np.array_equal(wide, np.clip(np.trunc(wide), -128, 127)):
        return INT8
    with np.errstate(over="ignore"):
        if np.array_equal(wide.astype(np.float32).astype(np.float64), wide):
            return np.dtype(np.float32)
    return np.dtype(np.float64)


def nilai_values(ind: Indicator) -> set[float]:
    """Every nilai the indicator can give, computed as both paths compute it."""
    if ind.formula == "item_count":
        return {skor * 100 / ind.max_skor for skor in _item_skor_values(ind)}
    if ind.linear is not None:
        rule = ind.linear
        low, high = math.floor(rule.nilai_min / rule.step), math.ceil(rule.nilai_max / rule.step)
        return {rule.clamp(steps) for steps in range(low - 1, high + 2)}
    return set(ind.bands.values) if ind.bands is not None else set()


def skor_values(rs: Ruleset, ind: Indicator) -> set[float]:
    """Every skor the indicator can give: its nilai's skor, or items counted (item_count)."""
    if ind.formula == "item_count":
        return _item_skor_values(ind)
    return {rs.skor(nilai, ind) for nilai in nilai_values(ind)}


def _item_skor_values(ind: Indicator) -> set[float]:
    return {min(yes * ind.value_per_item, ind.max_skor) for yes in range(len(ind.items) + 1)}


@cache
def share_values(total: int) -> tuple[np.ndarray, np.ndarray]:
    """A questionnaire's possible ratios yes × 100 ÷ answered, sorted (as both paths divide),
    and the flat table answered × (total + 1) + yes → position (-1 where none is answered)."""
    pairs = [(n, yes) for n in range(1, total + 1) for yes in range(n + 1)]
    shares = np.unique([yes * 100 / n for n, yes in pairs])
    table = np.full((total + 1) ** 2, -1, np.int8 if len(shares) < 128 else np.int16)
    for n, yes in pairs:
        table[n * (total + 1) + yes] = np.searchsorted(shares, yes * 100 / n)
    return shares, table


def share_codes(total: int, yes: np.ndarray, answered: np.ndarray) -> np.ndarray:
    """Each row's ratio yes × 100 ÷ answered as its position in share_values (-1: none)."""
    return share_values(total)[1].take((answered * (total + 1) + yes).astype(np.intp))


def _not_a_number(value: object) -> bool:
    """True for anything but a blank or a real number: text (even "1000"), booleans, objects."""
    if value is None or value is pd.NA:
        return False
    if isinstance(value, bool | np.bool_):
        return True
    if isinstance(value, int | float | np.integer | np.floating):
        return False
    return True


def not_applicable(df: pd.DataFrame) -> dict[str, np.ndarray]:
    """The pengawas's *tidak berlaku* columns: {indicator code: rows with a reason given}.

    A cell that holds only blanks is refused, as assess() refuses a blank reason.
    """
    out = {}
    for name in df.columns:
        key = str(name)
        if key.startswith(NOT_APPLICABLE_PREFIX):
            text = df[name].astype("string").str.strip()
            blank = (text == "").fillna(False).to_numpy()
            if blank.any():
                raise ReportError(key, "alasan wajib diisi", int(np.flatnonzero(blank)[0]) + 1)
            out[key.removeprefix(NOT_APPLICABLE_PREFIX)] = text.notna().to_numpy()
    return out


def check_columns(df: pd.DataFrame, extra_items: frozenset[str]) -> None:
    known_items = all_item_codes() | extra_items
    for name in df.columns:
        key = str(name)
        if key.startswith(schema.KUESIONER_PREFIX):
            if key.removeprefix(schema.KUESIONER_PREFIX) not in known_items:
                raise ReportError(key, "kode butir kuesioner tidak dikenal")
        elif key.startswith(NOT_APPLICABLE_PREFIX):
            continue  # checked against the block's ruleset
        elif key not in schema.fields():
            raise ReportError(key, "kolom tidak dikenal dalam skema laporan")

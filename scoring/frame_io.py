"""The batch path's inputs: a DataFrame's columns validated once, as numpy arrays per chunk.

Both paths accept the same inputs and refuse the same bad ones (D19): a money column holds
numbers (no booleans, no numeric text), whole and within Rp 10^15; blank is unknown.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import schema
from .errors import ReportError
from .ruleset import Terms, all_item_codes

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

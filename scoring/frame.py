"""The batch path: score a DataFrame of reports with numpy over the same rulesets.

Every operation mirrors engine.py in the same order, so each figure is bit-identical to the
single-report path (tests/scoring/test_frame_equivalence.py proves it with hypothesis); the few
rows whose ratio sits within rounding of a band edge are re-decided by the single path's exact
arithmetic (D19). Rows are processed in cache-sized chunks written into preallocated columns.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .bands import EDGE_TOLERANCE
from .engine import QUESTIONNAIRES, check_not_applicable, check_scope
from .errors import MethodError, ReportError
from .frame_io import Columns, Inputs, Source, check_columns, not_applicable, share_codes
from .measure import BEST, WORST, extreme, grade, measure, side_skor
from .ruleset import Indicator, Ruleset, builtin_rulesets, ruleset_for

CHUNK = 1 << 13  # 8,192 rows: temporaries stay in cache (1,6× faster than 32,768)
_OK, _NC, _NS, _NA = range(4)  # positions in frame_io.STATUSES


def _rint2(x: np.ndarray) -> np.ndarray:
    return np.rint(x * 100) / 100


class _Result:
    """One indicator's chunk: ratio, status, nilai and the skor range the aspects pool."""

    def __init__(self, ind: Indicator, n: int) -> None:
        self.ind = ind
        self.ratio = np.full(n, np.nan)  # a questionnaire's: codes into its shares (-1: none)
        self.shown = self.ratio  # the ratio shown when the pengawas set the indicator aside
        self.status = np.full(n, _NS, np.int8)
        # Set by the scoring functions for enabled indicators (NaN where not scored).
        self.nilai = self.skor = self.low = self.high = self.ratio


def _predikat_codes(rs: Ruleset, score: np.ndarray) -> np.ndarray:
    codes = np.full(len(score), -1, dtype=np.int8)
    for i in range(len(rs.predikat) - 1, -1, -1):
        codes[score >= rs.predikat[i].min] = i
    return codes


def _nilai(ind: Indicator, ratio: np.ndarray) -> np.ndarray:
    """Band lookup as searchsorted(edges, ratio, 'right'), unrolled over the few edges."""
    if ind.linear is not None:
        rule = ind.linear
        with np.errstate(invalid="ignore"):
            steps = np.floor(ratio * rule.per_percent / rule.step)
        return np.minimum(np.maximum(steps * rule.step, rule.nilai_min), rule.nilai_max)
    assert ind.bands is not None
    index = np.zeros(len(ratio), np.intp)
    for edge in ind.bands.edges:
        index += ratio >= edge
    index[np.isnan(ratio)] = len(ind.bands.values)
    return np.asarray((*ind.bands.values, np.nan))[index]


def _near_edges(ind: Indicator, ratio: np.ndarray) -> np.ndarray:
    """Rows whose float ratio is within rounding of an edge, as near_edge() decides per value."""
    with np.errstate(invalid="ignore"):
        if ind.linear is not None:
            scaled = ratio * ind.linear.per_percent / ind.linear.step
            near = np.abs(scaled - np.rint(scaled)) <= EDGE_TOLERANCE * np.maximum(
                1.0, np.abs(scaled)
            )
        else:
            assert ind.bands is not None
            near = np.zeros(len(ratio), bool)
            for e in ind.bands.edges:
                near |= np.abs(ratio - e) <= EDGE_TOLERANCE * max(1.0, abs(e))
    return np.flatnonzero(near)


def _ratio(ind: Indicator, rs: Ruleset, data: Inputs, res: _Result) -> None:
    num, den = data.quantity(ind.numerator), data.quantity(ind.denominator)
    known = ~np.isnan(num) & ~np.isnan(den)
    for guard in ind.guards:
        known &= ~np.isnan(data.number(guard))
    positive = known & (den > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = (num - den) * 100 / den if ind.formula == "growth" else num * 100 / den
    ratio[~positive] = np.nan
    res.ratio = res.shown = ratio
    if not ind.enabled:
        return
    nilai = _nilai(ind, ratio)
    for row in _near_edges(ind, ratio):
        m = measure(ind, data.row_values(ind.fields, int(row)))
        nilai[row] = grade(ind, float(ratio[row]), m.exact).nilai
    scored = positive
    not_positive = known & ~positive
    sided = ind.formula == "growth" or ind.denominator_not_positive
    if sided and not_positive.any():
        if ind.formula == "growth":
            turnaround = not_positive & (num > 0)
            nilai[turnaround] = extreme(ind, BEST).nilai
            nilai[not_positive & ~turnaround] = extreme(ind, WORST).nilai
        else:
            nilai[not_positive] = extreme(ind, ind.denominator_not_positive).nilai
        scored = known
    # A loss or deficit is worst whatever the denominator (as measure() checks it first).
    loss = np.zeros(data.n, bool)
    if ind.numerator_negative == WORST:
        loss |= known & (num < 0)
    for guard in ind.guards:
        loss |= known & (data.number(guard) <= 0)
    if loss.any():
        nilai[loss] = extreme(ind, WORST).nilai
        scored = scored | loss
    if not scored.all():
        nilai[~scored] = np.nan
    res.nilai = nilai
    res.status = (~scored).view(np.int8)  # _OK = 0, _NC = 1
    res.skor = skor = _skor(rs, ind, nilai)
    if scored.all():
        res.low = res.high = skor
    else:
        res.low = np.where(scored, skor, side_skor(rs, ind, WORST))
        res.high = np.where(scored, skor, side_skor(rs, ind, BEST))


def _skor(rs: Ruleset, ind: Indicator, nilai: np.ndarray) -> np.ndarray:
    return (
        (rs.nilai_max + 1) - nilai if rs.scale == "inverse" else nilai * (ind.weight or 0.0) / 100
    )


def _questionnaire(ind: Indicator, rs: Ruleset, data: Inputs, res: _Result) -> None:
    """The ratio is kept as its position among the item shares (the column's categories)."""
    yes, answered = data.answers(tuple(item.code for item in ind.items))
    total = len(ind.items)
    complete = answered == total
    res.ratio = res.shown = share_codes(total, yes, answered)
    if not ind.enabled:
        return
    res.ratio = np.where(complete, res.shown, -1)
    if ind.formula == "item_count":
        low = np.minimum(yes * ind.value_per_item, ind.max_skor)
        nilai = low * 100 / ind.max_skor
    else:
        nilai = _nilai(ind, yes * 100 / total)
        low = _skor(rs, ind, nilai)
    res.status = (~complete).view(np.int8)  # _OK = 0, _NC = 1
    res.low = low
    if complete.all():
        res.high = res.skor = low
        res.nilai = nilai
    else:
        res.high = _item_skor(ind, rs, yes + (total - answered), total)
        res.skor = np.where(complete, low, np.nan)
        res.nilai = np.where(complete, nilai, np.nan)


def _item_skor(ind: Indicator, rs: Ruleset, yes: np.ndarray, total: int) -> np.ndarray:
    if ind.formula == "item_count":
        return np.minimum(yes * ind.value_per_item, ind.max_skor)
    return _skor(rs, ind, _nilai(ind, yes * 100 / total))


def _indicator(ind: Indicator, rs: Ruleset, data: Inputs, na: np.ndarray | None) -> _Result:
    res = _Result(ind, data.n)
    if ind.formula in QUESTIONNAIRES:
        _questionnaire(ind, rs, data, res)
    elif ind.formula is not None:
        _ratio(ind, rs, data, res)
    if ind.enabled and na is not None and na.any():
        res.status = np.where(na, _NA, res.status).astype(np.int8)
        res.nilai = np.where(na, np.nan, res.nilai)
        res.skor = np.where(na, np.nan, res.skor)
        res.ratio = np.where(na, res.shown, res.ratio)
    return res


def _write(res: _Result, out: Columns, sl: slice) -> None:
    ind = res.ind
    out.put(f"{ind.code}.ratio", sl, res.ratio)
    out.arrays[f"{ind.code}.status"][sl] = res.status
    if ind.enabled:
        out.put(f"{ind.code}.nilai", sl, res.nilai)
        out.put(f"{ind.code}.skor", sl, res.skor)


def _aggregate(rs: Ruleset, results: list[_Result], out: Columns, sl: slice, n: int) -> None:
    acc_low, acc_high, weights = np.zeros(n), np.zeros(n), np.zeros(n)
    complete = np.ones(n, bool)
    for aspect in rs.aspects:
        low, high, most = np.zeros(n), np.zeros(n), np.zeros(n)
        missing = np.zeros(n, bool)
        for res in results:
            if res.ind.aspect != aspect.code or not res.ind.enabled:
                continue
            pool = res.status <= _NC  # _OK or _NC: not set aside by the pengawas
            if pool.all():
                low += res.low
                high += res.high
                most += res.ind.max_skor
            else:
                low += np.where(pool, res.low, 0.0)
                high += np.where(pool, res.high, 0.0)
                most += np.where(pool, res.ind.max_skor, 0.0)
            missing |= res.status == _NC
        has = most > 0
        with np.errstate(divide="ignore", invalid="ignore"):
            raw_low, raw_high = low * 100 / most, high * 100 / most
        raw_low[~has], raw_high[~has] = np.nan, np.nan
        score_low = _rint2(raw_low)
        whole = ~missing & has
        prefix = f"aspek.{aspect.code}"
        out.arrays[f"{prefix}.skor"][sl] = np.where(whole, score_low, np.nan)
        out.arrays[f"{prefix}.skor_min"][sl] = score_low
        out.arrays[f"{prefix}.skor_max"][sl] = _rint2(raw_high)
        out.arrays[f"{prefix}.predikat"][sl] = np.where(whole, _predikat_codes(rs, score_low), -1)
        acc_low += np.where(has, aspect.weight * raw_low, 0.0)
        acc_high += np.where(has, aspect.weight * raw_high, 0.0)
        weights += np.where(has, aspect.weight, 0.0)
        complete &= whole | ~has
    with np.errstate(divide="ignore", invalid="ignore"):
        total_low, total_high = _rint2(acc_low / weights), _rint2(acc_high / weights)
    total_low[weights <= 0], total_high[weights <= 0] = np.nan, np.nan
    complete &= weights > 0
    out.arrays["total"][sl] = np.where(complete, total_low, np.nan)
    out.arrays["total_min"][sl] = total_low
    out.arrays["total_max"][sl] = total_high
    out.arrays["predikat"][sl] = np.where(complete, _predikat_codes(rs, total_low), -1)
    out.arrays["predikat_min"][sl] = _predikat_codes(rs, total_low)
    out.arrays["predikat_max"][sl] = _predikat_codes(rs, total_high)
    out.arrays["provisional"][sl] = ~complete


def _score_chunk(rs: Ruleset, data: Inputs, na: dict[str, np.ndarray], out, sl) -> None:
    results = []
    scored = np.zeros(data.n, np.int16)
    for ind in rs.indicators:
        rows = na.get(ind.code)
        res = _indicator(ind, rs, data, rows[sl] if rows is not None else None)
        _write(res, out, sl)
        results.append(res)
        scored += res.status == _OK
    _aggregate(rs, results, out, sl, data.n)
    out.arrays["indicators_scored"][sl] = scored


def _assess_block(df: pd.DataFrame, rs: Ruleset) -> pd.DataFrame:
    if "jenis" in df.columns:
        bad = df["jenis"].notna() & ~df["jenis"].isin(rs.jenis)
        if bad.any():
            check_scope(rs, {"jenis": df["jenis"][bad].iloc[0]})
    na = {code: rows for code, rows in not_applicable(df).items() if rows.any()}
    check_not_applicable(rs, dict.fromkeys(na, "ya"))
    out = Columns(rs, len(df))
    source = Source(df)
    for start in range(0, len(df), CHUNK):
        sl = slice(start, min(start + CHUNK, len(df)))
        _score_chunk(rs, Inputs(source, sl, rs.fallbacks), na, out, sl)
    return out.frame(df.index)


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
    """Score every row (a report in schema columns, items as kuesioner.<code>) in one pass.

    A column `tidak_berlaku.<indicator>` holding a reason confirms that indicator not applicable
    on its row, as `assess(..., not_applicable=...)` does.
    """
    check_columns(df, ruleset.item_codes if ruleset else frozenset())
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

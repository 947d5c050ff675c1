"""What it would take to reach the next predikat, and a simulator for changed figures.

`what_it_takes` looks for the smallest set of indicator moves that lifts one complete assessment
to the next predikat. Each move lifts one indicator into a better band by changing ONE reported
figure (or by fulfilling the fewest further questionnaire items); see `whatif_moves`. The set is
chosen by fewest moves first, then the smallest sum of relative changes (|Δ| ÷ current figure;
items ÷ all items of the indicator), among moves on distinct figures whose indicators do not
overlap, so their effects add up exactly. The plan is always re-scored with `assess` on a copy
of the report; only a plan that really reaches the next predikat is returned, otherwise a reason.
A provisional assessment gets no plan: a blank is never a way up (decisions.md D8).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from . import schema
from .engine import assess
from .results import Assessment, _plain
from .ruleset import all_item_codes, builtin_rulesets
from .whatif_moves import Candidate, Context, candidates

MAX_MOVES = 10
NODE_LIMIT = 200_000  # search nodes per plan size; keeps the search deterministic and bounded
RETRIES = 5  # plans of one size tried against the full re-score before a larger size


@dataclass(frozen=True)
class Change:
    """The change of one input: a reported figure, or questionnaire items to fulfil."""

    field: str  # schema key, or "kuesioner"
    label: str  # Indonesian label from report_schema.toml (or the indicator's questionnaire)
    current: int  # rupiah, or items terpenuhi
    new: int
    delta: int
    direction: str  # "naik" or "turun"
    items: tuple[tuple[str, str], ...] = ()  # (code, text) of the items to fulfil


@dataclass(frozen=True)
class Move:
    indicator: str
    name: str
    aspect: str
    ratio: float | None  # current ratio (%)
    band: str | None
    nilai: float | None
    target_band: str
    target_nilai: float
    target_ratio: float | None  # the band edge to cross (%); None for questionnaire items
    target_inclusive: bool
    new_ratio: float | None  # the ratio after the move (%)
    change: Change
    relative_change: float
    gain: float  # points of the weighted total this move adds on its own
    also_changes: tuple[str, ...]  # other indicators whose skor the same figure moves
    sentence: str


@dataclass(frozen=True)
class WhatIf:
    method: str
    total: float | None
    predikat: str | None
    predikat_label: str | None
    next_predikat: str | None
    next_label: str | None
    next_min: float | None  # the threshold of the next predikat
    moves: tuple[Move, ...] = ()
    total_after: float | None = None  # re-scored with assess after every move
    predikat_after: str | None = None
    predikat_after_label: str | None = None
    reason: str = ""  # why there is no plan, in Indonesian

    @property
    def found(self) -> bool:
        return bool(self.moves)

    def changes(self) -> dict[str, Any]:
        """The plan as `simulate` changes: {field: new value, "kuesioner.<code>": True}."""
        return plan_changes(self.moves)

    def to_dict(self) -> dict[str, Any]:
        return {**_plain(self), "found": self.found}

    def lines(self) -> list[str]:
        """The plan as Indonesian text lines, for the command line."""
        out = []
        if self.total is not None:
            out.append(f"Total {persen(self.total, unit=False)}: {self.predikat_label}.")
        if self.next_label is not None and self.next_min is not None:
            out.append(f"Predikat berikutnya: {self.next_label} (total ≥ {self.next_min:g}).")
        if not self.moves:
            return [*out, self.reason]
        out.append(f"Langkah yang dibutuhkan ({len(self.moves)}):")
        out += [f"{n}. {m.sentence}" for n, m in enumerate(self.moves, 1)]
        assert self.total_after is not None
        after = persen(self.total_after, unit=False)
        return [*out, f"Setelah dinilai ulang: total {after}, {self.predikat_after_label}."]


def plan_changes(moves: tuple[Move, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for m in moves:
        if m.change.items:
            out |= {f"{schema.KUESIONER_PREFIX}{code}": True for code, _ in m.change.items}
        else:
            out[m.change.field] = m.change.new
    return out


def apply_changes(report: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of the report with the changes; the report and its questionnaire are untouched."""
    out = dict(report)
    answers = dict(out.get(schema.KUESIONER) or {})
    for key, value in changes.items():
        if key == schema.KUESIONER and isinstance(value, Mapping):
            answers |= value
        elif key.startswith(schema.KUESIONER_PREFIX):
            answers[key[len(schema.KUESIONER_PREFIX) :]] = value
        else:
            out[key] = value
    out[schema.KUESIONER] = answers
    return out


def simulate(
    report: Mapping[str, Any],
    changes: Mapping[str, Any],
    method: str | None = None,
    *,
    not_applicable: Mapping[str, str] | None = None,
) -> Assessment:
    """Score a copy of the report with the changed figures ("kuesioner.<code>" for an item)."""
    return assess(apply_changes(report, changes), method, not_applicable=not_applicable)


def what_it_takes(
    report: Mapping[str, Any],
    method: str | None = None,
    *,
    not_applicable: Mapping[str, str] | None = None,
    max_moves: int = MAX_MOVES,
) -> WhatIf:
    """The fewest verified moves that lift the report to the next predikat, or why there are none."""
    base = assess(report, method, not_applicable=not_applicable)
    rs = builtin_rulesets()[base.method]
    head = dict(method=base.method, total=base.total, predikat=base.predikat,
                predikat_label=base.predikat_label, next_predikat=None, next_label=None,
                next_min=None)  # fmt: skip
    if not base.complete:
        return WhatIf(**head, reason=_provisional_reason(base))
    if base.next_predikat is None:
        return WhatIf(**head, reason=f"Sudah berpredikat {base.predikat_label}, predikat tertinggi: "
                      "tidak ada predikat berikutnya.")  # fmt: skip
    nxt = base.next_predikat
    head |= dict(next_predikat=nxt["predikat"], next_label=nxt["label"], next_min=nxt["min"])
    clean = schema.validate_report(report, all_item_codes())
    ctx = Context(rs, clean, base, base.not_applicable)
    goal = [p.code for p in rs.predikat].index(nxt["predikat"])
    for plan in _plans(ctx, candidates(ctx), goal, max_moves):
        moves = tuple(_move(c, ctx) for c in plan)
        after = simulate(report, plan_changes(moves), base.method, not_applicable=not_applicable)
        if after.complete and _rank(rs, after.predikat) <= goal:
            return WhatIf(**head, moves=moves, total_after=after.total,
                          predikat_after=after.predikat,
                          predikat_after_label=after.predikat_label)  # fmt: skip
    return WhatIf(**head, reason=_not_found_reason(nxt, max_moves))


def _rank(rs, code: str | None) -> int:
    codes = [p.code for p in rs.predikat]
    return codes.index(code) if code in codes else len(codes)


def _provisional_reason(base: Assessment) -> str:
    names = [m["name"] for m in base.missing]
    shown = "; ".join(names[:3]) + (f"; dan {len(names) - 3} lainnya" if len(names) > 3 else "")
    return (
        "Rencana kenaikan predikat belum dapat dihitung karena penilaian masih sementara: "
        f"{len(names)} indikator belum dapat dihitung ({shown}). Isian yang kosong tidak "
        "pernah dihitung sebagai jalan menaikkan predikat."
    )


def _not_found_reason(nxt: Mapping[str, Any], max_moves: int) -> str:
    return (
        f"Tidak ditemukan rangkaian perubahan (paling banyak {max_moves} langkah, satu pos "
        f"laporan atau butir kuesioner per indikator) yang membawa total ke predikat "
        f"{nxt['label']} (≥ {persen(nxt['min'], unit=False)}) setelah dinilai ulang."
    )


def _plans(ctx: Context, found: list[Candidate], goal: int, max_moves: int):
    """Yield candidate sets: fewest moves first, then the smallest sum of relative changes."""
    by_ind: dict[str, list[Candidate]] = {}
    for c in found:
        by_ind.setdefault(c.code, []).append(c)
    groups = sorted(by_ind.values(), key=lambda g: (-max(c.gain for c in g), g[0].code))
    for group in groups:
        group.sort(key=lambda c: (c.relative, -c.gain, c.field))
    best_gain = [max(c.gain for c in g) for g in groups]
    need = ctx.rs.predikat[goal].min - (ctx.base.total or 0.0)
    for size in range(1, max_moves + 1):
        if sum(best_gain[:size]) < need - 0.01 * size:
            continue  # even the largest gains cannot reach it with this many moves
        tried: list[frozenset[int]] = []
        for _ in range(RETRIES):
            plan = _best_of_size(ctx, groups, best_gain, size, goal, need, tried)
            if plan is None:
                break
            tried.append(frozenset(id(c) for c in plan))
            yield plan


def _best_of_size(ctx, groups, best_gain, size, goal, need, tried):
    """Branch and bound: the cheapest feasible set of `size` moves not tried yet."""
    best: list[Any] = [None, float("inf")]
    nodes = [0]
    slack = 0.01 * size

    def feasible(chosen: list[Candidate]) -> bool:
        deltas: dict[str, float] = {}
        for c in chosen:
            for aspect, d in c.deltas.items():
                deltas[aspect] = deltas.get(aspect, 0.0) + d
        total = ctx.score(deltas)
        return total is not None and ctx.rs.predikat_for(total).min >= ctx.rs.predikat[goal].min

    def walk(start: int, chosen: list[Candidate], gain: float, cost: float, used, fields) -> None:
        nodes[0] += 1
        if nodes[0] > NODE_LIMIT or cost >= best[1]:
            return
        left = size - len(chosen)
        if left == 0:
            key = frozenset(id(c) for c in chosen)
            if key not in tried and feasible(chosen):
                best[0], best[1] = list(chosen), cost
            return
        for i in range(start, len(groups) - left + 1):
            if gain + sum(best_gain[i : i + left]) < need - slack:
                return  # groups are sorted by their best gain: later ones cannot do better
            for c in groups[i]:
                if c.touched & used or c.field in fields:
                    continue
                chosen.append(c)
                more = fields if c.items else fields | {c.field}
                walk(i + 1, chosen, gain + c.gain, cost + c.relative, used | c.touched, more)
                chosen.pop()

    walk(0, [], 0.0, 0.0, frozenset(), frozenset())
    return best[0]


def _move(c: Candidate, ctx: Context) -> Move:
    ind, before = ctx.rs.indicator(c.code), ctx.base.indicator(c.code)
    items = tuple((code, next(i.text for i in ind.items if i.code == code)) for code in c.items)
    label = f"Butir kuesioner «{ind.name}»" if c.items else schema.fields()[c.field].label
    change = Change(field=c.field, label=label, current=c.current, new=c.new,
                    delta=c.new - c.current, direction="naik" if c.new > c.current else "turun",
                    items=items)  # fmt: skip
    edge = float(c.level.edge) if c.level.edge is not None else None
    also = tuple(code for code in sorted(c.changed) if code != c.code)
    move = dict(indicator=c.code, name=ind.name, aspect=ind.aspect, ratio=before.ratio,
                band=before.band, nilai=before.nilai, target_band=c.result.band or c.level.band,
                target_nilai=c.result.nilai if c.result.nilai is not None else c.level.nilai,
                target_ratio=edge, target_inclusive=c.level.inclusive,
                new_ratio=c.result.ratio, change=change, relative_change=c.relative,
                gain=round(c.gain, 2), also_changes=also)  # fmt: skip
    gain_skor = (c.result.skor or 0.0) - (before.skor or 0.0)
    return Move(**move, sentence=sentence({**move, "gain_skor": gain_skor}, ctx))


def rupiah(x: float) -> str:
    sign = "-" if x < 0 else ""
    return f"{sign}Rp {abs(x):,.0f}".replace(",", ".")


def persen(x: float, unit: bool = True) -> str:
    text = f"{x:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")
    return f"{text} %" if unit else text


def _lower_first(label: str) -> str:
    return label if label[1:2].isupper() else label[:1].lower() + label[1:]


def _edge(x: float) -> str:
    return persen(x).replace(",00 %", " %")


def _ratio_clause(move: Mapping[str, Any]) -> str:
    old, new, edge = move["ratio"], move["new_ratio"], move["target_ratio"]
    way = "naik" if new > old else "turun"
    sign = {("naik", True): "≥", ("naik", False): ">", ("turun", True): "≤",
            ("turun", False): "<"}[(way, move["target_inclusive"])]  # fmt: skip
    shown = persen(new)
    if shown == persen(edge) and not move["target_inclusive"]:  # not "40,00 % (batas > 40 %)"
        shown = f"sedikit {'di atas' if way == 'naik' else 'di bawah'} {_edge(edge)}"
    return f"{way} dari {persen(old)} menjadi {shown} (batas {sign} {_edge(edge)}"


def sentence(move: Mapping[str, Any], ctx: Context) -> str:
    """The move in one Indonesian sentence, amounts as "Rp 85.000.000"."""
    ch: Change = move["change"]
    ind = ctx.rs.indicator(move["indicator"])
    target = f"kelompok {move['target_band']}, nilai {move['target_nilai']:g}"
    if ch.items:
        text = (f"Penuhi {ch.delta} butir lagi pada «{move['name']}» (dari {ch.current} "
                f"menjadi {ch.new} dari {len(ind.items)} butir terpenuhi)")  # fmt: skip
        if ind.formula == "item_count":
            before = ctx.base.indicator(ind.code).skor or 0.0
            after = before + move["gain_skor"]
            return (f"{text} agar skornya naik dari {before:g} menjadi {after:g} "
                    f"(paling tinggi {ind.max_skor:g}).")  # fmt: skip
        return f"{text} agar masuk {target}."
    verb = "Tambah" if ch.direction == "naik" else "Turunkan"
    text = (f"{verb} {_lower_first(ch.label)} sebesar {rupiah(abs(ch.delta))} (dari "
            f"{rupiah(ch.current)} menjadi {rupiah(ch.new)}) agar «{move['name']}» ")  # fmt: skip
    if None not in (move["ratio"], move["new_ratio"], move["target_ratio"]):
        text += f"{_ratio_clause(move)}; {target})"
    else:
        text += f"masuk {target}"
    if move["also_changes"]:
        names = ", ".join(f"«{ctx.rs.indicator(c).name}»" for c in move["also_changes"])
        text += f". Ikut berubah dalam penilaian ulang: {names}"
    return text + "."


__all__ = ["Change", "Move", "WhatIf", "apply_changes", "simulate", "what_it_takes"]

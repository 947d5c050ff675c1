"""What it takes to reach the next predikat, in a reader's words, and the simulator's scoring.

The engine (scoring.what_it_takes / scoring.simulate) does the work; this module gives it the
inputs a page already scores with — the pengurus's own figures on the report page, the figures
with the pengawas's corrections and *tidak berlaku* confirmations on the review page — and turns
its moves into sentences with rupiah. Nothing here writes: a plan and a simulation are read-only.
"""

import json
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import scoring
from scoring.schema import KUESIONER, KUESIONER_PREFIX, fields, lalu_twins
from sikomo.assessments import engine_input, is_health_scored, with_prior_year
from sikomo.format import angka, is_round, persen, rupiah, rupiah_singkat
from sikomo.models import Report
from sikomo.prior_year import LOOK_UP
from sikomo.review.answers import scored_confirmations
from sikomo.review.explain import band_words
from sikomo.review.explain import percent as edge_text
from sikomo.review.operations import merged_data

CACHE_SIZE = 256  # plans kept per process: a plan's search can take a second, its reading none
_plans: OrderedDict[str, scoring.WhatIf] = OrderedDict()
_lock = threading.Lock()


@dataclass(frozen=True)
class Basis:
    """What a page scores: the engine's input and the confirmed *tidak berlaku* indicators."""

    values: dict[str, Any]
    not_applicable: dict[str, str] | None


def basis(report: Report, reviewed: bool, result: scoring.Assessment | None = None) -> Basis:
    """The report as the engine reads it; `reviewed`: with the pengawas's corrections and
    confirmations, as the review page scores it (else as the pengurus's report page does).

    `result`: the page's own result on the same inputs. A blank prior-year figure then takes the
    value that result was scored with (last year's report, D20) instead of a second look-up."""
    data = merged_data(report) if reviewed else (report.data or {})
    values = engine_input(report, data)
    confirmed = (scored_confirmations(report) or None) if reviewed else None
    if result is not None:
        return Basis(values | used_prior_year(values, result), confirmed)
    # last year's report is read only when a prior-year figure is blank (as run_engine fills it)
    blank = any(values.get(twin) is None for twin in lalu_twins())
    values, _ = with_prior_year(report, values, data, LOOK_UP if blank else None)
    return Basis(values, confirmed)


def used_prior_year(values: dict[str, Any], result: scoring.Assessment) -> dict[str, int]:
    """The blank prior-year figures the result's indicators were scored with."""
    twins = {t for t in lalu_twins() if values.get(t) is None}
    return {k: v for i in result.indicators for k, v in i.inputs.items()
            if k in twins and v is not None}  # fmt: skip


def plan_key(b: Basis) -> str:
    return json.dumps([b.values, b.not_applicable], sort_keys=True, default=str)


def cached(b: Basis) -> scoring.WhatIf | None:
    """The plan of these inputs if this process has searched it, else None (no search)."""
    with _lock:
        return _plans.get(plan_key(b))


def what_it_takes(b: Basis) -> scoring.WhatIf:
    """The engine's plan, kept per input: a page shown again reads it instead of searching."""
    key = plan_key(b)
    with _lock:
        if key in _plans:
            _plans.move_to_end(key)
            return _plans[key]
    found = scoring.what_it_takes(b.values, not_applicable=b.not_applicable)
    with _lock:
        _plans[key] = found
        while len(_plans) > CACHE_SIZE:
            _plans.popitem(last=False)
    return found


@dataclass(frozen=True)
class Step:
    """One move of the plan as the page lists it."""

    action: str  # "Tambah SHU setelah pajak sebesar Rp 292 juta"
    detail: str  # "dari Rp 296.000.000 menjadi Rp 588.000.000"
    indicator: str
    aspect: str
    ratio: str  # "3,52 % → 7,00 % (batas ≥ 7 %)", or "" for questionnaire items
    band_now: str
    band_target: str
    also: tuple[str, ...] = ()
    items: tuple[str, ...] = ()  # the questionnaire items to fulfil


@dataclass(frozen=True)
class Plan:
    title: str
    summary: str  # where the report stands
    steps: tuple[Step, ...] = ()
    reason: str = ""  # why there is no plan
    after: str = ""  # the plan re-scored
    changes: dict[str, Any] = field(default_factory=dict)  # the plan as simulator fields

    @property
    def found(self) -> bool:
        return bool(self.steps)


PENDING = "pending"  # plan_for(search=False): not searched yet; the page loads it afterwards


def plan_for(report: Report, reviewed: bool, result: scoring.Assessment | None = None,
             search: bool = True):  # fmt: skip
    """The page's section (a Plan); None when the cooperative is not health-scored or refused.
    `result`: the page's result on the same inputs, if it has one (see `basis`). `search`:
    False on a page that must not wait for the engine's search (up to a few seconds): PENDING
    unless this process already has the plan (the page then fetches it, views.plan)."""
    if not is_health_scored(report.cooperative):
        return None
    try:
        b = basis(report, reviewed, result)
        found = what_it_takes(b) if search else cached(b)
    except scoring.ScoringError:
        return None  # the page already says why the report cannot be scored
    return PENDING if found is None else readable(found)


def readable(w: scoring.WhatIf) -> Plan:
    names = aspect_names(w.method)
    title = f"Apa yang dibutuhkan untuk naik ke {w.next_label}" if w.next_label else (
        "Apa yang dibutuhkan untuk naik predikat")  # fmt: skip
    if w.total is None:
        summary = "Penilaian masih sementara: belum ada total dan predikat."
        reason = (f"{w.reason} Lengkapi isian yang kosong dahulu; mengosongkan isian tidak "
                  "pernah menaikkan predikat.")  # fmt: skip
        return Plan(title, summary, reason=reason)
    summary = f"Total sekarang {angka(w.total, 2)}: {w.predikat_label}."
    if w.next_label and w.next_min is not None:
        summary += f" Predikat {w.next_label} mulai total {angka(w.next_min, 2)}."
    if not w.found:
        return Plan(title, summary, reason=w.reason)
    after = (f"Setelah semua langkah dinilai ulang oleh mesin penilaian: total "
             f"{angka(w.total_after, 2)}, {w.predikat_after_label}.")  # fmt: skip
    indicators = indicator_names(w.method)
    steps = tuple(step(m, names, indicators) for m in w.moves)
    return Plan(title, summary, steps, after=after, changes=simulator_fields(w.changes()))


def aspect_names(method: str) -> dict[str, str]:
    return {a.code: a.name for a in scoring.builtin_rulesets()[method].aspects}


def indicator_names(method: str) -> dict[str, str]:
    return {i.code: i.name for i in scoring.builtin_rulesets()[method].indicators}


def step(m, names: dict[str, str], indicators: dict[str, str]) -> Step:
    ch = m.change
    band_now = band_text(m.band, m.nilai)
    band_target = band_text(m.target_band, m.target_nilai)
    aspect = names.get(m.aspect, m.aspect)
    if ch.items:
        action = f"Penuhi {ch.delta} butir lagi pada «{m.name}»"
        detail = f"dari {ch.current} menjadi {ch.new} butir terpenuhi"
        items = tuple(text for _, text in ch.items)
        return Step(action, detail, m.name, aspect, "", band_now, band_target, items=items)
    return Step(money_action(ch), money_detail(ch), m.name, aspect, ratio_text(m), band_now,
                band_target, also=tuple(indicators.get(c, c) for c in m.also_changes))  # fmt: skip


def amount(key: str, value: int) -> str:
    return angka(value) if fields()[key].kind == "count" else rupiah(value)


def money_action(ch) -> str:
    verb = "Tambah" if ch.direction == "naik" else "Turunkan"
    label = ch.label[:1].lower() + ch.label[1:] if not ch.label[1:2].isupper() else ch.label
    size = abs(ch.delta)
    if fields()[ch.field].kind == "count":
        return f"{verb} {label} sebanyak {angka(size)}"
    return f"{verb} {label} {'sebesar' if is_round(size) else 'sekitar'} {rupiah_singkat(size)}"


def money_detail(ch) -> str:
    text = f"dari {amount(ch.field, ch.current)} menjadi {amount(ch.field, ch.new)}"
    size = abs(ch.delta)
    if fields()[ch.field].kind != "count" and not is_round(size):
        text = f"tepatnya {rupiah(size)}: {text}"
    return text


def ratio_text(m) -> str:
    if None in (m.ratio, m.new_ratio, m.target_ratio):
        return ""
    up = m.new_ratio > m.ratio
    sign = ("≥" if m.target_inclusive else ">") if up else ("≤" if m.target_inclusive else "<")
    edge, new = edge_text(m.target_ratio), persen(m.new_ratio)
    if new == persen(m.target_ratio) and not m.target_inclusive:  # not "40,00 % (batas < 40 %)"
        new = f"sedikit {'di atas' if up else 'di bawah'} {edge}"
    return f"{persen(m.ratio)} → {new} (batas {sign} {edge})"


def band_text(band: str | None, nilai: float | None) -> str:
    words = band_words(band) if band else "–"
    return (
        f"{words}, nilai {angka(nilai, 2).rstrip('0').rstrip(',')}" if nilai is not None else words
    )


def simulator_fields(changes: dict[str, Any]) -> dict[str, str]:
    """The plan's changes as the simulator form's fields: figures as typed, items as 'ya'."""
    out = {}
    for key, value in changes.items():
        if key.startswith(KUESIONER_PREFIX):
            out[item_field(key[len(KUESIONER_PREFIX) :])] = "ya" if value else "tidak"
        else:
            out[key] = angka(value)
    return out


def item_field(code: str) -> str:
    return "butir__" + code.replace(".", "__")


# --- the simulator ------------------------------------------------------------------------
@dataclass(frozen=True)
class Simulation:
    before: scoring.Assessment
    after: scoring.Assessment
    changes: list[dict[str, str]]  # what the user changed, as label, before and after
    indicators: list[dict[str, Any]]  # indicators whose skor or status the changes moved


def simulate(b: Basis, changes: dict[str, Any]) -> Simulation:
    """The report's score and the score of a copy with `changes`; raises ScoringError."""
    before = scoring.assess(b.values, not_applicable=b.not_applicable)
    after = scoring.simulate(b.values, changes, not_applicable=b.not_applicable)
    return Simulation(before, after, change_rows(b, changes), moved(before, after))


def change_rows(b: Basis, changes: dict[str, Any]) -> list[dict[str, str]]:
    rows, answers = [], b.values.get(KUESIONER) or {}
    texts = item_texts(b)
    words = {True: "Terpenuhi", False: "Tidak terpenuhi", None: "Belum dijawab"}
    for key, value in changes.items():
        if key.startswith(KUESIONER_PREFIX):
            code = key[len(KUESIONER_PREFIX) :]
            rows.append({"label": f"Butir: {texts.get(code, code)}",
                         "before": words[answers.get(code)], "after": words[value]})  # fmt: skip
        else:
            rows.append({"label": fields()[key].label, "before": shown(key, b.values.get(key)),
                         "after": shown(key, value)})  # fmt: skip
    return rows


def shown(key: str, value: int | None) -> str:
    return "kosong" if value is None else amount(key, value)


def item_texts(b: Basis) -> dict[str, str]:
    rs = ruleset(b)
    return {i.code: i.text for ind in rs.indicators for i in ind.items}


def ruleset(b: Basis) -> scoring.Ruleset:
    metode = b.values.get("metode")
    return scoring.ruleset_for(metode if isinstance(metode, str) else None, b.values["tahun_buku"])


def moved(before: scoring.Assessment, after: scoring.Assessment) -> list[dict[str, Any]]:
    rows = []
    for old, new in zip(before.indicators, after.indicators, strict=True):
        if (old.status, old.skor, old.ratio) != (new.status, new.skor, new.ratio):
            rows.append({"name": new.name, "before": old, "after": new})
    return rows


def to_json(sim: Simulation) -> dict[str, Any]:
    """The simulated result for the page's script: total, predikat, aspects and changes."""
    a, b = sim.after, sim.before
    return {
        "complete": a.complete,
        "total": a.total,
        "predikat": a.predikat,
        "predikat_label": a.predikat_label,
        "total_min": a.total_min,
        "total_max": a.total_max,
        "before": {"total": b.total, "predikat_label": b.predikat_label},
        "aspects": [
            {
                "name": x.name,
                "before": y.score,
                "after": x.score,
                "after_min": x.score_min,
                "after_max": x.score_max,
            }
            for x, y in zip(a.aspects, b.aspects, strict=True)
        ],  # fmt: skip
        "changes": sim.changes,
        "indicators": [
            {"name": r["name"], "before": r["before"].skor, "after": r["after"].skor}
            for r in sim.indicators
        ],  # fmt: skip
    }

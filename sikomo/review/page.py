"""What the review page shows beside the engine's result: the questionnaire with both answers,
what is missing (with anchors), conflicts and *tidak berlaku* confirmations."""

from dataclasses import dataclass
from typing import Any

import scoring
from scoring.schema import fields
from sikomo.models import Report
from sikomo.review import answers as ans
from sikomo.review import explain
from sikomo.review.values import PREDIKAT_LABELS, is_worse

STATUS_LABELS = {
    "ok": "Dinilai",
    "tidak_dapat_dihitung": "Tidak dapat dihitung",
    "belum_ditetapkan": "Belum ditetapkan dalam aturan",
    "tidak_berlaku": "Tidak berlaku (ditetapkan pengawas)",
}
RULE_LABELS = {
    "kerugian": "Aturan kerugian/defisit: pita terburuk",
    "tidak_ada_yang_diukur": "Tidak ada yang diukur: pita terbaik",
    "pertumbuhan_dari_basis_nol": "Pertumbuhan dari basis ≤ 0",
}
ANSWER_LABELS = {True: "Ya", False: "Tidak"}
WARNING_TITLES = {  # the quality checks of sikomo/edit_rules.py a pengurus explained
    "shu_belum_dibagi": "SHU belum dibagi berbeda dari SHU setelah pajak",
    "lalu_beda_disetujui": "Angka tahun lalu berbeda dari laporan yang disetujui",
    "perubahan_aset": "Total aset berubah tajam",
    "penurunan_anggota": "Jumlah anggota turun tajam",
    "rat_terlambat": "RAT terlambat",
}


def field_label(key: str) -> str:
    """A report field's Indonesian label ('total_aset' -> 'Total aset'); the key if unknown."""
    known = fields().get(key)
    return known.label if known is not None else key


def answer_label(value) -> str:
    return ANSWER_LABELS.get(value, "–")


def context(report: Report, result: scoring.Assessment | None, previous) -> dict[str, Any]:
    """`previous`: last year's approved Assessment (or None)."""
    open_conflicts = ans.conflicts(report)
    rs = ruleset_of(result)
    last_year = (previous.result or {}) if previous is not None else {}
    return {
        "aspect_groups": aspect_groups(result, last_year),
        "sumber": sources(result, rs),
        "ruleset_name": f"{rs.name} (aturan {rs.version})" if rs is not None else "",
        "warning_titles": WARNING_TITLES,
        "band_words": explain.band_words,
        "next_band_hint": explain.next_band_hint,
        "previous_indicators": {i["code"]: i for i in last_year.get("indicators", [])},
        "questionnaire": questionnaire(report, rs, open_conflicts),
        "conflicts": conflict_rows(report, open_conflicts),
        "missing": missing_rows(result, open_conflicts),
        "not_applicable": ans.not_applicable(report),
        "status_labels": STATUS_LABELS,
        "rule_labels": RULE_LABELS,
        "answer_label": answer_label,
        "complete": result is None or result.complete,
        "allowed_predikat": allowed_predikat(result),
    }


@dataclass(slots=True)
class AspectGroup:
    """An aspect with its own indicators (the tables are per aspect)."""

    aspect: scoring.AspectResult
    indicators: list[scoring.IndicatorResult]
    not_applicable: int  # indicators the pengawas confirmed tidak berlaku
    previous_score: float | None  # last year's approved score of the aspect


def aspect_groups(result: scoring.Assessment | None, last_year: dict) -> list[AspectGroup]:
    if result is None:
        return []
    before = {a.get("code"): a.get("score") for a in last_year.get("aspects", [])}
    groups = []
    for aspect in result.aspects:
        own = [i for i in result.indicators if i.aspect == aspect.code]
        not_applicable = sum(i.status == "tidak_berlaku" for i in own)
        groups.append(AspectGroup(aspect, own, not_applicable, before.get(aspect.code)))
    return groups


def ruleset_of(result: scoring.Assessment | None) -> scoring.Ruleset | None:
    if result is None:
        return None
    try:
        return scoring.ruleset_for(result.method, None)
    except scoring.ScoringError:
        return None


def sources(result: scoring.Assessment | None, rs) -> dict[str, explain.Sumber]:
    """Each indicator's sumber aturan: its source and confidence, and its ruleset's note."""
    if result is None:
        return {}
    notes = {i.code: i.note for i in rs.indicators} if rs is not None else {}
    return {i.code: explain.sumber(i.source, i.confidence, notes.get(i.code, ""))
            for i in result.indicators}  # fmt: skip


def allowed_predikat(result: scoring.Assessment | None) -> list[str]:
    """The predikat an adjusted approval may choose: none above a provisional range's top."""
    if result is None or result.complete:
        return [p.value for p in PREDIKAT_LABELS]
    top = result.predikat_max
    return [p.value for p in PREDIKAT_LABELS if top and not is_worse(top, p)]


def missing_rows(result: scoring.Assessment | None, open_conflicts: dict) -> list[dict[str, Any]]:
    """Each missing indicator with where to complete it: its first unanswered item or its row."""
    if result is None:
        return []
    rows = []
    for m in result.missing:
        anchor = f"butir-{m['items'][0]}" if m["items"] else f"indikator-{m['code']}"
        rows.append(m | {"anchor": anchor, "field_labels": [field_label(f) for f in m["fields"]],
                         "conflicts": sum(i in open_conflicts for i in m["items"])})  # fmt: skip
    return rows


def conflict_rows(report: Report, open_conflicts: dict) -> list[dict[str, Any]]:
    texts = ans.item_texts(report)
    return [
        {"conflict": c, "text": texts.get(code, code)}
        for code, c in sorted(open_conflicts.items(), key=lambda kv: order(texts, kv[0]))
    ]


def order(texts: dict[str, str], code: str) -> int:
    keys = list(texts)
    return keys.index(code) if code in keys else len(keys)


@dataclass(slots=True)
class Item:
    """One questionnaire item as the page shows it (attributes, not keys: read fast by Jinja)."""

    code: str
    text: str
    pengurus: bool | None
    pengawas: bool | None
    answer: bool | None  # the answer the live score uses (None: counted as unanswered)
    note: str
    from_version: int | None
    conflict: bool
    agreed: bool  # the pengurus took the carried correction over on the new version

    @property
    def pengurus_label(self) -> str:
        return answer_label(self.pengurus)


@dataclass(slots=True)
class Group:
    code: str
    name: str
    items: list[Item]
    open: bool  # a conflict or an unanswered item: shown unfolded
    corrected: int
    blank: int


def questionnaire(report: Report, rs: scoring.Ruleset | None, open_conflicts: dict) -> list[Group]:
    """Items grouped by indicator with the pengurus's and the pengawas's answers and notes.
    `rs`: the result's ruleset; None (not scored, or refused) reads the report's own."""
    if rs is None:
        try:
            rs = ans.ruleset_of(report)
        except scoring.ScoringError:
            return []
    given, corrected = ans.pengurus_answers(report), ans.pengawas_answers(report)
    notes = ans.correction_notes(report)
    groups = []
    for ind in rs.indicators:
        if ind.enabled and ind.items:
            items = [item_row(i, given, corrected, notes, open_conflicts) for i in ind.items]
            blank = sum(i.answer is None for i in items)
            groups.append(Group(ind.code, ind.name, items, any(i.conflict for i in items) or blank > 0,
                                sum(i.pengawas is not None for i in items), blank))  # fmt: skip
    return groups


def item_row(item, given, corrected, notes, open_conflicts) -> Item:
    code, entry = item.code, notes.get(item.code) or {}
    pengawas, conflict = corrected.get(code), code in open_conflicts
    answer = None if conflict else (pengawas if pengawas is not None else given.get(code))
    return Item(
        code, item.text, given.get(code), pengawas, answer, entry.get("note") or "",
        entry.get("from_version") if pengawas is not None else None, conflict,
        pengawas is not None and given.get(code) == pengawas,
    )  # fmt: skip

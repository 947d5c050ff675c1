"""What the review page shows beside the engine's result: the questionnaire with both answers,
what is missing (with anchors), conflicts and *tidak berlaku* confirmations."""

from typing import Any

import scoring
from scoring.schema import fields
from sikomo.models import Report
from sikomo.review import answers as ans
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


def field_label(key: str) -> str:
    """A report field's Indonesian label ('total_aset' -> 'Total aset'); the key if unknown."""
    known = fields().get(key)
    return known.label if known is not None else key


def answer_label(value) -> str:
    return ANSWER_LABELS.get(value, "–")


def context(report: Report, result: scoring.Assessment | None) -> dict[str, Any]:
    open_conflicts = ans.conflicts(report)
    return {
        "questionnaire": questionnaire(report, result, open_conflicts),
        "conflicts": conflict_rows(report, open_conflicts),
        "missing": missing_rows(result, open_conflicts),
        "not_applicable": ans.not_applicable(report),
        "status_labels": STATUS_LABELS,
        "rule_labels": RULE_LABELS,
        "answer_label": answer_label,
        "complete": result is None or result.complete,
        "allowed_predikat": allowed_predikat(result),
    }


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


def questionnaire(report: Report, result, open_conflicts: dict) -> list[dict]:
    """Items grouped by indicator with the pengurus's and the pengawas's answers and notes."""
    try:
        rs = scoring.ruleset_for(result.method, None) if result else ans.ruleset_of(report)
    except scoring.ScoringError:
        return []
    given, corrected = ans.pengurus_answers(report), ans.pengawas_answers(report)
    notes = ans.correction_notes(report)
    groups = []
    for ind in rs.indicators:
        if ind.enabled and ind.items:
            items = [item_row(i, given, corrected, notes, open_conflicts) for i in ind.items]
            needs_look = any(i["conflict"] or i["answer"] is None for i in items)
            groups.append({"code": ind.code, "name": ind.name, "items": items, "open": needs_look,
                           "corrected": sum(i["pengawas"] is not None for i in items)})  # fmt: skip
    return groups


def item_row(item, given, corrected, notes, open_conflicts) -> dict[str, Any]:
    code, entry = item.code, notes.get(item.code) or {}
    pengawas = corrected.get(code)
    answer = (
        None if code in open_conflicts else (pengawas if pengawas is not None else given.get(code))
    )
    return {
        "code": code,
        "text": item.text,
        "pengurus": given.get(code),
        "pengawas": pengawas,
        "answer": answer,  # the answer the live score uses (None: counted as unanswered)
        "note": entry.get("note") or "",
        "from_version": entry.get("from_version") if pengawas is not None else None,
        "conflict": code in open_conflicts,
        # the pengurus took the carried correction over on the new version
        "agreed": pengawas is not None and given.get(code) == pengawas,
    }

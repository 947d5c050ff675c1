"""What a review holds, read without writing: both sides' answers, notes, conflicts, tidak berlaku.

A pengawas's correction of a questionnaire item carries the pengurus's answer at the time
(`pengurus_before`). When the pengurus later gives an answer that differs from both that and the
correction (on a new version the correction was carried into), the item is in *conflict*: it counts
as unanswered in the live score until the pengawas settles it, so neither side wins silently.
"""

from dataclasses import dataclass
from typing import Any

import scoring
from scoring.schema import KUESIONER
from sikomo.models import Report


@dataclass(frozen=True)
class Conflict:
    code: str
    pengurus: bool | None  # the pengurus's answer now
    pengurus_before: bool | None  # the pengurus's answer when the correction was made
    pengawas: bool
    note: str
    from_version: int | None


def pengurus_answers(report: Report) -> dict[str, bool]:
    answers = (report.data or {}).get(KUESIONER)
    return dict(answers) if isinstance(answers, dict) else {}


def pengawas_answers(report: Report) -> dict[str, bool]:
    return dict(report.review.answers_pengawas or {}) if report.review else {}


def correction_notes(report: Report) -> dict[str, dict[str, Any]]:
    """{item_code: {"note", "from_version", "pengurus_before"}} of the corrected items."""
    notes = (report.review.correction_notes or {}) if report.review else {}
    return {k: dict(v) for k, v in notes.items() if isinstance(v, dict)}


def not_applicable(report: Report) -> dict[str, str]:
    """The indicators the pengawas confirmed *tidak berlaku*, with the reason."""
    return dict(report.review.not_applicable or {}) if report.review else {}


def scored_confirmations(report: Report, ruleset: scoring.Ruleset | None = None) -> dict[str, str]:
    """The confirmations the ruleset in force can take: one a newer ruleset no longer scores
    is kept on record but ignored, so it can never stop the report from being scored."""
    try:
        rs = ruleset or ruleset_of(report)
    except scoring.ScoringError:
        return {}
    scored = {i.code for i in rs.indicators if i.enabled}
    return {k: v for k, v in not_applicable(report).items() if k in scored}


def conflicts(report: Report) -> dict[str, Conflict]:
    """Corrected items the pengurus answered anew, differently from the correction too."""
    given, notes = pengurus_answers(report), correction_notes(report)
    found = {}
    for code, answer in pengawas_answers(report).items():
        entry = notes.get(code)
        if entry is None:  # a correction without its record predates carry-over: never a conflict
            continue
        now, before = given.get(code), entry.get("pengurus_before")
        if now != before and now != answer:
            found[code] = Conflict(code, now, before, answer, entry.get("note") or "",
                                   entry.get("from_version"))  # fmt: skip
    return found


def merged_answers(report: Report) -> dict[str, bool]:
    """The pengawas's corrections over the pengurus's answers; an item in conflict is left out."""
    merged = pengurus_answers(report) | pengawas_answers(report)
    for code in conflicts(report):
        merged.pop(code, None)
    return merged


def correction_record(report: Report) -> dict[str, dict[str, Any]]:
    """Each corrected item with both answers, its note and origin, kept in an approved result."""
    given, notes, open_conflicts = (
        pengurus_answers(report),
        correction_notes(report),
        conflicts(report),
    )
    record = {}
    for code, answer in sorted(pengawas_answers(report).items()):
        entry = notes.get(code, {})
        record[code] = {
            "pengurus": given.get(code),
            "pengawas": answer,
            "note": entry.get("note") or "",
            "from_version": entry.get("from_version"),
            "pengurus_before": entry.get("pengurus_before", given.get(code)),
            "konflik": code in open_conflicts,
        }
    return record


def ruleset_of(report: Report) -> scoring.Ruleset:
    """The ruleset the engine uses for this report (its `metode`, else its tahun buku's)."""
    metode = (report.data or {}).get("metode")
    return scoring.ruleset_for(metode if isinstance(metode, str) and metode else None,
                               report.tahun_buku)  # fmt: skip


def item_texts(report: Report) -> dict[str, str]:
    """Every questionnaire item of the report's ruleset with its wording, in ruleset order."""
    try:
        rs = ruleset_of(report)
    except scoring.ScoringError:
        return {}
    return {i.code: i.text for ind in rs.indicators if ind.enabled for i in ind.items}


def carried_corrections(report: Report) -> list[dict[str, Any]]:
    """Corrections carried from an earlier version, as the pengurus sees them on the new one."""
    texts, given = item_texts(report), pengurus_answers(report)
    notes, open_conflicts = correction_notes(report), conflicts(report)
    shown = []
    for code, answer in pengawas_answers(report).items():
        entry = notes.get(code) or {}
        if entry.get("from_version") is None:
            continue
        shown.append({"code": code, "text": texts.get(code, code), "pengawas": answer,
                      "note": entry.get("note") or "", "from_version": entry["from_version"],
                      "changed": given.get(code) != entry.get("pengurus_before"),
                      "conflict": code in open_conflicts})  # fmt: skip
    order = list(texts)
    return sorted(shown, key=lambda c: order.index(c["code"]) if c["code"] in order else len(order))

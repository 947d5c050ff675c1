"""Corrections carried into a new version, conflicts settled, indicators confirmed *tidak berlaku*.

Like the other review services, each action checks the form's version, records one audit event
with before and after, and commits once; `carry_corrections` is part of the pengurus's reopen()
and leaves the commit to it.
"""

from typing import Any

from scoring import ScoringError
from scoring.results import RULE_LOSS
from sikomo import audit
from sikomo.extensions import db
from sikomo.models import Report, Review
from sikomo.review.answers import (
    conflicts,
    correction_notes,
    not_applicable,
    pengawas_answers,
    pengurus_answers,
)
from sikomo.review.operations import (
    MIN_NOTE,
    ReviewError,
    check_reviewable,
    check_version,
    clean_text,
    commit_or_conflict,
    live_result,
    review_of,
    score_summary,
    scored_indicators,
)

KEEP, ACCEPT = "pertahankan", "terima"  # keep the correction / accept the pengurus's answer


def carry_corrections(actor, previous: Report, draft: Report) -> Review | None:
    """Lay the previous version's corrections over the new draft, each with its origin and note.

    `pengurus_before` is the pengurus's answer on the previous version, so a change the pengurus
    makes on the draft shows as a conflict; a conflict still open there stays open.
    """
    answers = pengawas_answers(previous)
    if not answers:
        return None
    given, notes, open_conflicts = (
        pengurus_answers(previous),
        correction_notes(previous),
        conflicts(previous),
    )
    carried = {}
    for code in sorted(answers):
        entry = notes.get(code, {})
        before = entry.get("pengurus_before") if code in open_conflicts else given.get(code)
        carried[code] = {
            "note": entry.get("note") or "",
            "from_version": entry.get("from_version") or previous.version,
            "pengurus_before": before,
        }
    review = Review(
        report=draft,
        answers_pengawas=dict(sorted(answers.items())),
        correction_notes=carried,
        not_applicable={},  # a confirmation is a judgement on one version: made again if still so
        updated_by_id=previous.review.updated_by_id if previous.review else None,
    )
    db.session.add(review)
    audit.record(actor, "review.carry_corrections", draft, None,
                 {"from_version": previous.version, "answers_pengawas": review.answers_pengawas,
                  "correction_notes": carried})  # fmt: skip
    return review


def settle_conflict(actor, report: Report, code: str, choice: str, version_id: int) -> None:
    """Keep the pengawas's correction (it now stands against the pengurus's new answer) or drop it."""
    check_version(report, version_id)
    check_reviewable(report)
    conflict = conflicts(report).get(code)
    if conflict is None:
        raise ReviewError("Tidak ada konflik jawaban pada butir ini.")
    if choice not in (KEEP, ACCEPT):
        raise ReviewError("Pilih: pertahankan koreksi atau terima jawaban pengurus.")
    answers, notes = pengawas_answers(report), correction_notes(report)
    before: dict[str, Any] = {"butir": code, "pengurus": conflict.pengurus,
                              "pengawas": answers[code], "catatan": notes[code],
                              **score_summary(report)}  # fmt: skip
    review = review_of(actor, report)
    if choice == KEEP:
        notes[code] = notes[code] | {"pengurus_before": conflict.pengurus}
    else:
        answers.pop(code)
        notes.pop(code)
    review.answers_pengawas, review.correction_notes = answers, notes
    after = {"butir": code, "keputusan": choice, "pengawas": answers.get(code),
             "catatan": notes.get(code), **score_summary(report)}  # fmt: skip
    audit.record(actor, "review.conflict", report, before, after)
    commit_or_conflict()


def confirm_not_applicable(actor, report: Report, code: str, reason: str, version_id: int) -> bool:
    """Take an indicator out of the pool for this cooperative, with a written reason."""
    check_version(report, version_id)
    check_reviewable(report)
    if code not in scored_indicators(report):
        raise ReviewError("Indikator tidak dikenal atau tidak dinilai dalam aturan ini.")
    reason = clean_text(reason, "Alasan tidak berlaku")
    if len(reason) < MIN_NOTE:
        raise ReviewError(f"Alasan tidak berlaku wajib diisi (minimal {MIN_NOTE} karakter).")
    refuse_setting_aside_a_loss(report, code)
    before = not_applicable(report)
    if before.get(code) == reason:
        return False
    store_not_applicable(actor, report, "review.not_applicable", before, before | {code: reason})
    return True


def refuse_setting_aside_a_loss(report: Report, code: str) -> None:
    """An indicator in its worst band because of a loss or deficit measures something: taking it
    out of the pool would raise the result (decisions.md D8)."""
    try:
        result = live_result(report)
    except ScoringError:
        return
    found = next((i for i in result.indicators if i.code == code), None) if result else None
    if found is not None and found.rule == RULE_LOSS:
        raise ReviewError(
            f"{found.name} berada di kelompok terburuk karena kerugian/defisit ({found.reason}); "
            "indikator ini berlaku dan tidak dapat dikeluarkan dari penilaian."
        )


def withdraw_not_applicable(actor, report: Report, code: str, version_id: int) -> None:
    """Put an indicator confirmed tidak berlaku back into the pool."""
    check_version(report, version_id)
    check_reviewable(report)
    before = not_applicable(report)
    if code not in before:
        raise ReviewError("Indikator ini tidak sedang ditetapkan tidak berlaku.")
    after = {k: v for k, v in before.items() if k != code}
    store_not_applicable(actor, report, "review.not_applicable_withdrawn", before, after)


def store_not_applicable(actor, report: Report, action: str, before: dict, after: dict) -> None:
    score_before = score_summary(report)
    review_of(actor, report).not_applicable = dict(sorted(after.items()))
    audit.record(actor, action, report, {"not_applicable": before, **score_before},
                 {"not_applicable": after, **score_summary(report)})  # fmt: skip
    commit_or_conflict()

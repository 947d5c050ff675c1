"""Review services: corrections, the three decisions, mandatory texts, conflicts and the audit trail."""

import re

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from sikomo.extensions import db
from sikomo.models import (
    Assessment,
    AssessmentStatus,
    AuditEvent,
    Jenis,
    Predikat,
    Report,
    ReportStatus,
    Role,
)
from sikomo.review import operations as ops
from sikomo.review import trail
from tests.decisions import decide

JUSTIFICATION = "Temuan lapangan: agunan pinjaman terbesar tidak dapat diverifikasi."


@pytest.fixture
def pengawas(make_user):
    return make_user(Role.PENGAWAS, email="pengawas@contoh.test")


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def tk_items(report) -> list[str]:
    return sorted(c for c in ops.item_codes(report) if c.startswith("tk."))


def test_approving_keeps_the_engines_predikat_and_numbers_a_certificate(pengawas, make_submitted):
    report = make_submitted()
    row = decide(pengawas, report, ops.Decision(ops.SETUJUI, report.version_id))
    assert report.status == ReportStatus.DISETUJUI and report.approved_at is not None
    assert row.status == AssessmentStatus.APPROVED and row.decided_by_id == pengawas.id
    assert row.predikat == row.engine_predikat == Predikat.SEHAT
    assert float(row.total_score) == 92.19 and row.justification is None
    assert row.ruleset_id == "permenkop_9_2020" and row.ruleset_hash.startswith("sha256:")
    assert row.result["indicators"] and row.result["koreksi_pengawas"] == {}
    assert re.fullmatch(rf"SKK/{row.decided_at.year}/{row.id:05d}", row.certificate_number)


def test_an_adjusted_approval_keeps_both_predikat_and_the_justification(pengawas, make_submitted):
    report = make_submitted()
    decision = ops.Decision(ops.SESUAIKAN, report.version_id, Predikat.CUKUP_SEHAT, JUSTIFICATION)
    row = decide(pengawas, report, decision)
    assert row.predikat == Predikat.CUKUP_SEHAT and row.engine_predikat == Predikat.SEHAT
    assert row.justification == JUSTIFICATION


@pytest.mark.parametrize(
    ("kind", "predikat", "justification", "note", "message"),
    [
        (ops.SESUAIKAN, None, JUSTIFICATION, "", "Pilih predikat"),
        (ops.SESUAIKAN, Predikat.SEHAT, JUSTIFICATION, "", "sama dengan hasil mesin"),
        (ops.SESUAIKAN, Predikat.CUKUP_SEHAT, "", "", "Alasan penyesuaian wajib"),
        (ops.SESUAIKAN, Predikat.CUKUP_SEHAT, "   terlalu pendek ", "", "Alasan penyesuaian wajib"),
        (ops.KEMBALIKAN, None, "", "", "Catatan pengembalian wajib"),
        (ops.KEMBALIKAN, None, "", "kurang", "Catatan pengembalian wajib"),
        ("hapus", None, "", "", "Keputusan tidak dikenal"),
    ],
)
def test_a_decision_missing_its_text_is_refused_and_nothing_is_written(
    pengawas, make_submitted, kind, predikat, justification, note, message
):
    report = make_submitted()
    events = count(AuditEvent)
    decision = ops.Decision(kind, report.version_id, predikat, justification, note)
    with pytest.raises(ops.ReviewError, match=message):
        decide(pengawas, report, decision)
    db.session.rollback()
    assert report.status == ReportStatus.DIAJUKAN
    assert count(Assessment) == 0 and count(AuditEvent) == events


def test_returning_stores_the_note_for_the_pengurus(pengawas, make_submitted):
    report = make_submitted()
    note = "Lampiran berita acara RAT belum ditandatangani."
    assert (
        decide(pengawas, report, ops.Decision(ops.KEMBALIKAN, report.version_id, note=note)) is None
    )
    assert report.status == ReportStatus.DIKEMBALIKAN and report.review_note == note
    assert count(Assessment) == 0


def test_a_correction_keeps_both_answers_and_changes_the_score(pengawas, make_submitted):
    report = make_submitted()
    original = dict(report.data)
    corrected = {code: False for code in tk_items(report)}
    assert ops.correct_answers(pengawas, report, corrected, report.version_id)
    assert report.data == original  # the pengurus's answers and figures are untouched
    assert ops.pengawas_answers(report) == corrected
    result = ops.live_result(report)
    assert (result.total, result.predikat) == (69.69, "cukup_sehat")
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "review.answers")
    ).one()
    assert event.before == {
        "answers_pengawas": {},
        "correction_notes": {},
        "total": 92.19,
        "predikat": "sehat",
    }
    assert event.after["total"] == 69.69 and event.after["answers_pengawas"] == corrected
    first = tk_items(report)[0]
    assert event.after["correction_notes"][first] == {
        "note": "",
        "from_version": None,
        "pengurus_before": True,
    }
    row = decide(pengawas, report, ops.Decision(ops.SETUJUI, report.version_id))
    assert row.predikat == Predikat.CUKUP_SEHAT
    assert row.result["koreksi_pengawas"][first] == {
        "pengurus": True,
        "pengawas": False,
        "note": "",
        "from_version": None,
        "pengurus_before": True,
        "konflik": False,
    }


@pytest.mark.parametrize(
    ("answers", "stored"),
    [
        ({"tk.prinsip.sukarela.1": True}, {}),  # same as the pengurus: not a correction
        ({"tk.prinsip.sukarela.1": None}, {}),  # follow the pengurus
        ({"tk.prinsip.sukarela.1": False}, {"tk.prinsip.sukarela.1": False}),
    ],
)
def test_only_answers_that_differ_from_the_pengurus_are_kept(
    pengawas, make_submitted, answers, stored
):
    report = make_submitted()
    ops.correct_answers(pengawas, report, answers, report.version_id)
    assert ops.pengawas_answers(report) == stored


def test_an_unchanged_correction_writes_nothing(pengawas, make_submitted):
    report = make_submitted()
    version = report.version_id
    assert not ops.correct_answers(pengawas, report, {}, version)
    assert report.version_id == version and count(AuditEvent) == 0


def test_an_unknown_questionnaire_item_is_refused(pengawas, make_submitted):
    report = make_submitted()
    with pytest.raises(ops.ReviewError, match="tidak dikenal: total_aset"):
        ops.correct_answers(pengawas, report, {"total_aset": True}, report.version_id)


def test_the_second_of_two_pengawas_gets_a_conflict_and_nothing_is_applied_twice(
    pengawas, make_user, make_submitted
):
    report = make_submitted()
    other = make_user(Role.PENGAWAS, email="pengawas2@contoh.test")
    seen = report.version_id  # both opened the page at this version
    decide(pengawas, report, ops.Decision(ops.SETUJUI, seen))
    with pytest.raises(ops.ReviewConflict, match="telah diubah oleh pengguna lain"):
        decide(other, report, ops.Decision(ops.KEMBALIKAN, seen, note="Mohon lengkapi lampiran."))
    with pytest.raises(ops.ReviewConflict):
        ops.correct_answers(other, report, {"tk.prinsip.sukarela.1": False}, seen)
    assert count(Assessment) == 1 and report.status == ReportStatus.DISETUJUI


def test_a_race_lost_at_commit_time_is_a_conflict_too(pengawas, make_submitted):
    report = make_submitted()
    seen = report.version_id
    with Session(db.engine) as other:  # another pengawas commits between our check and our write
        other.execute(update(Report).where(Report.id == report.id).values(version_id=seen + 1))
        other.commit()
    with pytest.raises(ops.ReviewConflict):
        decide(pengawas, report, ops.Decision(ops.SETUJUI, seen))
    db.session.expire_all()
    assert count(Assessment) == 0 and count(AuditEvent) == 0
    assert db.session.get(Report, report.id).status == ReportStatus.DIAJUKAN


@pytest.mark.parametrize(
    "status", [ReportStatus.DRAF, ReportStatus.DIKEMBALIKAN, ReportStatus.DISETUJUI]
)
def test_only_a_submitted_report_can_be_decided(pengawas, make_submitted, status):
    report = make_submitted()
    report.status = status
    db.session.commit()
    with pytest.raises(ops.ReviewError, match="tidak sedang diajukan"):
        decide(pengawas, report, ops.Decision(ops.SETUJUI, report.version_id))


def test_a_cooperative_that_is_not_health_scored_is_approved_without_a_predikat(
    pengawas, make_cooperative, make_report
):
    toko = make_cooperative("Koperasi Konsumen Maju", jenis=Jenis.KONSUMEN)
    report = make_report(toko)
    report.status = ReportStatus.DIAJUKAN
    db.session.commit()
    with pytest.raises(ops.ReviewError, match="tidak dinilai kesehatannya"):
        decide(
            pengawas,
            report,
            ops.Decision(ops.SESUAIKAN, report.version_id, Predikat.SEHAT, JUSTIFICATION),
        )
    db.session.rollback()
    assert decide(pengawas, report, ops.Decision(ops.SETUJUI, report.version_id)) is None
    assert report.status == ReportStatus.DISETUJUI and count(Assessment) == 0


def test_plain_approval_is_refused_when_the_engine_gives_no_predikat(
    pengawas, make_cooperative, make_report
):
    report = make_report(make_cooperative())  # no figures, no answers: nothing computable
    report.status = ReportStatus.DIAJUKAN
    db.session.commit()
    assert ops.live_result(report).predikat is None
    with pytest.raises(ops.ReviewError, match="gunakan Setujui dengan penyesuaian"):
        decide(pengawas, report, ops.Decision(ops.SETUJUI, report.version_id))
    decision = ops.Decision(
        ops.SESUAIKAN, report.version_id, Predikat.DALAM_PENGAWASAN, JUSTIFICATION
    )
    assert decide(pengawas, report, decision).predikat == Predikat.DALAM_PENGAWASAN


def test_every_state_change_of_a_review_has_an_audit_event(pengawas, make_submitted):
    report = make_submitted()
    changes = [
        lambda: ops.correct_answers(pengawas, report, {"tk.prinsip.sukarela.1": False}, report.version_id),
        lambda: decide(pengawas, report, ops.Decision(ops.KEMBALIKAN, report.version_id, note="Neraca tidak seimbang.")),
        lambda: resubmit(report),
        lambda: ops.correct_answers(pengawas, report, {}, report.version_id),
        lambda: decide(pengawas, report, ops.Decision(ops.SETUJUI, report.version_id)),
    ]  # fmt: skip
    for change in changes:
        change()
    events = trail.events(report)
    assert [e.action for e in events] == [
        "review.answers",
        "review.return",
        "test.resubmit",
        "review.answers",
        "assessment.approve",
        "review.approve",
    ]
    assert events[1].before["status"] == "diajukan" and events[1].after["status"] == "dikembalikan"
    assert events[-1].after["status"] == "disetujui" and events[-1].after["certificate_number"]
    assert events[-2].after["predikat"] == "sehat" and events[-2].object_type == "assessment"


def resubmit(report):
    """Stand-in for the pengurus side's re-submission (issue 4)."""
    from sikomo import audit

    audit.record(
        "pengurus", "test.resubmit", report, {"status": "dikembalikan"}, {"status": "diajukan"}
    )
    report.status = ReportStatus.DIAJUKAN
    db.session.commit()

"""Assessment integrity on the pengawas's side: Setujui only on a complete result, *tidak berlaku*
confirmations, adjusted predikat capped by the range, corrections carried across versions and the
conflicts a pengurus's later answer makes (decisions.md D8)."""

import pytest
from sqlalchemy import func, select

from sikomo.extensions import db
from sikomo.models import Assessment, AuditEvent, Predikat, Report, ReportStatus, Review, Role
from sikomo.reports import operations as reports
from sikomo.review import corrections as fix
from sikomo.review import operations as ops
from tests.conftest import all_answers, as_user
from tests.decisions import decide

JUSTIFICATION = "Temuan lapangan: agunan pinjaman terbesar tidak dapat diverifikasi."
ITEM = "tk.prinsip.sukarela.1"
NOTE = "Berita acara menunjukkan calon anggota ditolak tanpa alasan."
NO_LONG_TERM = "USP ini tidak memiliki kewajiban jangka panjang sama sekali."


@pytest.fixture
def pengawas(make_user):
    return make_user(Role.PENGAWAS, email="pengawas@contoh.test")


@pytest.fixture
def pengurus(make_user, make_cooperative):
    coop = make_cooperative("KSP Jujur Makmur")
    return make_user(Role.PENGURUS, email="pengurus@contoh.test", cooperative=coop)


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def setujui(actor, report):
    return decide(actor, report, ops.Decision(ops.SETUJUI, report.version_id))


def events(action: str) -> list[AuditEvent]:
    query = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    return list(db.session.scalars(query))


# --- Setujui needs a complete result -----------------------------------------------------------
def test_setujui_is_refused_on_a_blank_questionnaire_and_says_what_is_missing(
    pengawas, make_submitted
):
    report = make_submitted(answers={})
    result = ops.live_result(report)
    assert result.provisional and result.predikat is None
    assert (result.total_min, result.total_max) == (60.12, 92.19)
    with pytest.raises(ops.ReviewError) as refused:
        setujui(pengawas, report)
    message = str(refused.value)
    assert "masih sementara" in message
    assert "antara Dalam Pengawasan (60,12) dan Sehat (92,19)" in message
    assert "Keanggotaan bersifat sukarela dan terbuka (4 dari 4 butir belum dijawab)" in message
    assert "indikator lainnya" in message and "Setujui dengan penyesuaian" in message
    db.session.rollback()
    assert report.status == ReportStatus.DIAJUKAN and count(Assessment) == 0


def test_setujui_is_allowed_once_the_pengawas_has_answered_every_item(pengawas, make_submitted):
    report = make_submitted(answers={})
    ops.correct_answers(pengawas, report, all_answers(), report.version_id, {ITEM: NOTE})
    result = ops.live_result(report)
    assert result.complete and (result.total, result.predikat) == (92.19, "sehat")
    row = setujui(pengawas, report)
    assert row.predikat == row.engine_predikat == Predikat.SEHAT
    stored = row.result["koreksi_pengawas"]
    assert set(stored) == set(all_answers())
    assert stored[ITEM] == {"pengurus": None, "pengawas": True, "note": NOTE,
                            "from_version": None, "pengurus_before": None, "konflik": False}  # fmt: skip


# --- tidak berlaku -----------------------------------------------------------------------------
def test_confirming_an_indicator_tidak_berlaku_takes_it_out_of_the_pool_and_is_audited(
    pengawas, make_submitted
):
    report = make_submitted(pinjaman_bank_jangka_panjang=None)
    assert [m["code"] for m in ops.live_result(report).missing] == [
        "kewajiban_jangka_panjang_ekuitas"
    ]
    with pytest.raises(ops.ReviewError, match="masih sementara"):
        setujui(pengawas, report)
    db.session.rollback()
    code = "kewajiban_jangka_panjang_ekuitas"
    assert fix.confirm_not_applicable(
        pengawas, report, code, f"  {NO_LONG_TERM} ", report.version_id
    )
    result = ops.live_result(report)
    assert result.complete and result.not_applicable == {code: NO_LONG_TERM}
    assert result.indicator(code).status == "tidak_berlaku"
    (event,) = events("review.not_applicable")
    assert event.before["not_applicable"] == {} and event.after["not_applicable"] == {
        code: NO_LONG_TERM
    }
    assert event.before["total"] is None and event.after["total"] == result.total
    row = setujui(pengawas, report)
    assert row.result["not_applicable"] == {code: NO_LONG_TERM}
    assert (
        row.result["indicators"][[i["code"] for i in row.result["indicators"]].index(code)][
            "status"
        ]
        == "tidak_berlaku"
    )


def test_a_confirmation_can_be_withdrawn_and_the_indicator_is_missing_again(
    pengawas, make_submitted
):
    report = make_submitted(pinjaman_bank_jangka_panjang=None)
    code = "kewajiban_jangka_panjang_ekuitas"
    fix.confirm_not_applicable(pengawas, report, code, NO_LONG_TERM, report.version_id)
    fix.withdraw_not_applicable(pengawas, report, code, report.version_id)
    assert ops.live_result(report).provisional and report.review.not_applicable == {}
    (event,) = events("review.not_applicable_withdrawn")
    assert (
        event.before["not_applicable"] == {code: NO_LONG_TERM}
        and event.after["not_applicable"] == {}
    )
    with pytest.raises(ops.ReviewError, match="tidak sedang ditetapkan"):
        fix.withdraw_not_applicable(pengawas, report, code, report.version_id)


@pytest.mark.parametrize(
    ("code", "reason", "message"),
    [
        ("kewajiban_jangka_panjang_ekuitas", "", "wajib diisi"),
        ("kewajiban_jangka_panjang_ekuitas", "tidak ada", "minimal 10 karakter"),
        ("kewajiban_jangka_panjang_ekuitas", "x" * 501, "terlalu panjang"),
        ("car", NO_LONG_TERM, "tidak dikenal atau tidak dinilai"),  # not scored (belum ditetapkan)
        ("total_aset", NO_LONG_TERM, "tidak dikenal atau tidak dinilai"),
    ],
)
def test_a_bad_tidak_berlaku_confirmation_is_refused_and_nothing_is_written(
    pengawas, make_submitted, code, reason, message
):
    report = make_submitted(pinjaman_bank_jangka_panjang=None)
    version = report.version_id
    with pytest.raises(ops.ReviewError, match=message):
        fix.confirm_not_applicable(pengawas, report, code, reason, version)
    assert report.version_id == version and count(AuditEvent) == 0


def test_a_stale_tidak_berlaku_form_is_a_conflict(pengawas, make_submitted):
    report = make_submitted(pinjaman_bank_jangka_panjang=None)
    seen = report.version_id
    ops.correct_answers(pengawas, report, {ITEM: False}, seen)
    with pytest.raises(ops.ReviewConflict):
        fix.confirm_not_applicable(pengawas, report, "kewajiban_jangka_panjang_ekuitas",
                                   NO_LONG_TERM, seen)  # fmt: skip


# --- Setujui dengan penyesuaian on a provisional result ----------------------------------------
def provisional_cukup_sehat(make_submitted):
    """Every tata kelola item 'tidak' but one left blank: at best cukup sehat."""
    answers = all_answers() | {c: False for c in all_answers() if c.startswith("tk.")}
    del answers[ITEM]
    report = make_submitted(answers=answers)
    result = ops.live_result(report)
    assert result.provisional and result.predikat_max == "cukup_sehat"
    return report


@pytest.mark.parametrize(
    ("predikat", "justification", "message"),
    [
        (Predikat.SEHAT, JUSTIFICATION, "paling tinggi Cukup Sehat"),
        (Predikat.CUKUP_SEHAT, "", "Alasan penyesuaian wajib"),
        (None, JUSTIFICATION, "Pilih predikat"),
    ],
)
def test_an_adjustment_of_a_provisional_result_is_capped_and_justified(
    pengawas, make_submitted, predikat, justification, message
):
    report = provisional_cukup_sehat(make_submitted)
    decision = ops.Decision(ops.SESUAIKAN, report.version_id, predikat, justification)
    with pytest.raises(ops.ReviewError, match=message):
        decide(pengawas, report, decision)
    db.session.rollback()
    assert count(Assessment) == 0 and report.status == ReportStatus.DIAJUKAN


@pytest.mark.parametrize("predikat", [Predikat.CUKUP_SEHAT, Predikat.DALAM_PENGAWASAN])
def test_an_adjustment_within_the_range_stores_the_provisional_result(
    pengawas, make_submitted, predikat
):
    report = provisional_cukup_sehat(make_submitted)
    decision = ops.Decision(ops.SESUAIKAN, report.version_id, predikat, JUSTIFICATION)
    row = decide(pengawas, report, decision)
    assert row.predikat == predikat and row.engine_predikat is None and row.total_score is None
    assert row.justification == JUSTIFICATION and row.result["provisional"] is True
    assert row.result["predikat_max"] == "cukup_sehat" and row.result["missing"]


# --- corrections carried across versions -------------------------------------------------------
def return_report(pengawas, report):
    note = "Mohon periksa kembali jawaban kuesioner."
    decide(pengawas, report, ops.Decision(ops.KEMBALIKAN, report.version_id, note=note))


def resubmit(actor, draft: Report) -> None:
    draft.status = ReportStatus.DIAJUKAN  # as reports.submit leaves it
    db.session.commit()


def test_corrections_carry_over_from_return_to_approval_with_their_versions(
    pengawas, pengurus, make_submitted
):
    first = make_submitted(pengurus.cooperative)
    ops.correct_answers(pengawas, first, {ITEM: False}, first.version_id, {ITEM: NOTE})
    return_report(pengawas, first)
    draft = reports.reopen(pengurus, first)
    assert draft.version == 2 and draft.review is not None
    assert draft.review.answers_pengawas == {ITEM: False}
    assert draft.review.correction_notes == {
        ITEM: {"note": NOTE, "from_version": 1, "pengurus_before": True}
    }
    (carried,) = events("review.carry_corrections")
    assert carried.object_id == str(draft.id) and carried.after["from_version"] == 1
    assert first.review.answers_pengawas == {ITEM: False}  # the old version keeps its own
    resubmit(pengurus, draft)
    assert ops.live_result(draft).complete  # the correction counts, the pengurus did not change it
    row = setujui(pengawas, draft)
    assert row.result["koreksi_pengawas"][ITEM] == {"pengurus": True, "pengawas": False,
                                                    "note": NOTE, "from_version": 1,
                                                    "pengurus_before": True, "konflik": False}  # fmt: skip
    third = reports.reopen(pengurus, draft)  # an approved report corrected again: origin kept
    assert third.review.correction_notes[ITEM]["from_version"] == 1


def test_a_report_without_corrections_gets_no_review_row_on_reopen(
    pengawas, pengurus, make_submitted
):
    first = make_submitted(pengurus.cooperative)
    return_report(pengawas, first)
    assert reports.reopen(pengurus, first).review is None
    assert events("review.carry_corrections") == []


def test_the_pengurus_sees_the_carried_corrections_on_the_questionnaire(
    client, pengawas, pengurus, make_submitted
):
    first = make_submitted(pengurus.cooperative)
    ops.correct_answers(pengawas, first, {ITEM: False}, first.version_id, {ITEM: NOTE})
    return_report(pengawas, first)
    draft = reports.reopen(pengurus, first)
    as_user(client, pengurus)
    body = client.get(f"/laporan/{draft.id}/bagian/kuesioner").get_data(as_text=True)
    assert f"Koreksi pengawas dari versi 1: <strong>Tidak</strong> — catatan: {NOTE}" in body
    assert f'href="#butir-{ITEM}"' in body


# --- conflicts ---------------------------------------------------------------------------------
def conflicted(pengawas, pengurus, make_submitted):
    """v1 left ITEM blank, the pengawas answered it 'tidak'; on v2 the pengurus answers 'ya'."""
    answers = all_answers()
    del answers[ITEM]
    first = make_submitted(pengurus.cooperative, answers=answers)
    ops.correct_answers(pengawas, first, {ITEM: False}, first.version_id, {ITEM: NOTE})
    assert ops.live_result(first).complete
    return_report(pengawas, first)
    draft = reports.reopen(pengurus, first)
    reports.save_answers(pengurus, draft, {ITEM: True}, draft.version_id)
    resubmit(pengurus, draft)
    return draft


def test_a_pengurus_answer_that_differs_from_the_correction_is_a_conflict_that_blocks_setujui(
    pengawas, pengurus, make_submitted
):
    report = conflicted(pengawas, pengurus, make_submitted)
    (clash,) = ops.conflicts(report).values()
    assert (clash.code, clash.pengurus, clash.pengurus_before, clash.pengawas) == (
        ITEM, True, None, False)  # fmt: skip
    assert clash.note == NOTE and clash.from_version == 1
    result = ops.live_result(report)
    assert result.provisional  # neither answer wins silently: the item counts as unanswered
    assert ITEM in result.indicator("tk_prinsip_sukarela").unanswered
    with pytest.raises(ops.ReviewError, match="1 konflik jawaban belum diselesaikan"):
        setujui(pengawas, report)
    db.session.rollback()
    assert count(Assessment) == 0


@pytest.mark.parametrize(
    ("choice", "answer", "stored"),
    [(fix.KEEP, False, {ITEM: False}), (fix.ACCEPT, True, {})],
)
def test_settling_a_conflict_either_way_unblocks_setujui_and_is_audited(
    pengawas, pengurus, make_submitted, choice, answer, stored
):
    report = conflicted(pengawas, pengurus, make_submitted)
    fix.settle_conflict(pengawas, report, ITEM, choice, report.version_id)
    assert ops.conflicts(report) == {} and report.review.answers_pengawas == stored
    if choice == fix.KEEP:
        assert report.review.correction_notes[ITEM]["pengurus_before"] is True
    assert ops.merged_data(report)["kuesioner"][ITEM] is answer
    (event,) = events("review.conflict")
    assert event.after["keputusan"] == choice and event.before["pengurus"] is True
    assert event.before["total"] is None and event.after["total"] is not None
    row = setujui(pengawas, report)
    assert row.predikat is not None and (ITEM in row.result["koreksi_pengawas"]) is (
        choice == fix.KEEP
    )


def test_settling_refuses_an_item_without_conflict_and_an_unknown_choice(
    pengawas, pengurus, make_submitted
):
    report = conflicted(pengawas, pengurus, make_submitted)
    with pytest.raises(ops.ReviewError, match="Tidak ada konflik"):
        fix.settle_conflict(pengawas, report, "tk.prinsip.sukarela.2", fix.KEEP, report.version_id)
    with pytest.raises(ops.ReviewError, match="Pilih"):
        fix.settle_conflict(pengawas, report, ITEM, "hapus", report.version_id)
    assert count(AuditEvent, AuditEvent.action == "review.conflict") == 0


def test_a_conflict_survives_another_return_until_it_is_settled(pengawas, pengurus, make_submitted):
    report = conflicted(pengawas, pengurus, make_submitted)
    return_report(pengawas, report)
    third = reports.reopen(pengurus, report)
    resubmit(pengurus, third)
    assert list(ops.conflicts(third)) == [ITEM]


def test_a_pengurus_who_takes_the_correction_over_makes_no_conflict(
    pengawas, pengurus, make_submitted
):
    first = make_submitted(pengurus.cooperative)
    ops.correct_answers(pengawas, first, {ITEM: False}, first.version_id, {ITEM: NOTE})
    return_report(pengawas, first)
    draft = reports.reopen(pengurus, first)
    reports.save_answers(pengurus, draft, {ITEM: False}, draft.version_id)
    resubmit(pengurus, draft)
    assert ops.conflicts(draft) == {} and ops.live_result(draft).complete


def test_a_note_can_be_changed_without_changing_the_correction(pengawas, make_submitted):
    report = make_submitted()
    ops.correct_answers(pengawas, report, {ITEM: False}, report.version_id, {ITEM: NOTE})
    assert ops.correct_answers(pengawas, report, {ITEM: False}, report.version_id, {ITEM: "Baru."})
    assert report.review.correction_notes[ITEM]["note"] == "Baru."
    assert not ops.correct_answers(pengawas, report, {ITEM: False}, report.version_id)
    with pytest.raises(ops.ReviewError, match="terlalu panjang"):
        ops.correct_answers(pengawas, report, {ITEM: False}, report.version_id, {ITEM: "x" * 501})


def test_a_correction_stored_before_notes_existed_is_left_as_it_was(pengawas, make_submitted):
    report = make_submitted()
    ops.correct_answers(pengawas, report, {ITEM: False}, report.version_id)
    report.review.correction_notes = {}  # as a row migrated from before notes were kept
    db.session.commit()
    assert not ops.correct_answers(pengawas, report, {ITEM: False}, report.version_id, {ITEM: ""})
    assert ops.conflicts(report) == {} and ops.live_result(report).complete
    assert ops.correct_answers(pengawas, report, {ITEM: False}, report.version_id, {ITEM: NOTE})
    assert report.review.correction_notes[ITEM]["note"] == NOTE


def test_a_confirmation_or_answer_a_newer_ruleset_dropped_is_ignored_not_a_dead_end(
    pengawas, make_submitted, client
):
    report = make_submitted(answers=all_answers())
    review = Review(report=report, answers_pengawas={"tk.tidak.ada.lagi": True},
                    not_applicable={"pinjaman_anggota_total_pinjaman": "dulu dinilai"})  # fmt: skip
    db.session.add(review)
    db.session.commit()
    result = ops.live_result(report)
    assert result.complete and result.not_applicable == {}
    as_user(client, pengawas)
    page = client.get(f"/penilaian/laporan/{report.id}").get_data(as_text=True)
    assert "tidak dapat dinilai" not in page and "92,19" in page
    assert setujui(pengawas, report).predikat == Predikat.SEHAT


def test_an_indicator_in_its_worst_band_for_a_loss_cannot_be_set_aside(pengawas, make_submitted):
    report = make_submitted(total_ekuitas=-1_000_000, answers=all_answers())
    assert ops.live_result(report).indicator("kewajiban_jangka_panjang_ekuitas").rule == "kerugian"
    with pytest.raises(ops.ReviewError) as refused:
        fix.confirm_not_applicable(pengawas, report, "kewajiban_jangka_panjang_ekuitas",
                                   "tidak punya pinjaman bank jangka panjang", report.version_id)  # fmt: skip
    assert "kerugian" in str(refused.value)
    assert not (report.review and report.review.not_applicable)

"""Four-eyes on decisions that change the engine's result: held until a second user confirms."""

import io

import pytest
from flask import g
from pypdf import PdfReader
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from sikomo.extensions import db
from sikomo.foureyes import operations as four_eyes
from sikomo.indicators.facts import DECIDED
from sikomo.models import Assessment, AssessmentStatus, AuditEvent, Predikat, ReportStatus, Role
from sikomo.review import certificate, importer, trail
from sikomo.review import corrections as fix
from sikomo.review import operations as ops
from sikomo.review import queue as q
from sikomo.settings import set_setting
from tests.conftest import as_user
from tests.rendered import review_page

JUSTIFICATION = "Temuan lapangan: agunan pinjaman terbesar tidak dapat diverifikasi."
ITEM = "tk.prinsip.sukarela.1"
NO_LONG_TERM = "Koperasi tidak mempunyai pinjaman jangka panjang sama sekali."


@pytest.fixture
def people(make_user):
    make = {
        "pertama": (Role.PENGAWAS, "pertama@contoh.test"),
        "kedua": (Role.PENGAWAS, "kedua@contoh.test"),
        "dinas": (Role.DINAS, "dinas@contoh.test"),
        "admin": (Role.ADMIN, "admin@contoh.test"),
    }
    users = {key: make_user(role, email=email) for key, (role, email) in make.items()}
    for key, user in users.items():
        user.name = f"Ibu {key.capitalize()}"
    db.session.commit()
    return users


def adjust(actor, report) -> Assessment:
    decision = ops.Decision(ops.SESUAIKAN, report.version_id, Predikat.CUKUP_SEHAT, JUSTIFICATION)
    return ops.decide(actor, report, decision)


def setujui(actor, report) -> Assessment:
    return ops.decide(actor, report, ops.Decision(ops.SETUJUI, report.version_id))


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def actions(report) -> list[str]:
    return [e.action for e in trail.events(report)]


def test_an_adjusted_approval_waits_for_a_second_user_and_counts_nowhere_meanwhile(
    people, make_submitted
):
    report = make_submitted()
    row = adjust(people["pertama"], report)
    assert row.status == AssessmentStatus.PENDING and row.certificate_number is None
    assert row.decided_by_id == people["pertama"].id and row.confirmed_by_id is None
    assert report.status == ReportStatus.DIAJUKAN and report.approved_at is None
    assert ops.decided_assessment(report) is None and row.status not in DECIDED
    assert actions(report) == ["review.approve_first"]
    with pytest.raises(ops.ReviewError, match="menunggu persetujuan kedua"):
        ops.correct_answers(people["pertama"], report, {ITEM: False}, report.version_id)
    with pytest.raises(ops.ReviewError, match="menunggu persetujuan kedua"):
        setujui(people["kedua"], report)  # another decision on top of the held one
    assert len(report.assessments) == 1


def test_a_plain_approval_of_the_engines_own_result_is_final_at_once(people, make_submitted):
    report = make_submitted()
    row = setujui(people["pertama"], report)
    assert row.status == AssessmentStatus.APPROVED and row.confirmed_by_id is None
    assert report.status == ReportStatus.DISETUJUI and row.certificate_number


def test_a_result_changed_by_a_correction_or_a_tidak_berlaku_confirmation_is_held(
    people, make_submitted
):
    corrected = make_submitted()
    ops.correct_answers(people["pertama"], corrected, {ITEM: False}, corrected.version_id)
    assert setujui(people["pertama"], corrected).status == AssessmentStatus.PENDING
    excluded = make_submitted(pinjaman_bank_jangka_panjang=None)
    code = "kewajiban_jangka_panjang_ekuitas"
    fix.confirm_not_applicable(people["pertama"], excluded, code, NO_LONG_TERM, excluded.version_id)
    assert setujui(people["pertama"], excluded).status == AssessmentStatus.PENDING


def test_with_the_setting_off_the_first_decision_is_final(people, make_submitted):
    set_setting("empat_mata", False)
    db.session.commit()
    report = make_submitted()
    row = adjust(people["pertama"], report)
    assert row.status == AssessmentStatus.APPROVED and report.status == ReportStatus.DISETUJUI


def test_nobody_confirms_their_own_decision(people, make_submitted):
    report = make_submitted()
    adjust(people["pertama"], report)
    with pytest.raises(ops.ReviewError, match="keputusan Anda sendiri"):
        four_eyes.confirm(people["pertama"], report, report.version_id)
    with pytest.raises(ops.ReviewError, match="keputusan Anda sendiri"):
        four_eyes.refuse(people["pertama"], report, report.version_id, "Saya berubah pikiran.")
    with pytest.raises(ops.ReviewError, match="pengawas lain atau Dinas"):
        four_eyes.confirm(people["admin"], report, report.version_id)
    db.session.rollback()
    assert report.status == ReportStatus.DIAJUKAN
    assert report.assessments[0].status == AssessmentStatus.PENDING


@pytest.mark.parametrize("second", ["kedua", "dinas"])
def test_a_second_user_confirms_and_the_certificate_and_audit_name_both(
    people, make_submitted, second
):
    report = make_submitted()
    adjust(people["pertama"], report)
    row = four_eyes.confirm(people[second], report, report.version_id)
    assert row.status == AssessmentStatus.APPROVED and report.status == ReportStatus.DISETUJUI
    assert row.decided_by_id == people["pertama"].id and row.confirmed_by_id == people[second].id
    assert row.predikat == Predikat.CUKUP_SEHAT and row.certificate_number
    assert actions(report) == ["review.approve_first", "assessment.approve", "review.confirm"]
    confirmed = trail.events(report)[-1]
    assert confirmed.actor_id == people[second].id
    assert confirmed.after["diputuskan_oleh"] == "Ibu Pertama"
    assert confirmed.after["dikonfirmasi_oleh"] == f"Ibu {second.capitalize()}"
    c = certificate.content(row, "https://sikomo.contoh.go.id/")
    assert c.pengawas == "Ibu Pertama" and c.penyetuju == f"Ibu {second.capitalize()}"
    text = pdf_text(certificate.pdf(c))
    assert "Diperiksa oleh" in text and "Disetujui oleh" in text
    assert "Ibu Pertama" in text and f"Ibu {second.capitalize()}" in text


def test_a_refusal_needs_a_reason_and_opens_the_report_for_review_again(people, make_submitted):
    report = make_submitted()
    adjust(people["pertama"], report)
    with pytest.raises(ops.ReviewError, match="Alasan penolakan wajib"):
        four_eyes.refuse(people["kedua"], report, report.version_id, "  singkat ")
    db.session.rollback()
    four_eyes.refuse(people["kedua"], report, report.version_id, "Agunan sudah diverifikasi.")
    assert report.status == ReportStatus.DIAJUKAN and ops.pending_assessment(report) is None
    (refused,) = report.assessments
    assert refused.status == AssessmentStatus.REJECTED
    event = trail.events(report)[-1]
    assert event.action == "review.reject_first"
    assert event.after["alasan_penolakan"] == "Agunan sudah diverifikasi."
    assert setujui(people["pertama"], report).status == AssessmentStatus.APPROVED  # decide again


def test_only_the_author_withdraws_a_held_decision(people, make_submitted):
    report = make_submitted()
    adjust(people["pertama"], report)
    with pytest.raises(ops.ReviewError, match="Hanya pengawas yang memutuskan"):
        four_eyes.withdraw(people["kedua"], report, report.version_id)
    db.session.rollback()
    four_eyes.withdraw(people["pertama"], report, report.version_id)
    assert ops.pending_assessment(report) is None and actions(report)[-1] == "review.withdraw_first"


def test_a_confirmation_from_a_page_drawn_before_the_decision_conflicts(people, make_submitted):
    report = make_submitted()
    seen = report.version_id
    adjust(people["pertama"], report)
    with pytest.raises(ops.ReviewConflict):
        four_eyes.confirm(people["kedua"], report, seen)
    db.session.rollback()
    assert ops.pending_assessment(report) is not None


def test_the_worklist_and_queue_show_held_decisions(people, make_submitted, make_cooperative):
    held = make_submitted(make_cooperative("KSP Menunggu", nik="3516000000000101"))
    make_submitted(make_cooperative("KSP Biasa", nik="3516000000000102"))
    adjust(people["pertama"], held)
    counts = {label: n for label, _, n in q.worklist(people["kedua"].id)}
    assert counts["Menunggu persetujuan kedua"] == 1
    own = {label: n for label, _, n in q.worklist(people["pertama"].id)}
    assert own["Menunggu persetujuan kedua"] == 0  # their own decision waits for someone else
    dinas = {label: n for label, _, n in q.worklist(people["dinas"].id, q.DINAS_WORKLIST)}
    assert dinas["Menunggu persetujuan kedua"] == 1
    filters = q.filters_from(MultiDict({"kedua": "1"}), people["kedua"].id)
    page = q.queue_page(filters, 1, 20)
    assert [r.report.cooperative.nama for r in page.items] == ["KSP Menunggu"]
    assert page.held == {held.id: people["pertama"].id}


def test_the_review_page_shows_the_held_decision_to_each_user_as_they_may_act(
    client, people, make_submitted
):
    report = make_submitted()
    adjust(people["pertama"], report)
    own = review_page(as_user(client, people["pertama"]), report)
    assert "Menunggu persetujuan kedua" in own and "Tarik keputusan" in own
    assert "Konfirmasi keputusan" not in own and 'name="keputusan" value="setujui"' not in own
    other = review_page(as_user(client, people["kedua"]), report)
    assert "Konfirmasi keputusan" in other and "Tolak keputusan" in other
    assert JUSTIFICATION in other and "Tarik keputusan" not in other
    assert "Konfirmasi keputusan" in review_page(as_user(client, people["dinas"]), report)


def test_confirming_over_http_refuses_the_author_and_accepts_the_dinas(
    client, people, make_submitted, login_as
):
    report = make_submitted()
    adjust(people["pertama"], report)
    url = f"/penilaian/laporan/{report.id}/persetujuan-kedua"
    data = {"version_id": report.version_id, "keputusan": "konfirmasi"}
    refused = as_user(client, people["pertama"]).post(url, data=data)
    assert refused.status_code == 422
    assert "tidak dapat mengonfirmasi keputusan Anda sendiri" in refused.get_data(as_text=True)
    assert as_user(client, people["admin"]).post(url, data=data).status_code == 403
    login_as(Role.PENGURUS)
    g.pop("_login_user", None)
    assert client.post(url, data=data).status_code == 403
    db.session.expire_all()
    assert ops.pending_assessment(report) is not None
    done = as_user(client, people["dinas"]).post(url, data=data)
    assert done.status_code == 302
    db.session.expire_all()
    row = db.session.scalars(select(Assessment)).one()
    assert row.status == AssessmentStatus.APPROVED and row.confirmed_by_id == people["dinas"].id
    page = client.get(f"/penilaian/{row.id}/sertifikat").get_data(as_text=True)
    assert "Ibu Pertama" in page and "Ibu Dinas" in page
    steps = trail.trail(report, trail.events(report))
    assert "Persetujuan kedua: dikonfirmasi dan disetujui" in [s.what for s in steps]
    shown = [(c.label, c.after) for s in steps for c in s.changes]
    assert ("Dikonfirmasi oleh", "Ibu Dinas") in shown and (
        "Diputuskan oleh",
        "Ibu Pertama",
    ) in shown
    assert ("Skor", "92,19") in shown and ("Status", "Disetujui") in shown
    labels = {label for label, _ in shown}
    assert not labels & {"Report id", "Method", "Created at", "Decided by id", "Assessment id"}
    assert "Status" not in {c.label for c in steps[0].changes}  # held: the status did not change
    assert db.session.scalar(
        select(AuditEvent.actor_id).where(AuditEvent.action == "review.confirm")
    ) == (people["dinas"].id)


def test_a_refusal_that_lost_a_race_is_a_conflict_not_a_server_error(people, make_submitted):
    report = make_submitted()
    adjust(people["pertama"], report)
    db.session.expire_all()  # the refusing user's session has not loaded the author
    report = db.session.get(type(report), report.id)
    seen = report.version_id
    other = db.session.get_bind().connect()
    other.execute(
        type(report).__table__.update().where(type(report).__table__.c.id == report.id)
        .values(version_id=seen + 1)
    )  # fmt: skip
    other.commit()
    other.close()
    with pytest.raises(ops.ReviewConflict):
        four_eyes.refuse(people["kedua"], report, seen, "Agunan sudah diverifikasi.")


def test_a_refusal_reads_as_the_decision_it_set_aside(people, make_submitted):
    report = make_submitted()
    adjust(people["pertama"], report)
    four_eyes.refuse(people["kedua"], report, report.version_id, "Agunan sudah diverifikasi.")
    step = trail.trail(report, trail.events(report))[-1]
    shown = {c.label: (c.before, c.after) for c in step.changes}
    assert "Status" not in shown and shown["Predikat"] == ("–", "Cukup Sehat")
    assert shown["Diputuskan oleh"] == ("–", "Ibu Pertama")


def test_a_typed_url_argument_named_like_url_fors_own_never_breaks_the_queue(client, people):
    as_user(client, people["kedua"])
    for query in ("endpoint=x", "_method=x", "_external=1", "values=x&urut=nama"):
        assert client.get(f"/penilaian/?{query}").status_code == 200, query


def test_a_held_report_is_not_decided_by_an_imported_assessment(
    people, make_submitted, make_cooperative
):
    report = make_submitted(make_cooperative("KSP Impor", nik="3516000000000303"))
    report.imported = True  # reports imported by the Dinas may take a historical assessment
    db.session.commit()
    adjust(people["pertama"], report)
    line = f"{report.cooperative.nik},{report.tahun_buku},Sehat,80,2026-05-01,\n"
    content = ("nik,tahun_buku,predikat,skor,tanggal_penilaian,metode\n" + line).encode()
    outcome = importer.import_assessments(people["dinas"], content, "penilaian.csv")
    assert not outcome.ok and "menunggu persetujuan kedua" in outcome.errors[0].pesan
    db.session.expire_all()
    assert report.status == ReportStatus.DIAJUKAN
    assert [a.status for a in report.assessments] == [AssessmentStatus.PENDING]

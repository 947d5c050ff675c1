"""Temuan: recorded on a report version, answered and followed up by that cooperative's pengurus
with evidence, closed and reopened by the pengawas; overdue ones counted where the staff look."""

import io
from datetime import date, timedelta

import pytest

from sikomo import deadlines
from sikomo.extensions import db
from sikomo.findings import notices
from sikomo.findings import operations as ops
from sikomo.indicators.compliance import overdue_findings
from sikomo.models import (
    Assignment,
    AuditEvent,
    CriterionKind,
    Finding,
    FindingEvidence,
    FindingStatus,
    Notification,
    Role,
    Severity,
    StepKind,
)
from sikomo.reports.attachments import upload_dir
from tests.conftest import as_user

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def day(offset: int) -> date:
    return deadlines.today() + timedelta(days=offset)


def typed(d: date) -> str:
    return d.strftime("%d/%m/%Y")


@pytest.fixture
def world(app, make_region, make_cooperative, make_user, make_submitted):
    mojosari, pacet = make_region("Mojosari"), make_region("Pacet")
    own = make_cooperative("KSP Sejahtera", region=mojosari, nik="3516000000000001")
    other = make_cooperative("KSP Lain Rahasia", region=pacet, nik="3516000000000002")
    users = {
        "ketua": make_user(Role.PENGURUS, "ketua@contoh.test", own),
        "bendahara": make_user(Role.PENGURUS, "bendahara@contoh.test", own),
        "mantan": make_user(Role.PENGURUS, "mantan@contoh.test", own, active=False),
        "lain": make_user(Role.PENGURUS, "lain@contoh.test", other),
        "pengawas": make_user(Role.PENGAWAS, "pengawas@contoh.test"),
        "pengawas2": make_user(Role.PENGAWAS, "pengawas2@contoh.test"),
        "dinas": make_user(Role.DINAS, "dinas@contoh.test"),
    }
    return {"own": own, "other": other, "report": make_submitted(own),
            "other_report": make_submitted(other), "mojosari": mojosari, "pacet": pacet,
            **users}  # fmt: skip


def form(**overrides) -> dict:
    return {"kriteria": "lainnya", "kriteria_lainnya": "Buku kas tidak ditutup tiap bulan",
            "tingkat": "sedang", "uraian": "Buku kas terakhir ditutup Maret.",
            "rekomendasi": "Tutup buku kas setiap akhir bulan.", "batas": typed(day(14)),
            **overrides}  # fmt: skip


def record(client, world, **overrides) -> Finding:
    as_user(client, world["pengawas"])
    response = client.post(f"/temuan/laporan/{world['report'].id}/baru", data=form(**overrides))
    assert response.status_code == 302, response.get_data(as_text=True)
    return db.session.scalar(db.select(Finding).order_by(Finding.id.desc()))


def told(event: str) -> set[str]:
    query = db.select(Notification).where(Notification.event == event)
    return {n.user.email for n in db.session.scalars(query)} if event else set()


def actions(finding: Finding) -> list[str]:
    query = db.select(AuditEvent.action).where(AuditEvent.object_type == "finding",
                                               AuditEvent.object_id == str(finding.id))  # fmt: skip
    return list(db.session.scalars(query.order_by(AuditEvent.id)))


def make_finding(world, due: date, status=FindingStatus.TERBUKA, coop="own") -> Finding:
    """A finding written directly (a due date in the past cannot be recorded through the form)."""
    report = world["report"] if coop == "own" else world["other_report"]
    row = Finding(report_id=report.id, cooperative_id=report.cooperative_id,
                  criterion_kind=CriterionKind.LAINNYA, criterion="Kas", severity=Severity.TINGGI,
                  description="x", recommendation="y", due_date=due, status=status,
                  created_by_id=world["pengawas"].id)  # fmt: skip
    db.session.add(row)
    db.session.commit()
    return row


def test_the_whole_lifecycle_is_recorded_told_and_audited(client, world):
    f = record(client, world, kriteria="indikator:pinjaman_aset_produktif")
    assert (f.status, f.criterion_kind, f.criterion_code) == (
        FindingStatus.TERBUKA, CriterionKind.INDIKATOR, "pinjaman_aset_produktif")  # fmt: skip
    assert told(notices.RECORDED) == {"ketua@contoh.test", "bendahara@contoh.test"}
    page = client.get(f"/penilaian/laporan/{world['report'].id}").get_data(as_text=True)
    assert f.criterion in page and f"/temuan/{f.id}" in page

    as_user(client, world["ketua"])
    assert f.criterion in client.get("/laporan/").get_data(as_text=True)
    assert f"/temuan/{f.id}" in client.get(f"/laporan/{world['report'].id}").get_data(as_text=True)
    response = client.post(f"/temuan/{f.id}/tanggapan", data={
        "version_id": f.version_id, "sikap": "setuju", "tanggapan": "Kami tutup mulai April."})  # fmt: skip
    assert response.status_code == 302
    assert f.status == FindingStatus.DITANGGAPI
    assert told(notices.ANSWERED) == {"pengawas@contoh.test"}  # no one assigned: the author

    response = client.post(f"/temuan/{f.id}/tindak-lanjut", data={
        "version_id": f.version_id, "uraian": "Buku kas April ditutup.",
        "bukti": (io.BytesIO(PNG), "kas-april.png")}, content_type="multipart/form-data")  # fmt: skip
    assert response.status_code == 302
    proof = db.session.scalar(db.select(FindingEvidence))
    assert (proof.filename, proof.content_type, proof.size) == ("kas-april.png", "image/png", 72)
    assert (upload_dir() / proof.stored_name).read_bytes() == PNG
    served = client.get(f"/temuan/bukti/{proof.id}")
    assert (served.status_code, served.mimetype, served.data) == (200, "image/png", PNG)
    assert served.headers["Content-Disposition"].startswith("attachment")
    served.close()

    as_user(client, world["pengawas"])
    response = client.post(f"/temuan/{f.id}/tutup",
                           data={"version_id": f.version_id, "catatan": "Bukti cukup."})  # fmt: skip
    assert response.status_code == 302
    assert f.status == FindingStatus.DITUTUP and f.closed_at is not None
    assert told(notices.CLOSED) == {"ketua@contoh.test", "bendahara@contoh.test"}
    response = client.post(f"/temuan/{f.id}/buka-kembali",
                           data={"version_id": f.version_id, "alasan": "Mei belum ditutup."})  # fmt: skip
    assert response.status_code == 302
    assert f.status == FindingStatus.TERBUKA and f.closed_at is None
    assert told(notices.REOPENED) == {"ketua@contoh.test", "bendahara@contoh.test"}
    assert [s.kind for s in f.steps] == [StepKind.DICATAT, StepKind.SETUJU,
                                         StepKind.TINDAK_LANJUT, StepKind.DITUTUP,
                                         StepKind.DIBUKA_KEMBALI]  # fmt: skip
    assert actions(f) == ["finding.record", "finding.answer", "finding.follow_up",
                          "finding.close", "finding.reopen"]  # fmt: skip
    page = client.get(f"/temuan/{f.id}").get_data(as_text=True)
    assert "Mei belum ditutup." in page and "kas-april.png" in page


def test_an_answer_goes_to_the_assigned_pengawas_not_the_author(client, world):
    f = record(client, world)
    db.session.add(Assignment(report_id=world["report"].id, user_id=world["pengawas2"].id))
    db.session.commit()
    as_user(client, world["ketua"])
    client.post(f"/temuan/{f.id}/tanggapan", data={
        "version_id": f.version_id, "sikap": "tidak_setuju", "tanggapan": "Kas sudah ditutup."})  # fmt: skip
    assert f.steps[-1].kind == StepKind.TIDAK_SETUJU
    assert told(notices.ANSWERED) == {"pengawas2@contoh.test"}


def test_the_criteria_offered_are_the_methods_indicators_and_items(app, world):
    found = {c.key for c in ops.criteria(world["report"])}
    assert {"indikator:pinjaman_aset_produktif", "kuesioner:tk.prinsip.sukarela.1"} <= found
    assert all(k.split(":")[0] in ("indikator", "kuesioner") for k in found)


@pytest.mark.parametrize(("overrides", "message"), [
    ({"kriteria": "indikator:ZZ9"}, "Kriteria tidak dikenal; pilih dari daftar atau Lainnya."),
    ({"kriteria_lainnya": ""}, "Tulis kriteria temuan bila memilih Lainnya."),
    ({"uraian": ""}, "Uraian temuan wajib diisi."),
    ({"tingkat": ""}, "Pilih tingkat temuan."),
    ({"batas": "31-02-2030x"}, "Tanggal tidak valid: tulis seperti 31/12/2026."),
    ({"batas": typed(day(-1))}, "Batas tindak lanjut tidak boleh sebelum hari ini."),
])  # fmt: skip
def test_a_bad_finding_gets_an_indonesian_message_and_keeps_what_was_typed(
    client, world, overrides, message
):
    as_user(client, world["pengawas"])
    response = client.post(f"/temuan/laporan/{world['report'].id}/baru", data=form(**overrides))
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in body
    assert "Tutup buku kas setiap akhir bulan." in body  # nothing typed is lost
    assert db.session.scalar(db.select(db.func.count(Finding.id))) == 0


def test_due_today_can_be_recorded_and_is_not_overdue(client, world):
    f = record(client, world, batas=typed(day(0)))
    assert f.due_date == day(0) and not ops.is_overdue(f)


def test_a_pengurus_sees_and_touches_only_their_own_cooperatives_findings(client, world):
    f = record(client, world)
    as_user(client, world["lain"])
    assert client.get(f"/temuan/{f.id}").status_code == 404
    assert client.post(f"/temuan/{f.id}/tanggapan", data={
        "version_id": f.version_id, "sikap": "setuju", "tanggapan": "x"}).status_code == 404  # fmt: skip
    response = client.post(f"/temuan/{f.id}/tindak-lanjut", data={
        "version_id": f.version_id, "uraian": "x", "bukti": (io.BytesIO(PNG), "a.png")},
        content_type="multipart/form-data")  # fmt: skip
    assert response.status_code == 404
    assert "KSP Sejahtera" not in response.get_data(as_text=True)
    as_user(client, world["ketua"])
    assert client.get(f"/temuan/{f.id}").status_code == 200
    for url in (f"/temuan/{f.id}/tutup", f"/temuan/{f.id}/buka-kembali", f"/temuan/{f.id}/ubah"):
        assert client.post(url, data={"version_id": f.version_id, "catatan": "x",
                                      "alasan": "x"}).status_code == 403  # fmt: skip
    assert client.get("/temuan/").status_code == 403
    assert f.status == FindingStatus.TERBUKA and db.session.scalar(
        db.select(db.func.count(FindingEvidence.id))) == 0  # fmt: skip


def test_an_answer_without_a_response_is_refused_in_indonesian(client, world):
    f = record(client, world)
    as_user(client, world["ketua"])
    response = client.post(f"/temuan/{f.id}/tanggapan",
                           data={"version_id": f.version_id, "sikap": "setuju", "tanggapan": " "})  # fmt: skip
    assert response.status_code == 422
    assert "Tanggapan wajib diisi." in response.get_data(as_text=True)
    assert f.status == FindingStatus.TERBUKA and len(f.steps) == 1


def test_evidence_that_is_no_pdf_or_image_is_refused_and_nothing_is_kept(client, world):
    f = record(client, world)
    as_user(client, world["ketua"])
    before = set(upload_dir().iterdir())
    response = client.post(f"/temuan/{f.id}/tindak-lanjut", data={
        "version_id": f.version_id, "uraian": "Terlampir.",
        "bukti": (io.BytesIO(b"MZ\x90 program"), "bukti.pdf")}, content_type="multipart/form-data")  # fmt: skip
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "bukti.pdf: jenis berkas tidak didukung" in body and "Terlampir." in body
    assert set(upload_dir().iterdir()) == before
    assert f.status == FindingStatus.TERBUKA and len(f.steps) == 1


def test_a_stale_page_gets_the_conflict_message_and_changes_nothing(client, world):
    f = record(client, world)
    stale = f.version_id
    as_user(client, world["ketua"])
    client.post(f"/temuan/{f.id}/tanggapan",
                data={"version_id": stale, "sikap": "setuju", "tanggapan": "Baik."})  # fmt: skip
    assert f.version_id == stale + 1
    as_user(client, world["pengawas"])
    response = client.post(f"/temuan/{f.id}/tutup", data={"version_id": stale, "catatan": "Ok."})
    assert response.status_code == 409
    assert "telah diubah oleh pengguna lain" in response.get_data(as_text=True)
    db.session.expire_all()
    assert f.status == FindingStatus.DITANGGAPI and actions(f)[-1] == "finding.answer"


def test_the_author_edits_the_words_until_the_pengurus_answers(client, world):
    f = record(client, world)
    as_user(client, world["pengawas2"])
    assert client.get(f"/temuan/{f.id}/ubah").status_code == 403
    as_user(client, world["pengawas"])
    assert "Buku kas tidak ditutup tiap bulan" in client.get(f"/temuan/{f.id}/ubah").get_data(
        as_text=True)  # fmt: skip
    response = client.post(f"/temuan/{f.id}/ubah",
                           data=form(tingkat="tinggi", version_id=f.version_id))  # fmt: skip
    assert response.status_code == 302 and f.severity == Severity.TINGGI
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "finding.edit"))
    assert (event.before, event.after) == ({"severity": "sedang"}, {"severity": "tinggi"})
    as_user(client, world["ketua"])
    client.post(f"/temuan/{f.id}/tanggapan",
                data={"version_id": f.version_id, "sikap": "setuju", "tanggapan": "Baik."})  # fmt: skip
    as_user(client, world["pengawas"])
    assert client.get(f"/temuan/{f.id}/ubah").status_code == 403


def test_overdue_is_counted_from_the_day_after_the_due_date(app, world):
    today, yesterday = make_finding(world, day(0)), make_finding(world, day(-1))
    make_finding(world, day(-5), FindingStatus.DITUTUP)
    make_finding(world, day(-3), FindingStatus.DITANGGAPI, coop="other")
    assert (ops.is_overdue(today), ops.is_overdue(yesterday)) == (False, True)
    assert ops.overdue_by_cooperative([world["own"].id, world["other"].id]) == {
        world["own"].id: 1, world["other"].id: 1}  # fmt: skip
    assert ops.overdue_total() == 2
    assert overdue_findings() == {world["mojosari"].id: 1, world["pacet"].id: 1}


def test_the_review_queue_shows_each_cooperatives_overdue_count(client, world):
    make_finding(world, day(-1)), make_finding(world, day(-2)), make_finding(world, day(3))
    as_user(client, world["pengawas"])
    body = client.get("/penilaian/?status=semua").get_data(as_text=True)
    assert f"/temuan/?koperasi={world['own'].id}&amp;lewat=1" in body
    assert "2 temuan lewat batas" in body


def test_the_staff_list_filters_and_exports(client, world):
    late = make_finding(world, day(-1))
    closed = make_finding(world, day(5), FindingStatus.DITUTUP)
    far = make_finding(world, day(2), coop="other")
    far.severity = Severity.RENDAH
    db.session.commit()
    as_user(client, world["dinas"])

    def listed(query: str) -> set[int]:
        from tests.rendered import rendered_context

        return {f.id for f in rendered_context(client, "/temuan/" + query)["page"].items}

    assert listed("") == {late.id, closed.id, far.id}
    assert listed("?lewat=1") == {late.id}
    assert listed("?status=ditutup") == {closed.id}
    assert listed("?tingkat=rendah") == {far.id}
    assert listed(f"?kecamatan={world['pacet'].id}") == {far.id}
    assert listed("?status=bukan&tingkat=x&kecamatan=99999999999") == {late.id, closed.id, far.id}
    response = client.get("/temuan/ekspor.csv?lewat=1")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    lines = response.data.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Nomor;Koperasi;NIK;Kecamatan")
    assert len(lines) == 2 and lines[1].startswith(f"{late.id};KSP Sejahtera;")
    assert ";1 hari;" in lines[1]


def test_remind_tells_overdue_findings_once_a_day(runner, world):
    db.session.add(Assignment(report_id=world["report"].id, user_id=world["pengawas2"].id))
    late = make_finding(world, day(-1))
    make_finding(world, day(0))
    first = runner.invoke(args=["remind", "--tanggal", day(0).isoformat()])
    assert first.exit_code == 0, first.output
    assert told(notices.OVERDUE) == {"ketua@contoh.test", "bendahara@contoh.test",
                                     "pengawas2@contoh.test"}  # fmt: skip
    count = db.session.scalar(db.select(db.func.count(Notification.id)))
    runner.invoke(args=["remind", "--tanggal", day(0).isoformat()])
    assert db.session.scalar(db.select(db.func.count(Notification.id))) == count
    link = db.session.scalar(db.select(Notification.link).where(
        Notification.event == notices.OVERDUE).limit(1))  # fmt: skip
    assert link == f"/temuan/{late.id}"

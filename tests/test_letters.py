"""Surat: templates edited as versions, placeholders filled without evaluating anything typed,
numbers unique under concurrent creation, the PDF and its QR, public verification, access,
audit and the pengurus's notification."""

import io
import threading
from datetime import date

import pytest
import zxingcpp
from pypdf import PdfReader
from sqlalchemy import func, select

from sikomo.extensions import db
from sikomo.letters import document, text
from sikomo.letters import operations as ops
from sikomo.letters.register import LetterIsFrozen
from sikomo.models import AuditEvent, Cooperative, Notification, OutboxMessage, Predikat, Role, User
from sikomo.models.letters import Letter, LetterKind, LetterTemplate
from tests.conftest import as_user

PUBLIC = "https://sikomo.mojokertokab.go.id"
DUE = date(2026, 12, 1)


@pytest.fixture
def world(app, make_user, make_cooperative, make_approved):
    app.config["PUBLIC_URL"] = PUBLIC
    coop = make_cooperative("KSP Maju Bersama", nik="3516000000000123", alamat="Jl. Raya 5",
                            desa="Kauman")  # fmt: skip
    other = make_cooperative("Koperasi Lain Rahasia", nik="3516999999999999")
    approved = make_approved(coop, 2025)
    dinas = make_user(Role.DINAS, email="kadis@contoh.test")
    dinas.name, dinas.nip, dinas.jabatan = (
        "Ir. Bambang Hartono",
        "196901011994031008",
        "Kepala Dinas",
    )
    pengawas = make_user(Role.PENGAWAS, email="pengawas@contoh.test")
    pengurus = make_user(Role.PENGURUS, email="pengurus@contoh.test", cooperative=coop)
    outsider = make_user(Role.PENGURUS, email="lain@contoh.test", cooperative=other)
    db.session.commit()
    ops.ensure_templates()
    return dict(coop=coop, other=other, approved=approved, dinas=dinas, pengawas=pengawas,
                pengurus=pengurus, outsider=outsider)  # fmt: skip


def made(w, kind=LetterKind.TEGURAN_1, coop=None, signer=None, **extra) -> Letter:
    signer = signer or w["dinas"]
    d = ops.draft(kind, coop or w["coop"], signer, batas_waktu=DUE, **extra)
    return ops.make(signer, d)


def number_of(seq: int) -> str:
    return f"{seq:03d}/SKK-SRT/{ops.today().year}"


# --- Templates ---------------------------------------------------------------------------------
def test_defaults_are_loaded_once_for_every_kind(world):
    assert ops.ensure_templates() == 0
    rows = db.session.scalars(select(LetterTemplate)).all()
    assert sorted(r.kind.value for r in rows) == sorted(k.value for k in LetterKind)
    assert all(r.version == 1 and r.current and not text.problems(r.body) for r in rows)


def test_editing_a_template_adds_a_version_and_old_letters_keep_their_text(world, client):
    old = made(world, LetterKind.HASIL)
    as_user(client, world["dinas"])
    body = "Kepada {nama_koperasi}: predikat {predikat}, tahun buku {tahun_buku}. Teks baru."
    response = client.post("/surat/templat/hasil", data={"subject": "Hasil {tahun_buku}",
                                                         "body": body})  # fmt: skip
    assert response.status_code == 302
    versions = ops.versions(LetterKind.HASIL)
    assert [(v.version, v.current) for v in versions] == [(2, True), (1, False)]
    assert versions[0].created_by_id == world["dinas"].id
    new = made(world, LetterKind.HASIL)
    assert new.body == "Kepada KSP Maju Bersama: predikat Sehat, tahun buku 2025. Teks baru."
    assert new.subject == "Hasil 2025" and new.template_id == versions[0].id
    db.session.expire_all()
    kept = db.session.get(Letter, old.id)
    assert kept.template_id == versions[1].id and "Teks baru" not in kept.body
    assert kept.body == text.fill(versions[1].body, ops.values(
        ops.Draft(LetterKind.HASIL, world["coop"], world["approved"], versions[1], world["dinas"],
                  DUE), kept.number, ops.today()))  # fmt: skip
    assert "Dengan hormat" in client.get(f"/surat/{old.id}").get_data(as_text=True)


def test_an_unknown_placeholder_is_refused_by_name_and_nothing_is_lost(world, client):
    as_user(client, world["dinas"])
    body = "Yth. pengurus {nama_kopersi}, mohon hadir."
    response = client.post("/surat/templat/teguran_1", data={"subject": "Teguran", "body": body})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Tempat isian {nama_kopersi} tidak dikenal" in page
    assert "Yth. pengurus {nama_kopersi}, mohon hadir." in page  # the typed text comes back
    assert [v.version for v in ops.versions(LetterKind.TEGURAN_1)] == [1]


@pytest.mark.parametrize(
    "typed",
    ["{0.__class__}", "{nama_koperasi.__class__.__mro__}", "{x!r}", "{nama_koperasi!r}",
     "{nama_koperasi:>999999}", "{nama_koperasi[0]}", "{% for x in range(9) %}", "{", "}",
     "{nik:{nama_koperasi}}", "{}"],
)  # fmt: skip
def test_a_template_that_could_reach_into_python_or_jinja_is_refused(typed):
    assert text.problems(f"Surat {typed} selesai") != []


def test_escaped_braces_and_jinja_text_are_printed_literally_never_evaluated(world, client):
    as_user(client, world["dinas"])
    body = "Kode {{ 7*7 }} dan {{ config }} untuk {nama_koperasi}; {{nik}} bukan {nik}."
    assert client.post("/surat/templat/teguran_2", data={"subject": "T2 {{x}}", "body": body}
                       ).status_code == 302  # fmt: skip
    letter = made(world, LetterKind.TEGURAN_2)
    assert letter.body == ("Kode { 7*7 } dan { config } untuk KSP Maju Bersama; {nik} bukan "
                           "3516000000000123.")  # fmt: skip
    assert letter.subject == "T2 {x}"
    shown = client.get(f"/surat/{letter.id}").get_data(as_text=True)
    assert "{ 7*7 }" in shown and "49" not in shown.split("Kode")[1][:20]


def test_a_value_holding_braces_is_substituted_as_text(world):
    world["coop"].nama = "KSP {nik} {{7*7}} {0.__class__}"
    db.session.commit()
    letter = made(world)
    assert "Pengurus KSP {nik} {{7*7}} {0.__class__}\n" in letter.body


# --- Making and numbering ----------------------------------------------------------------------
def test_letters_are_numbered_in_sequence_and_frozen(world):
    first, second = made(world), made(world, LetterKind.HASIL)
    assert [(first.seq, first.number), (second.seq, second.number)] == [
        (1, number_of(1)), (2, number_of(2))]  # fmt: skip
    assert second.signer_name == "Ir. Bambang Hartono" and second.signer_nip == "196901011994031008"
    assert f"Nomor {number_of(2)}" not in second.body  # the default hasil text has no number
    assert ops.digest(second.number, second.subject, second.body) == second.sha256
    first.body = "diubah"
    with pytest.raises(LetterIsFrozen):
        db.session.commit()
    db.session.rollback()


def test_a_stale_reading_of_the_highest_number_is_retried(world, monkeypatch):
    made(world)
    real, calls = ops.next_seq, []

    def stale(year):  # as if another letter took number 1 after this one read the table
        calls.append(year)
        return 1 if len(calls) == 1 else real(year)

    monkeypatch.setattr(ops, "next_seq", stale)
    letter = made(world)
    assert (letter.seq, letter.number, len(calls)) == (2, number_of(2), 2)
    made_events = select(func.count()).where(AuditEvent.action == "letter.make")
    assert db.session.scalar(made_events) == 2  # the lost attempt's event went with it
    told = select(func.count()).where(Notification.user_id == world["pengurus"].id)
    assert db.session.scalar(told) == 2


def test_two_letters_made_at_the_same_moment_take_two_numbers(app, world, monkeypatch):
    real, reading = ops.next_seq, threading.local()
    both_read = threading.Barrier(2, timeout=20)

    def racing(year):
        seq = real(year)
        if not getattr(reading, "done", False):
            reading.done = True
            both_read.wait()  # both read the same highest number before either writes
        return seq

    monkeypatch.setattr(ops, "next_seq", racing)
    ids = (world["coop"].id, world["dinas"].id, world["pengawas"].id)
    db.session.commit()
    seqs, errors = [], []

    def make_one(user_id):
        with app.app_context():
            try:
                user, coop = db.session.get(User, user_id), db.session.get(Cooperative, ids[0])
                d = ops.draft(LetterKind.TEGURAN_1, coop, user, batas_waktu=DUE)
                seqs.append(ops.make(user, d).seq)
            except Exception as error:  # noqa: BLE001 - reported by the assertion below
                errors.append(error)
            finally:
                db.session.remove()

    workers = [threading.Thread(target=make_one, args=(uid,)) for uid in ids[1:]]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert errors == [] and sorted(seqs) == [1, 2]
    rows = db.session.scalars(select(Letter).order_by(Letter.seq)).all()
    assert [r.number for r in rows] == [number_of(1), number_of(2)]


def test_the_number_format_is_a_setting_checked_before_it_is_saved(world, client):
    as_user(client, world["dinas"])
    for bad, words in (("{seq}/SRT", "wajib memuat {seq}"), ("{seq.__class__}/{year}", "tidak dikenal"),
                       ("{seq:>9999}/{year}", "tidak dapat dipakai"), ("{seq/{year}", "tidak berpasangan")):  # fmt: skip
        response = client.post("/surat/templat/nomor", data={"pattern": bad})
        assert response.status_code == 422 and words in response.get_data(as_text=True), bad
    assert client.post("/surat/templat/nomor",
                       data={"pattern": "500.3/{seq:04d}/416-110/{bulan}/{year}"}).status_code == 302  # fmt: skip
    today = ops.today()
    roman = text.ROMAN[today.month - 1]
    assert made(world).number == f"500.3/0001/416-110/{roman}/{today.year}"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "letter.number_format"))
    assert event.after == {"format_nomor": "500.3/{seq:04d}/416-110/{bulan}/{year}"}


def test_the_result_letter_needs_an_approved_assessment_and_the_summons_a_dpk_predikat(
    world, make_approved
):
    with pytest.raises(ops.LetterError, match="belum memiliki penilaian"):
        made(world, LetterKind.HASIL, coop=world["other"])
    with pytest.raises(ops.LetterError, match="Dalam Pengawasan Khusus"):
        made(world, LetterKind.PANGGILAN)
    make_approved(world["coop"], 2026, predikat=Predikat.DALAM_PENGAWASAN_KHUSUS)
    assert LetterKind.PANGGILAN in ops.kinds_for(world["coop"].id)
    letter = made(world, LetterKind.PANGGILAN, keterangan="Ruang rapat Dinas, pukul 09.00")
    assert (
        "Dalam Pengawasan Khusus" in letter.body and "Ruang rapat Dinas, pukul 09.00" in letter.body
    )
    with pytest.raises(ops.LetterError, match="Batas waktu wajib"):
        ops.draft(LetterKind.TEGURAN_1, world["coop"], world["dinas"])


def test_preview_then_confirm_makes_one_numbered_letter(world, client):
    as_user(client, world["pengawas"])
    url = f"/surat/baru/{world['coop'].id}"
    assert "Buat surat untuk KSP Maju Bersama" in client.get(url + "?jenis=hasil").get_data(
        as_text=True
    )
    form = {"jenis": "teguran_1", "penandatangan": str(world["dinas"].id),
            "batas_waktu": "2026-12-01", "keterangan": "Laporan RAT belum dikirim.", "aksi": "pratinjau"}  # fmt: skip
    page = client.post(url, data=form).get_data(as_text=True)
    assert ops.NOT_YET_NUMBERED in page and "Laporan RAT belum dikirim." in page
    assert "1 Desember 2026" in page and db.session.scalar(select(func.count(Letter.id))) == 0
    template_id = str(ops.current_template(LetterKind.TEGURAN_1).id)
    response = client.post(url, data=form | {"aksi": "buat", "template_id": template_id})
    letter = db.session.scalars(select(Letter)).one()
    assert response.headers["Location"] == f"/surat/{letter.id}"
    assert (letter.signer_name, letter.created_by_id) == (
        "Ir. Bambang Hartono",
        world["pengawas"].id,
    )
    assert "Laporan RAT belum dikirim." in letter.body and "1 Desember 2026" in letter.body


def test_a_template_changed_after_the_preview_asks_for_a_new_preview(world, client):
    as_user(client, world["pengawas"])
    stale = str(ops.current_template(LetterKind.TEGURAN_1).id)
    ops.save_template(
        world["dinas"], LetterKind.TEGURAN_1, "Teguran", "Baru untuk {nama_koperasi}."
    )
    form = {"jenis": "teguran_1", "penandatangan": str(world["pengawas"].id), "batas_waktu": "",
            "aksi": "buat", "template_id": stale}  # fmt: skip
    response = client.post(f"/surat/baru/{world['coop'].id}", data=form)
    assert response.status_code == 422 and "baru saja diubah" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Letter.id))) == 0


# --- PDF, QR, public verification --------------------------------------------------------------
def test_the_pdf_prints_the_letter_and_its_qr_decodes_to_the_verification_page(world, client):
    letter = made(world, LetterKind.HASIL)
    as_user(client, world["pengurus"])
    response = client.get(f"/surat/{letter.id}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    words = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    for expected in (letter.number, "Pemberitahuan Hasil Penilaian Kesehatan Koperasi Tahun Buku 2025",
                     "KSP Maju Bersama", "Ir. Bambang Hartono", "NIP. 196901011994031008",
                     "Kepala Dinas", letter.sha256):  # fmt: skip
        assert expected in words, expected
    url = f"{PUBLIC}/publik/surat?nomor={letter.number}"
    images = [image.image for page in reader.pages for image in page.images]
    assert url in [r.text for image in images for r in zxingcpp.read_barcodes(image)]
    assert document.verification_url(PUBLIC + "/", letter.number) == url


def test_the_public_page_confirms_a_real_number_and_refuses_a_fake_one(world, client):
    letter = made(world)
    response = client.get("/publik/surat", query_string={"nomor": f"  {letter.number} "})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and f"Surat nomor {letter.number} terdaftar" in page
    for shown in ("KSP Maju Bersama", "Surat teguran I", letter.sha256, "Ir. Bambang Hartono"):
        assert shown in page
    assert letter.body.split("\n")[-1] not in page  # the body itself stays private
    fake = client.get("/publik/surat?nomor=999/SKK-SRT/2026")
    assert fake.status_code == 404 and "tidak terdaftar" in fake.get_data(as_text=True)
    assert client.get("/publik/surat").status_code == 200


# --- Access, audit, notification, register -----------------------------------------------------
def test_a_pengurus_reads_only_their_own_cooperatives_letters_and_makes_none(world, client):
    own, theirs = made(world), made(world, coop=world["other"])
    as_user(client, world["pengurus"])
    for url in (f"/surat/{own.id}", f"/surat/{own.id}.pdf", f"/surat/koperasi/{world['coop'].id}"):
        assert client.get(url).status_code == 200, url
    for url in (
        f"/surat/{theirs.id}",
        f"/surat/{theirs.id}.pdf",
        f"/surat/koperasi/{world['other'].id}",
    ):
        response = client.get(url)
        assert response.status_code == 404 and "Koperasi Lain Rahasia" not in response.get_data(
            as_text=True
        )
    for method, url in (("GET", f"/surat/baru/{world['coop'].id}"), ("POST", f"/surat/baru/{world['coop'].id}"),
                        ("GET", "/surat/"), ("GET", "/surat/templat"), ("GET", "/surat/ekspor.csv")):  # fmt: skip
        assert client.open(url, method=method).status_code == 403, url
    assert own.number in client.get(f"/koperasi/{world['coop'].id}").get_data(as_text=True)


def test_making_a_letter_is_audited_and_told_to_the_cooperatives_pengurus(world):
    letter = made(world, LetterKind.HASIL, signer=world["pengawas"])
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "letter.make"))
    assert (event.object_type, event.object_id, event.actor_id) == ("letter", str(letter.id),
                                                                    world["pengawas"].id)  # fmt: skip
    assert event.after["nomor_surat"] == letter.number and event.after["sha256"] == letter.sha256
    told = db.session.scalars(select(Notification).where(Notification.event == ops.MADE)).all()
    assert [(n.user_id, n.link) for n in told] == [(world["pengurus"].id, f"/surat/{letter.id}")]
    assert letter.number in told[0].title
    mail = db.session.scalars(select(OutboxMessage).where(OutboxMessage.event == ops.MADE)).one()
    assert mail.recipient_email == "pengurus@contoh.test" and f"/surat/{letter.id}" in mail.body


def test_the_district_list_filters_and_exports_letters(world, client):
    made(world), made(world, LetterKind.HASIL), made(world, coop=world["other"])
    as_user(client, world["pengawas"])
    page = client.get("/surat/?jenis=hasil").get_data(as_text=True)
    assert "1 surat" in page and number_of(2) in page and number_of(1) not in page
    response = client.get("/surat/ekspor.csv?q=lain")
    rows = response.data.decode("utf-8-sig").strip().split("\r\n")
    assert response.status_code == 200 and len(rows) == 2 and number_of(3) in rows[1]
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "export")) is not None

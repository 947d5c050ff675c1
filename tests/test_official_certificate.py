"""The official certificate: the Dinas's letterhead and logo, signers with NIP and jabatan, and a
QR code that decodes to the public verification page; the settings and profile pages behind it."""

import io
from urllib.parse import urlsplit

import pytest
import zxingcpp
from flask import g
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import select

from sikomo.extensions import db
from sikomo.foureyes import operations as four_eyes
from sikomo.models import AuditEvent, OfficeLogo, Predikat, Role
from sikomo.review import certificate
from sikomo.review import operations as ops
from sikomo.review import views as review_views
from sikomo.settings import get_setting
from tests.conftest import as_user

JUSTIFICATION = "Temuan lapangan: agunan pinjaman terbesar tidak dapat diverifikasi."
PUBLIC = "https://sikomo.mojokertokab.go.id"
KOP = {
    "kop_pemerintah": "Pemerintah Kabupaten Mojokerto",
    "kop_dinas": "Dinas Koperasi, Usaha Mikro dan Perdagangan",
    "kop_alamat": "Jl. Kyai H. Hasyim Asy'ari No. 12, Mojokerto 61318\nTelp. (0321) 391 234",
    "batas_tunggu_hari": "30",
    "batas_rat_hari": "30",
    "batas_rat_bulan": "6",
    "batas_lapor_hari": "30",
    "empat_mata": "y",
}


def png(width=120, height=80, color=(0, 90, 160)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, format="PNG")
    return out.getvalue()


def decoded(image: Image.Image) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(image)]


def pdf_of(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


@pytest.fixture
def people(make_user):
    pengawas = make_user(Role.PENGAWAS, email="pengawas@contoh.test")
    pengawas.name, pengawas.nip = "Dra. Sri Wahyuni, M.Si.", "197805122006042015"
    pengawas.jabatan = "Pengawas Koperasi Ahli Muda"
    dinas = make_user(Role.DINAS, email="dinas@contoh.test")
    dinas.name, dinas.nip, dinas.jabatan = (
        "Ir. Bambang Hartono",
        "196901011994031008",
        "Kepala Dinas",
    )
    db.session.commit()
    return {"pengawas": pengawas, "dinas": dinas}


@pytest.fixture
def confirmed(people, make_submitted, make_cooperative):
    report = make_submitted(make_cooperative("KSP Sejahtera Bersama", nik="3516000000000777"))
    decision = ops.Decision(ops.SESUAIKAN, report.version_id, Predikat.CUKUP_SEHAT, JUSTIFICATION)
    ops.decide(people["pengawas"], report, decision)
    return four_eyes.confirm(people["dinas"], report, report.version_id)


def test_the_qr_code_decodes_to_the_public_verification_page(app, confirmed, client):
    c = certificate.content(confirmed, PUBLIC + "/")
    expected = (
        f"{PUBLIC}/publik/koperasi/3516000000000777?sertifikat={confirmed.certificate_number}"
    )
    assert c.verification_url == expected
    assert decoded(Image.open(io.BytesIO(certificate.qr_png(c.verification_url)))) == [expected]
    images = [image.image for page in pdf_of(certificate.pdf(c)).pages for image in page.images]
    assert expected in [text for image in images for text in decoded(image)]
    verified = urlsplit(expected)
    page = client.get(f"{verified.path}?{verified.query}").get_data(as_text=True)
    assert "sah" in page and confirmed.certificate_number in page  # the page the code opens


def test_the_verification_link_is_the_configured_address_not_the_host_header(
    app, client, people, confirmed
):
    with app.test_request_context("/", headers={"Host": "evil.example"}):
        assert review_views.site_root() == "http://127.0.0.1:5000/"  # nothing configured
        app.config["PUBLIC_URL"] = PUBLIC
        assert review_views.site_root() == PUBLIC + "/"
    body = client.get(f"/penilaian/{confirmed.id}/sertifikat", headers={"Host": "evil.example"})
    assert "evil.example" not in body.get_data(as_text=True)
    body = as_user(client, people["pengawas"]).get(f"/penilaian/{confirmed.id}/sertifikat")
    body = body.get_data(as_text=True)
    assert f"{PUBLIC}/publik/koperasi/" in body and "localhost" not in body
    assert "<svg" in body and "Kode QR verifikasi" in body


def test_the_certificate_prints_the_letterhead_logo_and_both_signers(client, people, confirmed):
    as_user(client, people["dinas"])
    data = KOP | {"logo": (io.BytesIO(png()), "logo.png")}
    response = client.post("/pengaturan/", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    html = client.get(f"/penilaian/{confirmed.id}/sertifikat").get_data(as_text=True)
    for text in ("PEMERINTAH KABUPATEN MOJOKERTO", "DINAS KOPERASI, USAHA MIKRO DAN PERDAGANGAN",
                 "Telp. (0321) 391 234", "Diperiksa oleh", "Disetujui oleh",
                 "Dra. Sri Wahyuni, M.Si.", "NIP. 197805122006042015", "Pengawas Koperasi Ahli Muda",
                 "Ir. Bambang Hartono", "NIP. 196901011994031008", "Kepala Dinas"):  # fmt: skip
        assert text in html, text
    assert 'src="/pengaturan/logo.png?v=' in html
    pdf = pdf_of(client.get(f"/penilaian/{confirmed.id}/sertifikat.pdf").data)
    text = pdf.pages[0].extract_text()
    for line in (
        "PEMERINTAH KABUPATEN MOJOKERTO",
        "NIP. 197805122006042015",
        "Ir. Bambang Hartono",
    ):
        assert line in text, line
    sizes = sorted(image.image.size for image in pdf.pages[0].images)
    assert (120, 80) in sizes  # the logo, beside the QR code
    logo = client.get("/pengaturan/logo.png")
    assert logo.status_code == 200 and logo.mimetype == "image/png"


def test_a_single_decision_is_signed_by_its_pengawas_alone(people, make_submitted):
    report = make_submitted()
    row = ops.decide(people["pengawas"], report, ops.Decision(ops.SETUJUI, report.version_id))
    c = certificate.content(row, PUBLIC)
    assert [(s.title, s.name, s.nip) for s in c.signers] == [
        ("Ditetapkan oleh", "Dra. Sri Wahyuni, M.Si.", "197805122006042015")
    ]
    assert c.kop.pemerintah == "PEMERINTAH DAERAH"  # nothing set: a generic letterhead


def test_a_refused_logo_saves_nothing_and_says_why(client, people):
    as_user(client, people["dinas"])
    data = KOP | {"logo": (io.BytesIO(b"%PDF-1.4 bukan gambar"), "logo.png")}
    response = client.post("/pengaturan/", data=data, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "bukan gambar PNG atau JPEG" in response.get_data(as_text=True)
    db.session.expire_all()
    assert get_setting("kop_dinas") == "" and db.session.get(OfficeLogo, 1) is None
    assert 'value="Pemerintah Kabupaten Mojokerto"' in response.get_data(as_text=True)  # kept


def test_a_large_logo_is_stored_small_and_as_png(client, people):
    as_user(client, people["dinas"])
    jpeg = io.BytesIO()
    Image.new("RGB", (1600, 1200), (200, 30, 30)).save(jpeg, format="JPEG")
    data = KOP | {"logo": (io.BytesIO(jpeg.getvalue()), "logo.jpg")}
    assert (
        client.post("/pengaturan/", data=data, content_type="multipart/form-data").status_code
        == 302
    )
    stored = Image.open(io.BytesIO(db.session.get(OfficeLogo, 1).png))
    assert stored.format == "PNG" and max(stored.size) == 400


@pytest.mark.parametrize(
    ("typed", "stored", "message"),
    [("45", 45, None), ("0", None, "antara 1 dan 365"), ("1.000", None, "antara 1 dan 365"),
     ("", None, "1 sampai 365"), ("tiga puluh", None, "seperti 1250 atau 1.250"),
     ("Rp 30", None, "seperti 1250 atau 1.250"), ("30,5", None, "bilangan bulat")],
)  # fmt: skip
def test_the_waiting_limit_is_read_as_people_type_it(client, people, typed, stored, message):
    as_user(client, people["dinas"])
    response = client.post("/pengaturan/", data=KOP | {"batas_tunggu_hari": typed})
    db.session.expire_all()
    if message is None:
        assert response.status_code == 302 and get_setting("batas_tunggu_hari") == stored
    else:
        assert response.status_code == 422 and message in response.get_data(as_text=True)
        assert get_setting("batas_tunggu_hari") == 30


def test_four_eyes_can_be_switched_off_and_each_change_is_audited(client, people):
    as_user(client, people["dinas"])
    data = {k: v for k, v in KOP.items() if k != "empat_mata"}  # an unticked box sends nothing
    assert client.post("/pengaturan/", data=data).status_code == 302
    db.session.expire_all()
    assert get_setting("empat_mata") is False
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "office.settings")
    ).one()
    assert event.before["empat_mata"] is True and event.after["empat_mata"] is False
    assert event.actor_id == people["dinas"].id


def test_only_the_dinas_and_the_admin_open_the_settings(client, people, login_as):
    assert as_user(client, people["pengawas"]).get("/pengaturan/").status_code == 403
    body = as_user(client, people["dinas"]).get("/pengaturan/").get_data(as_text=True)
    assert "Kop surat" in body and "Persetujuan kedua" in body
    login_as(Role.PENGURUS)
    g.pop("_login_user", None)
    assert client.post("/pengaturan/", data=KOP).status_code == 403


@pytest.mark.parametrize(
    ("nip", "status", "saved"),
    [("19780512 200604 2 015", 302, "197805122006042015"), ("", 302, None),
     ("12345", 422, "197805122006042015"), ("19780512200604201X", 422, "197805122006042015"),
     ("١٩٧٨٠٥١٢٢٠٠٦٠٤٢٠١٥", 422, "197805122006042015")],
)  # fmt: skip
def test_every_user_keeps_their_own_name_nip_and_jabatan(client, people, nip, status, saved):
    user = people["pengawas"]
    data = {"name": "  Dra.  Sri Wahyuni ", "nip": nip, "jabatan": "Pengawas Koperasi Ahli Muda"}
    response = as_user(client, user).post("/akun/profil", data=data)
    assert response.status_code == status
    db.session.expire_all()
    assert user.nip == saved
    if status == 422:
        assert "NIP terdiri atas 18 angka" in response.get_data(as_text=True)
    else:
        assert user.name == "Dra. Sri Wahyuni"


def test_a_certificate_keeps_its_signers_as_they_were_when_it_was_issued(client, people, confirmed):
    as_user(client, people["dinas"]).post(
        "/akun/profil", data={"name": "Nama Baru", "nip": "", "jabatan": "Jabatan Baru"}
    )
    db.session.expire_all()
    html = client.get(f"/penilaian/{confirmed.id}/sertifikat").get_data(as_text=True)
    html = html.split('<article class="certificate">')[1]  # not the header's own name
    assert "Ir. Bambang Hartono" in html and "NIP. 196901011994031008" in html
    assert "Nama Baru" not in html and "Jabatan Baru" not in html


def test_over_long_texts_are_refused_in_indonesian(client, people):
    as_user(client, people["dinas"])
    response = client.post("/pengaturan/", data=KOP | {"kop_pemerintah": "x" * 121})
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and "Paling banyak 120 karakter." in body
    assert "Field cannot" not in body
    alamat = "\r\n".join(["Jl. Contoh No. 1"] * 17)  # 16 line breaks: 288 characters, not 304
    assert client.post("/pengaturan/", data=KOP | {"kop_alamat": alamat}).status_code == 302


def test_a_long_letterhead_and_a_wide_logo_stay_on_the_page(client, people, confirmed):
    as_user(client, people["dinas"])
    long = KOP | {"kop_pemerintah": "Pemerintah Kabupaten " + "Sangat Panjang " * 6,
                  "logo": (io.BytesIO(png(400, 100)), "logo.png")}  # fmt: skip
    client.post("/pengaturan/", data=long, content_type="multipart/form-data")
    data = client.get(f"/penilaian/{confirmed.id}/sertifikat.pdf").data
    page = pdf_of(data).pages[0]
    text = page.extract_text()
    assert "SANGAT PANJANG" in text and len(pdf_of(data).pages) == 1
    logo = next(i for i in page.images if i.image.size == (400, 100))
    assert logo is not None


def test_the_favicon_and_the_office_logo_in_the_header(client, people):
    with client.get("/favicon.ico") as icon:
        assert icon.status_code == 200 and icon.mimetype == "image/vnd.microsoft.icon"
    as_user(client, people["dinas"])
    assert "brand-logo" not in client.get("/").get_data(as_text=True)
    data = KOP | {"logo": (io.BytesIO(png(600, 300)), "logo.png")}
    client.post("/pengaturan/", data=data, content_type="multipart/form-data")
    sha = db.session.get(OfficeLogo, 1).sha256
    page = client.get("/publik/").get_data(as_text=True)
    assert f'src="/pengaturan/logo.png?v={sha[:12]}"' in page
    cached = client.get(f"/pengaturan/logo.png?v={sha[:12]}")
    assert cached.status_code == 200 and cached.cache_control.max_age == 30 * 86400

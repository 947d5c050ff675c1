"""The public look-up at /publik/: no login, public fields only, certificate validity."""

from datetime import UTC, date, datetime, timedelta

import pytest

from sikomo.extensions import db
from sikomo.models import AssessmentStatus, Predikat, Role
from sikomo.public.operations import check_certificate
from tests.decisions import decide

NIK = "3516000000000001"


@pytest.fixture
def certified(make_cooperative, make_approved):
    """A KSP with an approved 2024 assessment and certificate, decided today."""
    coop = make_cooperative("KSP Sejahtera Mojosari", nik=NIK, alamat="Jl. Rahasia No. 7")
    row = make_approved(coop, 2024)
    row.certificate_number = "SKK/2026/00012"
    row.decided_at = datetime.now(UTC)
    db.session.commit()
    return row


def test_the_search_page_needs_no_login_and_finds_by_name_nik_or_kecamatan(client, certified):
    for q in ("sejahtera", NIK[-6:], "mojosari"):
        page = client.get(f"/publik/?q={q}").get_data(as_text=True)
        assert "KSP Sejahtera Mojosari" in page
    assert "KSP Sejahtera" not in client.get("/publik/?q=tidakada").get_data(as_text=True)
    assert "KSP Sejahtera" in client.get("/publik/?kecamatan=Mojosari").get_data(as_text=True)


def test_the_login_page_links_to_the_public_look_up(client):
    page = client.get("/login").get_data(as_text=True)
    assert "Cek kesehatan koperasi" in page and "/publik/" in page


def test_a_cooperative_page_shows_public_fields_and_no_private_ones(client, certified):
    response = client.get(f"/publik/koperasi/{NIK}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for shown in ("KSP Sejahtera Mojosari", NIK, "Simpan Pinjam", "Mojosari", "Sehat",
                  "2024", "SKK/2026/00012", "Berlaku"):  # fmt: skip
        assert shown in page
    data = certified.report.data
    hidden = [
        "Jl. Rahasia",  # address
        f"{data['total_aset']:,}".replace(",", "."),  # any figure
        str(data["total_aset"]),
        "tk.",  # questionnaire item codes
        str(certified.total_score).replace(".", ","),  # the score is kept private
        str(certified.total_score),
    ]
    for secret in hidden:
        assert secret not in page


def test_a_cooperative_without_nik_is_reached_by_id(client, make_cooperative):
    coop = make_cooperative("Koperasi Tanpa NIK")
    assert "Koperasi Tanpa NIK" in client.get(f"/publik/koperasi/id/{coop.id}").get_data(True)
    assert client.get("/publik/koperasi/3516000000009999").status_code == 404
    assert client.get("/publik/koperasi/bukan-nik").status_code == 404


def test_an_adjusted_predikat_shows_its_justification(client, certified):
    certified.predikat = Predikat.CUKUP_SEHAT
    certified.justification = "Ada temuan pemeriksaan lapangan atas agunan pinjaman."
    db.session.commit()
    page = client.get(f"/publik/koperasi/{NIK}").get_data(as_text=True)
    assert "Cukup Sehat" in page and "temuan pemeriksaan lapangan" in page
    assert "(hasil mesin: Sehat)" in page


def test_the_verification_link_says_a_current_certificate_is_valid(client, certified):
    page = client.get(f"/publik/koperasi/{NIK}?sertifikat=SKK/2026/00012").get_data(True)
    assert "Sertifikat SKK/2026/00012 sah." in page


@pytest.mark.parametrize(
    ("situation", "status", "words"),
    [
        ("current", "sah", "sah"),
        ("unknown_number", "tidak_dikenal", "tidak sah"),
        ("other_cooperatives", "tidak_dikenal", "tidak sah"),
        ("newer_year_approved", "diganti", "digantikan"),
        ("newer_version_same_year", "diganti", "digantikan"),
        ("newer_year_imported", "diganti", "digantikan"),
        ("older_than_two_years", "kedaluwarsa", "kedaluwarsa"),
    ],
)
def test_certificate_validity(certified, make_cooperative, make_approved, situation, status, words):
    coop = certified.report.cooperative
    number = certified.certificate_number
    if situation == "unknown_number":
        number = "SKK/2026/99999"
    elif situation == "other_cooperatives":
        coop = make_cooperative("Koperasi Lain", nik="3516000000000002")
    elif situation == "newer_year_approved":
        make_approved(coop, 2025)
    elif situation == "newer_version_same_year":
        certified.report.version = 0  # the factory writes version 1: make room for the newer one
        db.session.commit()
        make_approved(coop, 2024)
    elif situation == "newer_year_imported":
        make_approved(coop, 2025).status = AssessmentStatus.IMPORTED
    elif situation == "older_than_two_years":
        certified.decided_at = datetime.now(UTC) - timedelta(days=2 * 365 + 2)
    db.session.commit()
    check = check_certificate(coop, number)
    assert check.status == status
    assert words in check.pesan


def test_a_certificate_is_valid_until_two_years_after_its_decision(certified):
    decided = certified.decided_at.date()
    coop = certified.report.cooperative
    last_day = decided.replace(year=decided.year + 2) if decided != date(2024, 2, 29) else None
    assert check_certificate(coop, "SKK/2026/00012", today=last_day).sah
    later = last_day + timedelta(days=1)
    assert check_certificate(coop, "SKK/2026/00012", today=later).status == "kedaluwarsa"


def test_the_certificates_verification_link_checks_that_certificate(client, certified):
    from sikomo.review.certificate import content

    url = content(certified, "http://localhost/").verification_url
    assert url == f"http://localhost/publik/koperasi/{NIK}?sertifikat=SKK/2026/00012"
    page = client.get(url.removeprefix("http://localhost")).get_data(as_text=True)
    assert "Sertifikat SKK/2026/00012 sah." in page


def test_an_adjusted_provisional_result_names_the_engines_range_without_its_figures(
    client, make_cooperative, make_submitted, make_user
):
    from sikomo.format import angka
    from sikomo.review import operations as ops

    coop = make_cooperative("KSP Sementara Jaya", nik=NIK)
    report = make_submitted(coop, answers={})
    pengawas = make_user(Role.PENGAWAS, email="penilai@contoh.test")
    reason = "Temuan lapangan: agunan pinjaman terbesar tidak dapat diverifikasi."
    decision = ops.Decision(ops.SESUAIKAN, report.version_id, Predikat.CUKUP_SEHAT, reason)
    row = decide(pengawas, report, decision)
    page = client.get(f"/publik/koperasi/{NIK}").get_data(as_text=True)
    assert "Cukup Sehat" in page and reason in page
    assert (
        "disesuaikan oleh pengawas (hasil mesin: sementara, antara Dalam Pengawasan dan Sehat)"
        in page
    )
    for figure in (row.result["total_min"], row.result["total_max"]):
        assert angka(figure, 2) not in page  # the range's figures stay private, like the score
    one = client.get(f"/api/v1/koperasi/{NIK}").get_json()
    assert one["penilaian"]["disesuaikan"] is True
    assert one["penilaian"]["hasil_mesin"] == {
        "lengkap": False, "predikat": None,
        "predikat_min": "dalam_pengawasan", "predikat_max": "sehat",
    }  # fmt: skip
    assert client.get("/api/v1/koperasi?q=sementara").get_json()["items"] == [one]
    assert "total" not in str(one) and "skor" not in str(one)


def test_a_predikat_approved_as_the_engine_rates_it_has_no_engine_note(client, certified):
    one = client.get(f"/api/v1/koperasi/{NIK}").get_json()
    assert one["penilaian"]["disesuaikan"] is False and one["penilaian"]["hasil_mesin"] is None
    assert "hasil mesin" not in client.get(f"/publik/koperasi/{NIK}").get_data(as_text=True)


def test_a_typed_certificate_number_leads_to_its_cooperative_which_checks_it(client, certified):
    assert 'name="nomor"' in client.get("/publik/").get_data(as_text=True)  # the field
    response = client.get("/publik/sertifikat?nomor=  skk/2026/00012 ")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(
        f"/publik/koperasi/{NIK}?sertifikat=SKK%2F2026%2F00012"
    )
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Sertifikat SKK/2026/00012 sah." in page


@pytest.mark.parametrize("number", ["SKK/2026/99999", "%", "x" * 500])
def test_an_unknown_certificate_number_is_said_so_on_the_page(client, certified, number):
    response = client.get("/publik/sertifikat", query_string={"nomor": number})
    page = response.get_data(as_text=True)
    assert response.status_code == 404 and "tidak terdaftar" in page and 'name="nomor"' in page


def test_the_certificate_form_without_a_number_just_asks_for_one(client):
    response = client.get("/publik/sertifikat")
    assert response.status_code == 200 and "tidak terdaftar" not in response.get_data(as_text=True)

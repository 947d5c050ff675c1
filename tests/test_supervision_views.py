"""/peringatan/ (filters, export), the cooperative profile (who may see it) and the CLI, on a
district built through the ORM and read back by the database's own JSON functions."""

import io

import pytest
from openpyxl import load_workbook

from sikomo.extensions import db
from sikomo.models import Jenis, Predikat, Role
from tests.conftest import as_user

M = 1_000_000


def statement(equity, aset, shu, **extra) -> dict:
    values = {"total_aset": aset * M, "total_ekuitas": equity * M, "simpanan_wajib": (equity - shu) * M,
              "shu_belum_dibagi": shu * M, "shu_setelah_pajak": shu * M, "total_pendapatan": 400 * M,
              "beban_pokok": 100 * M, "beban_usaha": (300 - shu) * M, "beban_perkoperasian": 0,
              "beban_lain": 0, "pajak": 0, "volume_usaha": 900 * M, "total_kewajiban": (aset - equity) * M}  # fmt: skip
    return values | extra


@pytest.fixture
def district(make_region, make_cooperative, make_report):
    """Merugi: a KSP whose 2025 SHU is -80 juta; Sehat: a konsumen cooperative doing fine."""
    puri, trowulan = make_region("Puri"), make_region("Trowulan")
    merugi = make_cooperative("KSP Merugi", region=puri)
    sehat = make_cooperative("Koperasi Sehat Jaya", region=trowulan, jenis=Jenis.KONSUMEN)
    for coop, shu in ((merugi, -80), (sehat, 40)):
        make_report(coop, 2024, tanggal_rat="2025-02-01", **statement(300, 1000, 50))
        make_report(
            coop, 2025, tanggal_rat="2026-02-01", **statement(170 if shu < 0 else 340, 900, shu)
        )
    return {"merugi": merugi, "sehat": sehat, "puri": puri, "trowulan": trowulan}


def text(response) -> str:
    return response.get_data(as_text=True)


def test_the_list_names_the_loss_and_its_cause_for_the_staff(client, login_as, district):
    login_as(Role.PENGAWAS)
    body = text(client.get("/peringatan/?tahun=2025"))
    assert "KSP Merugi" in body and "Mengalami kerugian (SHU negatif)" in body
    assert "SHU setelah pajak tahun buku 2025 negatif: -Rp 80.000.000." in body
    assert "terutama karena Beban usaha naik Rp 130 juta" in body
    assert "Koperasi Sehat Jaya" not in body


@pytest.mark.parametrize(("query", "shown"), [
    ("aturan=rugi", True), ("tingkat=tinggi", True), ("tingkat=rendah", False),
    ("jenis=ksp", True), ("jenis=konsumen", False), ("aturan=tanpa_rat", False),
])  # fmt: skip
def test_each_filter_keeps_or_drops_the_loss(client, login_as, district, query, shown):
    login_as(Role.DINAS)
    body = text(client.get(f"/peringatan/?tahun=2025&{query}"))
    assert ("SHU setelah pajak tahun buku 2025 negatif" in body) is shown


def test_the_kecamatan_filter_reads_the_register(client, login_as, district):
    login_as(Role.DINAS)
    puri, trowulan = district["puri"].id, district["trowulan"].id
    assert "KSP Merugi" in text(client.get(f"/peringatan/?tahun=2025&kecamatan={puri}"))
    assert "KSP Merugi" not in text(client.get(f"/peringatan/?tahun=2025&kecamatan={trowulan}"))


@pytest.mark.parametrize(("query", "message"), [
    ("tahun=dua-ribu", "Tahun buku harus berupa angka bulat"),
    ("kecamatan=999999", "Kecamatan yang dipilih tidak ada dalam daftar."),
    ("tingkat=parah", "Tingkat peringatan harus tinggi, sedang atau rendah."),
    ("aturan=apa", "Aturan peringatan yang dipilih tidak dikenal."),
])  # fmt: skip
def test_a_bad_filter_is_refused_in_indonesian(client, login_as, district, query, message):
    login_as(Role.DINAS)
    response = client.get(f"/peringatan/?{query}")
    assert response.status_code == 422 and message in text(response)
    assert client.get(f"/peringatan/ekspor.csv?{query}").status_code == 422


def test_the_export_holds_the_filtered_flags_in_csv_and_xlsx(client, login_as, district):
    login_as(Role.DINAS)
    csv = client.get("/peringatan/ekspor.csv?tahun=2025&aturan=rugi")
    assert csv.headers["Content-Disposition"] == 'attachment; filename="peringatan-2025.csv"'
    lines = csv.get_data().decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Tahun buku;Koperasi;NIK;Kecamatan;Jenis;Tingkat;Aturan")
    assert len(lines) == 2 and "KSP Merugi" in lines[1] and ";Tinggi;" in lines[1]
    xlsx = client.get("/peringatan/ekspor.xlsx?tahun=2025&aturan=rugi")
    sheet = load_workbook(io.BytesIO(xlsx.get_data())).active
    assert [c.value for c in sheet[2]][:2] == [2025, "KSP Merugi"]


def test_the_profile_is_for_the_staff_and_the_own_pengurus_only(client, make_user, district):
    merugi, sehat = district["merugi"], district["sehat"]
    own = make_user(Role.PENGURUS, email="own@contoh.test", cooperative=merugi)
    other = make_user(Role.PENGURUS, email="other@contoh.test", cooperative=sehat)
    url = f"/koperasi/{merugi.id}/profil"
    assert client.get(url).status_code == 302  # signed out: to the login page
    as_user(client, own)
    page = client.get(url)
    assert page.status_code == 200 and "KSP Merugi" in text(page)
    assert "Mengalami kerugian (SHU negatif)" in text(page)
    as_user(client, other)
    refused = client.get(url)
    assert refused.status_code == 404 and "KSP Merugi" not in text(refused)
    as_user(client, make_user(Role.PENGAWAS, email="pengawas@contoh.test"))
    assert client.get(url).status_code == 200


def test_the_profile_draws_each_ratio_with_its_band_edges_and_its_peers(client, login_as, district):
    login_as(Role.DINAS)
    body = text(client.get(f"/koperasi/{district['merugi'].id}/profil"))
    assert "18,89 %" in body  # 170 ÷ 900 juta
    assert '"batas": [10.0, 20.0, 30.0]' in body  # ekuitas ÷ aset edges from the ruleset
    assert "hanya 1 koperasi, kurang dari 5: persentil tidak dihitung" in body
    assert 'id="profile-data" type="application/json"' in body and "<script>" not in body


def test_the_cli_prints_the_same_flags_in_indonesian(runner, district):
    result = runner.invoke(args=["early-warning", "--year", "2025"])
    assert result.exit_code == 0, result.output
    assert "Peringatan dini tahun buku 2025:" in result.output
    assert (
        "[Tinggi] KSP Merugi (Puri, Simpan Pinjam) — Mengalami kerugian (SHU negatif): "
        in result.output
    )
    assert "Koperasi Sehat Jaya" not in result.output
    assert db.session is not None


def test_lateness_is_read_from_the_stored_submission_in_wib(make_cooperative, make_report):
    """RAT on 1 February 2026, due 30 days later (3 March); sent at 20:00 UTC on 9 April, which
    is 10 April in WIB: 38 days late, as the database stores and gives the moment back."""
    from datetime import UTC, datetime

    from sikomo.supervision.operations import year_warnings

    coop = make_cooperative("KSP Terlambat")
    report = make_report(coop, 2025, tanggal_rat="2026-02-01", **statement(300, 1000, 50))
    report.submitted_at = datetime(2026, 4, 9, 20, 0, tzinfo=UTC)
    # another with fractions of a second: PostgreSQL writes one moment with them, one without
    other = make_cooperative("KSP Terlambat Juga", nik="3516000000000777")
    make_report(
        other, 2025, tanggal_rat="2026-02-01", **statement(300, 1000, 50)
    ).submitted_at = datetime(2026, 4, 1, 1, 2, 3, 456789, tzinfo=UTC)
    db.session.commit()
    warnings = year_warnings(2025)
    late = warnings.flags[warnings.flags["aturan"] == "laporan_terlambat"]
    late = late.sort_values("cooperative_id")
    assert late["cooperative_id"].tolist() == [coop.id, other.id]
    assert late["hari"].tolist() == [38, 29]
    assert "diajukan 38 hari setelah batasnya (3 Maret 2026)" in warnings.message(
        next(late[late["cooperative_id"] == coop.id].itertuples())
    )


def test_the_predikat_compared_is_the_latest_decision_of_each_tahun_buku(
    make_cooperative, make_approved
):
    """2024 decided sehat; 2025 first decided dalam pengawasan, then re-decided cukup sehat: the
    drop named is one level, to the later decision, as the database gives the two years."""
    from sikomo.models import Assessment, AssessmentStatus
    from sikomo.supervision.operations import year_warnings

    coop = make_cooperative("KSP Turun Predikat")
    make_approved(coop, 2024, predikat=Predikat.SEHAT)
    first = make_approved(coop, 2025, predikat=Predikat.DALAM_PENGAWASAN)
    again = Assessment(**{c: getattr(first, c) for c in ("report_id", "method", "ruleset_id",
                          "ruleset_version", "ruleset_hash", "result", "total_score")},
                       status=AssessmentStatus.APPROVED, predikat=Predikat.CUKUP_SEHAT,
                       engine_predikat=Predikat.CUKUP_SEHAT)  # fmt: skip
    db.session.add(again)
    db.session.commit()
    warnings = year_warnings(2025)
    down = warnings.flags[warnings.flags["aturan"] == "predikat_turun"]
    assert down["cooperative_id"].tolist() == [coop.id]
    assert "dari Sehat (tahun buku 2024) menjadi Cukup Sehat" in warnings.message(
        next(down.itertuples())
    )


def test_a_decision_without_a_predikat_is_no_predikat(make_cooperative, make_approved):
    from sikomo.supervision.operations import year_warnings

    coop = make_cooperative("KSP Tanpa Predikat")
    make_approved(coop, 2024, predikat=Predikat.SEHAT)
    row = make_approved(coop, 2025)
    row.predikat = None
    db.session.commit()
    warnings = year_warnings(2025)
    assert "predikat_turun" not in warnings.of(coop.id)["aturan"].tolist()

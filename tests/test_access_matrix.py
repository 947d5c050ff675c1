"""Who may do what: one table of role × method × URL → HTTP status.

Add a row per new route. `{own}` is the pengurus's own cooperative, `{other}` another one; a page
that refuses (403/404) must not show the other cooperative's name.
"""

import pytest

from sikomo import receipts
from sikomo.extensions import db
from sikomo.models import ReportStatus, Role, User, utcnow
from sikomo.tokens.operations import issue
from tests.findings_data import finding_on

ANON = "anonim"
ROLES = (ANON, Role.PENGURUS, Role.PENGAWAS, Role.DINAS, Role.ADMIN)

# method, url,                         anonim, pengurus, pengawas, dinas, admin
MATRIX = [
    ("GET", "/login",                     200, 302, 302, 302, 302),
    ("GET", "/",                          302, 302, 200, 200, 200),
    ("POST", "/logout",                   302, 302, 302, 302, 302),
    ("GET", "/logout",                    405, 405, 405, 405, 405),
    ("GET", "/audit",                     302, 403, 403, 200, 200),
    ("GET", "/audit?bagian=keamanan&pengguna=sistem&dari=2026-01-01", 302, 403, 403, 200, 200),
    ("GET", "/audit?dari=kemarin",        302, 403, 403, 422, 422),  # a bad filter: a message
    ("GET", "/audit/ekspor.csv",          302, 403, 403, 200, 200),
    ("POST", "/audit",                    405, 405, 405, 405, 405),  # nothing here changes a row
    ("GET", "/koperasi/",                 302, 403, 200, 200, 200),
    ("GET", "/koperasi/?indikator=masuk&tahun=2026", 302, 403, 200, 200, 200),
    ("GET", "/koperasi/?q=lain&status=aktif", 302, 403, 200, 200, 200),
    ("GET", "/koperasi/{own}",            302, 200, 200, 200, 200),
    ("GET", "/koperasi/{other}",          302, 404, 200, 200, 200),
    ("GET", "/koperasi/999999",           302, 404, 404, 404, 404),
    ("GET", "/koperasi/{own}/profil",     302, 200, 200, 200, 200),
    ("GET", "/koperasi/{other}/profil",   302, 404, 200, 200, 200),
    ("GET", "/koperasi/999999/profil",    302, 404, 404, 404, 404),
    ("GET", "/peringatan/",               302, 403, 200, 200, 200),
    ("GET", "/peringatan/?tingkat=parah&tahun=2025", 302, 403, 422, 422, 422),  # a message
    ("GET", "/peringatan/ekspor.csv",     302, 403, 200, 200, 200),
    ("GET", "/peringatan/ekspor.xlsx",    302, 403, 200, 200, 200),
    ("GET", "/peringatan/ekspor.pdf",     302, 403, 404, 404, 404),
    ("POST", "/peringatan/",              405, 405, 405, 405, 405),  # nothing here changes a row
    ("GET", "/koperasi/ekspor.csv",       302, 403, 200, 200, 200),
    ("GET", "/koperasi/ekspor.xlsx",      302, 403, 200, 200, 200),
    ("GET", "/koperasi/ekspor.pdf",       302, 403, 404, 404, 404),
    ("GET", "/koperasi/baru",             302, 403, 403, 200, 200),
    ("POST", "/koperasi/baru",            302, 403, 403, 200, 200),
    ("GET", "/koperasi/{own}/ubah",       302, 403, 403, 200, 200),
    ("GET", "/koperasi/{other}/ubah",     302, 403, 403, 200, 200),
    ("POST", "/koperasi/{other}/ubah",    302, 403, 403, 302, 302),  # empty body: saves as is
    ("GET", "/koperasi/impor",            302, 403, 403, 200, 200),
    ("POST", "/koperasi/impor",           302, 403, 403, 422, 422),  # no file: form error
    ("GET", "/laporan/",                  302, 200, 403, 403, 403),
    ("POST", "/laporan/mulai",            302, 302, 403, 403, 403),
    ("GET", "/laporan/{own_report}",      302, 200, 200, 200, 200),
    ("GET", "/laporan/{other_report}",    302, 404, 200, 200, 200),
    ("GET", "/laporan/999999",            302, 404, 404, 404, 404),
    ("GET", "/laporan/{own_report}/bagian/neraca",    302, 200, 200, 200, 200),
    ("GET", "/laporan/{other_report}/bagian/neraca",  302, 404, 200, 200, 200),
    ("GET", "/laporan/{own_report}/bagian/lampiran",  302, 200, 200, 200, 200),
    ("GET", "/laporan/{own_report}/bagian/tidak-ada", 302, 404, 404, 404, 404),
    ("POST", "/laporan/{own_report}/bagian/neraca",   302, 302, 403, 403, 403),
    ("POST", "/laporan/{own_report}/bagian/tidak-ada", 302, 404, 403, 403, 403),
    ("POST", "/laporan/{own_report}/bagian/lampiran", 302, 404, 403, 403, 403),
    ("POST", "/laporan/{other_report}/bagian/neraca", 302, 404, 403, 403, 403),
    ("POST", "/laporan/{other_report}/pratinjau",     302, 404, 403, 403, 403),
    ("POST", "/laporan/{other_report}/ajukan",        302, 404, 403, 403, 403),
    ("GET", "/laporan/{own_report}/ajukan",           302, 302, 403, 403, 403),  # blank: Ringkasan
    ("GET", "/laporan/{other_report}/ajukan",         302, 404, 403, 403, 403),
    ("POST", "/laporan/{other_report}/perbaiki",      302, 404, 403, 403, 403),
    ("POST", "/laporan/{other_report}/lampiran",      302, 404, 403, 403, 403),
    ("POST", "/laporan/{other_report}/unggah",        302, 404, 403, 403, 403),
    ("GET", "/laporan/{own_report}/simulasi",         302, 200, 200, 200, 200),
    ("GET", "/laporan/{other_report}/simulasi",       302, 404, 200, 200, 200),
    ("POST", "/laporan/{own_report}/simulasi",        302, 200, 200, 200, 200),  # nothing stored
    ("POST", "/laporan/{other_report}/simulasi",      302, 404, 200, 200, 200),
    ("POST", "/laporan/{other_report}/simulasi.json", 302, 404, 200, 200, 200),
    ("GET", "/laporan/{own_report}/simulasi.json",    405, 405, 405, 405, 405),
    ("GET", "/laporan/{own_report}/rencana",          302, 200, 200, 200, 200),
    ("GET", "/laporan/{other_report}/rencana?bagian=1", 302, 404, 200, 200, 200),
    ("GET", "/laporan/{own_report}/template.xlsx",    302, 200, 200, 200, 200),
    ("GET", "/laporan/{other_report}/template.xlsx",  302, 404, 200, 200, 200),
    ("GET", "/laporan/lampiran/999999",   302, 404, 404, 404, 404),
    ("GET", "/laporan/{own_receipt}/tanda-terima",   302, 200, 200, 200, 200),
    ("GET", "/laporan/{other_receipt}/tanda-terima", 302, 404, 200, 200, 200),
    ("GET", "/laporan/{own_report}/tanda-terima",    302, 404, 404, 404, 404),  # a draft: none
    ("GET", "/notifikasi/",               302, 200, 200, 200, 200),
    ("GET", "/notifikasi/?page=999",      302, 200, 200, 200, 200),
    ("POST", "/notifikasi/dibaca-semua",  302, 302, 302, 302, 302),
    ("POST", "/notifikasi/999999/dibaca", 302, 404, 404, 404, 404),
    ("GET", "/notifikasi/999999/buka",    302, 404, 404, 404, 404),
    ("GET", "/laporan/impor",             302, 403, 403, 200, 200),
    ("GET", "/api/v1/edit-rules",         200, 200, 200, 200, 200),
    ("GET", "/penilaian/",                302, 403, 200, 200, 200),
    ("GET", "/penilaian/?status=semua&flag=turun&predikat=sehat", 302, 403, 200, 200, 200),
    ("GET", "/penilaian/laporan/{report}", 302, 403, 200, 200, 200),
    ("GET", "/penilaian/laporan/999999",  302, 403, 404, 404, 404),
    ("POST", "/penilaian/laporan/{report}/jawaban", 302, 403, 400, 403, 403),  # empty body
    ("POST", "/penilaian/laporan/{report}/keputusan", 302, 403, 422, 403, 403),  # empty body
    ("POST", "/penilaian/laporan/{report}/persetujuan-kedua", 302, 403, 400, 400, 403),  # empty
    ("POST", "/penilaian/laporan/999999/persetujuan-kedua", 302, 403, 404, 404, 403),
    ("GET", "/pengaturan/",               302, 403, 403, 200, 200),
    ("POST", "/pengaturan/",              302, 403, 403, 422, 422),  # empty body: form errors
    ("GET", "/pengaturan/logo.png",       404, 404, 404, 404, 404),  # public; none uploaded
    ("GET", "/akun/profil",               302, 200, 200, 200, 200),
    ("POST", "/akun/profil",              302, 422, 422, 422, 422),  # empty body: name required
    ("GET", "/akun/sesi/",                302, 200, 200, 200, 200),
    ("GET", "/temuan/",                   302, 403, 200, 200, 200),
    ("GET", "/temuan/?status=ditutup&tingkat=tinggi&lewat=1&kecamatan=99999999999", 302, 403, 200, 200, 200),
    ("GET", "/temuan/ekspor.csv",         302, 403, 200, 200, 200),
    ("GET", "/temuan/999999",             302, 404, 404, 404, 404),
    ("GET", "/temuan/{finding}",          302, 404, 200, 200, 200),  # another cooperative's
    ("GET", "/temuan/{own_finding}",      302, 200, 200, 200, 200),
    ("GET", "/temuan/{finding}/ubah",     302, 403, 403, 403, 403),  # only its author
    ("POST", "/temuan/{finding}/tutup",   302, 403, 422, 403, 403),  # empty body: a message
    ("POST", "/temuan/{finding}/buka-kembali", 302, 403, 422, 403, 403),
    ("POST", "/temuan/{finding}/tanggapan", 302, 404, 403, 403, 403),
    ("POST", "/temuan/{own_finding}/tanggapan", 302, 422, 403, 403, 403),  # empty: a message
    ("POST", "/temuan/{finding}/tindak-lanjut", 302, 404, 403, 403, 403),
    ("GET", "/temuan/laporan/{report}/baru", 302, 403, 200, 200, 403),
    ("POST", "/temuan/laporan/{report}/baru", 302, 403, 422, 422, 403),  # empty body
    ("GET", "/temuan/bukti/999999",       302, 404, 404, 404, 404),
    ("GET", "/akun/kata-sandi",           302, 200, 200, 200, 200),
    ("POST", "/akun/kata-sandi",          302, 422, 422, 422, 422),  # empty body: form errors
    ("POST", "/akun/sesi/akhiri-lain",    302, 302, 302, 302, 302),
    ("POST", "/akun/sesi/999999/akhiri",  302, 302, 302, 302, 302),  # not one's own: a message
    ("GET", "/akun/tautan/bukan-token",   410, 410, 410, 410, 410),  # one-time link: none such
    ("POST", "/akun/tautan/bukan-token",  410, 410, 410, 410, 410),
    ("GET", "/akun/lupa-kata-sandi",      200, 200, 200, 200, 200),
    ("POST", "/akun/lupa-kata-sandi",     422, 422, 422, 422, 422),  # empty body: email required
    ("GET", "/pengguna/",                 302, 403, 403, 200, 200),
    ("GET", "/pengguna/?q=x&peran=admin&status=undangan", 302, 403, 403, 200, 200),
    ("GET", "/pengguna/baru",             302, 403, 403, 200, 200),
    ("POST", "/pengguna/baru",            302, 403, 403, 422, 422),  # empty body: form errors
    ("GET", "/pengguna/999999",           302, 403, 403, 404, 404),
    ("POST", "/pengguna/999999",          302, 403, 403, 404, 404),
    ("POST", "/pengguna/999999/status",   302, 403, 403, 404, 404),
    ("POST", "/pengguna/999999/tautan",   302, 403, 403, 404, 404),
    ("GET", "/penilaian/{certificate}/sertifikat", 302, 404, 200, 200, 200),
    ("GET", "/penilaian/{own_certificate}/sertifikat", 302, 200, 200, 200, 200),
    ("GET", "/penilaian/999999/sertifikat", 302, 404, 404, 404, 404),
    ("GET", "/penilaian/{certificate}/sertifikat.pdf", 302, 404, 200, 200, 200),
    ("GET", "/penilaian/{own_certificate}/sertifikat.pdf", 302, 200, 200, 200, 200),
    ("GET", "/indikator/",                302, 403, 200, 200, 200),
    ("GET", "/indikator/?tahun=2025",     302, 403, 200, 200, 200),
    ("GET", "/indikator/?tahun=1900",     302, 403, 404, 404, 404),
    ("GET", "/indikator/ekspor/indikator.csv", 302, 403, 200, 200, 200),
    ("GET", "/indikator/ekspor/kecamatan.xlsx", 302, 403, 200, 200, 200),
    ("GET", "/indikator/ekspor/jenis.csv", 302, 403, 200, 200, 200),
    ("GET", "/indikator/ekspor/kepatuhan.xlsx", 302, 403, 200, 200, 200),
    ("GET", "/indikator/ekspor/rahasia.csv", 302, 403, 404, 404, 404),
    ("GET", "/indikator/ekspor/indikator.pdf", 302, 403, 404, 404, 404),
    ("GET", "/indikator/lkjip.xlsx",      302, 403, 200, 200, 200),
    ("GET", "/indikator/calon-sanksi",    302, 403, 200, 200, 200),
    ("GET", "/indikator/calon-sanksi?tahun=1900", 302, 403, 404, 404, 404),
    ("GET", "/indikator/calon-sanksi.csv", 302, 403, 200, 200, 200),
    ("GET", "/indikator/audit",           302, 403, 200, 200, 200),
    ("POST", "/indikator/audit",          302, 403, 422, 422, 422),  # no file: form error
    ("GET", "/indikator/pengaturan",      302, 403, 403, 200, 200),
    ("POST", "/indikator/pengaturan",     302, 403, 403, 200, 200),  # nothing submitted
    ("GET", "/indikator/definisi/aktif_pct", 302, 403, 403, 200, 200),
    ("POST", "/indikator/definisi/aktif_pct", 302, 403, 403, 302, 302),  # empty body: saves as is
    ("GET", "/indikator/definisi/tidak_ada", 302, 403, 403, 404, 404),
    ("GET", "/api/v1/indicators?year=2026", 200, 200, 200, 200, 200),  # public, like the LKjIP
    ("GET", "/api/v1/indicators",         400, 400, 400, 400, 400),
    ("GET", "/publik/",                   200, 200, 200, 200, 200),
    ("GET", "/publik/?q=lain&kecamatan=Mojosari", 200, 200, 200, 200, 200),
    ("GET", "/publik/koperasi/3516999999999999", 200, 200, 200, 200, 200),
    ("GET", "/publik/koperasi/3516999999999999?sertifikat=SKK/2026/00001", 200, 200, 200, 200, 200),
    ("GET", "/publik/koperasi/3516000000000000", 404, 404, 404, 404, 404),
    ("GET", "/publik/koperasi/id/{own}",  200, 200, 200, 200, 200),
    ("GET", "/surat/",                    302, 403, 200, 200, 200),
    ("GET", "/surat/?jenis=aneh&tahun=x&kecamatan=-1&q=lain", 302, 403, 200, 200, 200),
    ("GET", "/surat/ekspor.csv",          302, 403, 200, 200, 200),
    ("GET", "/surat/templat",             302, 403, 403, 200, 200),
    ("GET", "/surat/templat/hasil",       302, 403, 403, 200, 200),
    ("GET", "/surat/templat/tidak_ada",   302, 403, 403, 404, 404),
    ("POST", "/surat/templat/hasil",      302, 403, 403, 422, 422),  # empty body: form errors
    ("POST", "/surat/templat/nomor",      302, 403, 403, 422, 422),  # empty body: form errors
    ("GET", "/surat/baru/{other}",        302, 403, 200, 200, 200),
    ("POST", "/surat/baru/{other}",       302, 403, 422, 422, 422),  # empty body: form errors
    ("GET", "/surat/baru/999999",         302, 403, 404, 404, 404),
    ("GET", "/surat/{own_letter}",        302, 200, 200, 200, 200),
    ("GET", "/surat/{other_letter}",      302, 404, 200, 200, 200),
    ("GET", "/surat/{own_letter}.pdf",    302, 200, 200, 200, 200),
    ("GET", "/surat/{other_letter}.pdf",  302, 404, 200, 200, 200),
    ("GET", "/surat/999999",              302, 404, 404, 404, 404),
    ("GET", "/surat/koperasi/{own}",      302, 200, 200, 200, 200),
    ("GET", "/surat/koperasi/{other}",    302, 404, 200, 200, 200),
    ("GET", "/publik/surat",              200, 200, 200, 200, 200),
    ("GET", "/publik/surat?nomor=001/SKK-SRT/2026", 404, 404, 404, 404, 404),
    ("GET", "/token/",                    302, 403, 403, 200, 200),
    ("GET", "/token/koperasi/{other}",    302, 403, 403, 200, 200),
    ("POST", "/token/koperasi/{other}",   302, 403, 403, 200, 200),  # no name: form error
    ("GET", "/token/koperasi/999999",     302, 403, 403, 404, 404),
    ("POST", "/token/{token}/cabut",      302, 403, 403, 302, 302),
    ("POST", "/token/999999/cabut",       302, 403, 403, 404, 404),
    ("GET", "/api/v1/openapi.json",       200, 200, 200, 200, 200),
    ("GET", "/api/v1/schema",             200, 200, 200, 200, 200),
    ("GET", "/api/v1/rulesets",           200, 200, 200, 200, 200),
    ("GET", "/api/v1/koperasi",           200, 200, 200, 200, 200),
    ("GET", "/api/v1/koperasi/3516999999999999", 200, 200, 200, 200, 200),
    ("GET", "/api/v1/koperasi/3516000000000000", 404, 404, 404, 404, 404),
    ("POST", "/api/v1/reports",           401, 401, 401, 401, 401),  # a token only, no session
    ("GET", "/api/v1/reports/{report}",   401, 403, 200, 200, 200),  # or the cooperative's token
    ("GET", "/api/v1/reports/{report}/assessment", 401, 403, 200, 200, 200),
    ("GET", "/api/v1/reports/999999",     401, 403, 404, 404, 404),
]  # fmt: skip

CASES = [
    pytest.param(role, method, url, status, id=f"{role}-{method}-{url}")
    for method, url, *statuses in MATRIX
    for role, status in zip(ROLES, statuses, strict=True)
]


@pytest.mark.parametrize(("role", "method", "url", "expected"), CASES)
def test_role_may_reach_url_only_as_the_matrix_says(
    client,
    login_as,
    make_cooperative,
    make_report,
    make_submitted,
    make_approved,
    role,
    method,
    url,
    expected,
):
    own = make_cooperative("Koperasi Milik Pengurus")
    other = make_cooperative("Koperasi Lain Rahasia", nik="3516999999999999")
    ids = {"own": own.id, "other": other.id}
    if "_report}" in url:  # drafts of both cooperatives, for the pengurus's report pages
        own_report, other_report = make_report(own), make_report(other)
        own_report.status = other_report.status = ReportStatus.DRAF
        db.session.commit()
        ids.update(own_report=own_report.id, other_report=other_report.id)
    if "_receipt}" in url:  # submitted reports of both cooperatives, each with its receipt
        for key, coop in (("own_receipt", own), ("other_receipt", other)):
            ids[key] = receipted(make_report(coop))
    if "{report}" in url:  # only the rows that need them pay for scored reports
        ids["report"] = make_submitted(other).id  # submitted, tahun buku 2025
    if "{certificate}" in url:
        ids["certificate"] = certified(make_approved(other, 2024))
    if "{own_certificate}" in url:
        ids["own_certificate"] = certified(make_approved(own, 2024))
    if "_letter}" in url:  # a letter to each cooperative
        ids.update(own_letter=lettered(own), other_letter=lettered(other))
    if "{token}" in url:
        ids["token"] = issue("test", other, "Akuntansi").token.id
    for key, coop in (("finding", other), ("own_finding", own)):
        if "{" + key + "}" in url:  # a finding (temuan) on a submitted report of the cooperative
            ids[key] = finding_on(make_submitted(coop))
    if role != ANON:
        login_as(role, cooperative=own if role == Role.PENGURUS else None)
    response = client.open(url.format(**ids), method=method)
    assert response.status_code == expected
    if expected in (401, 403, 404):
        body = response.get_data(as_text=True)
        assert "Koperasi Lain Rahasia" not in body
        assert "3516999999999999" not in body


def test_anonymous_users_are_sent_to_the_login_page(client):
    response = client.get("/koperasi/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def certified(assessment) -> int:
    """Give an approved assessment a certificate number, as a pengawas's approval does."""
    assessment.certificate_number = f"SKK/2026/{assessment.id:05d}"
    db.session.commit()
    return assessment.id


def receipted(report) -> int:
    """Give a report the receipt its submission issues."""
    report.status = ReportStatus.DIAJUKAN
    report.submitted_at = utcnow()
    db.session.flush()
    receipts.issue("test", report)
    db.session.commit()
    return report.id


def lettered(coop) -> int:
    """A letter to `coop`, made as a pengawas makes one."""
    from datetime import date

    from sikomo.letters import operations as letters
    from sikomo.models.letters import LetterKind

    signer = db.session.scalar(db.select(User).where(User.email == "penanda@contoh.test"))
    if signer is None:
        signer = User(name="Penanda Tangan", email="penanda@contoh.test", role=Role.PENGAWAS)
        signer.set_password("rahasia-123")
        db.session.add(signer)
        db.session.commit()
    made = letters.draft(LetterKind.TEGURAN_1, coop, signer, batas_waktu=date(2026, 12, 1))
    return letters.make(signer, made).id

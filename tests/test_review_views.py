"""Review pages over HTTP: the explained score, corrections, decisions, conflicts, the certificate."""

import pytest
from sqlalchemy import func, select

from sikomo.extensions import db
from sikomo.format import tanggal
from sikomo.foureyes import operations as four_eyes
from sikomo.models import Assessment, Predikat, ReportStatus, Role
from sikomo.review import corrections as fix
from sikomo.review import operations as ops
from tests.conftest import all_answers, as_user
from tests.decisions import decide, second_pengawas
from tests.rendered import rendered_context, review_page

JUSTIFICATION = "Temuan lapangan: agunan pinjaman terbesar tidak dapat diverifikasi."


def log_in(client, user):
    return as_user(client, user)


@pytest.fixture
def pengawas(make_user):
    return make_user(Role.PENGAWAS, email="pengawas@contoh.test")


def test_the_review_page_explains_the_score_beside_last_year(
    client, pengawas, make_cooperative, make_approved, make_submitted
):
    coop = make_cooperative(nik="3516000000000077")
    make_approved(coop, 2024, predikat=Predikat.CUKUP_SEHAT)
    report = make_submitted(coop)
    body = review_page(log_in(client, pengawas), report)
    for text in (
        "92,19",  # total
        "Rentabilitas aset (ROA)",  # indicator
        "SHU setelah pajak: Rp 296.000.000",  # inputs, by their labels
        "3,52",  # ratio
        "3 % sampai &lt; 5 %",  # band in words
        "Naik 1,48 poin ke ≥ 5 %",  # distance to the next band
        "Kurang Sehat",  # kategori
        "Tahun lalu (2024)",
        "Cukup Sehat",  # last year's approved predikat
        "Kepatuhan Koperasi untuk menerima/pengunduran anggota secara sukarela",  # an item
        'name="jawaban-tk.prinsip.sukarela.1"',
    ):
        assert text in body, text


def test_a_correction_posted_by_the_pengawas_updates_the_score(client, pengawas, make_submitted):
    report = make_submitted()
    figures = dict(report.data)
    log_in(client, pengawas)
    form = {f"jawaban-{code}": "tidak" for code in ops.item_codes(report) if code.startswith("tk.")}
    form |= {"version_id": report.version_id, "total_aset": "1"}
    response = client.post(f"/penilaian/laporan/{report.id}/jawaban", data=form)
    assert response.status_code == 302
    body = review_page(client, report)
    assert "69,69" in body and "Cukup Sehat" in body and "Koreksi jawaban tersimpan" in body
    db.session.refresh(report)
    assert report.data == figures  # a pengawas never edits the pengurus's figures or answers


def test_two_pengawas_deciding_at_once_the_second_gets_a_conflict(
    app, pengawas, make_user, make_submitted
):
    report = make_submitted()
    first = log_in(app.test_client(), pengawas)
    second = log_in(app.test_client(), make_user(Role.PENGAWAS, email="kedua@contoh.test"))
    seen = report.version_id
    url = f"/penilaian/laporan/{report.id}/keputusan"
    assert first.post(url, data={"version_id": seen, "keputusan": "setujui"}).status_code == 302
    again = second.post(url, data={"version_id": seen, "keputusan": "setujui"})
    assert again.status_code == 409
    assert "telah diubah oleh pengguna lain" in again.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Assessment.id))) == 1


def test_an_adjusted_approval_without_justification_is_refused(client, pengawas, make_submitted):
    report = make_submitted()
    log_in(client, pengawas)
    data = {"version_id": report.version_id, "keputusan": "sesuaikan", "predikat": "cukup_sehat"}
    response = client.post(f"/penilaian/laporan/{report.id}/keputusan", data=data)
    assert response.status_code == 422
    assert "Alasan penyesuaian wajib diisi" in response.get_data(as_text=True)
    db.session.refresh(report)
    assert report.status == ReportStatus.DIAJUKAN


def test_the_justification_is_shown_wherever_the_adjusted_predikat_is(
    client, pengawas, make_submitted
):
    report = make_submitted()
    log_in(client, pengawas)
    data = {
        "version_id": report.version_id,
        "keputusan": "sesuaikan",
        "predikat": "cukup_sehat",
        "justification": JUSTIFICATION,
    }
    assert client.post(f"/penilaian/laporan/{report.id}/keputusan", data=data).status_code == 302
    db.session.refresh(report)
    row = four_eyes.confirm(second_pengawas(), report, report.version_id)
    for url in (
        f"/penilaian/laporan/{report.id}",
        f"/penilaian/{row.id}/sertifikat",
        "/penilaian/?status=disetujui",
    ):
        body = client.get(url).get_data(as_text=True)
        assert "Cukup Sehat" in body and JUSTIFICATION[:60] in body, url


def test_returning_shows_the_note_on_the_report(client, pengawas, make_submitted):
    report = make_submitted()
    log_in(client, pengawas)
    note = "Lampiran berita acara RAT belum ditandatangani."
    data = {"version_id": report.version_id, "keputusan": "kembalikan", "note": note}
    assert client.post(f"/penilaian/laporan/{report.id}/keputusan", data=data).status_code == 302
    body = review_page(client, report)
    assert note in body and "Laporan dikembalikan ke pengurus</strong>" in body  # the audit trail


def test_the_certificate_prints_everything_that_identifies_the_decision(
    client, pengawas, make_cooperative, make_submitted
):
    coop = make_cooperative("KSP Sejahtera Mojosari", nik="3516000000000042", alamat="Jl. Raya 1")
    report = make_submitted(coop)
    row = decide(pengawas, report, ops.Decision(ops.SETUJUI, report.version_id))
    body = log_in(client, pengawas).get(f"/penilaian/{row.id}/sertifikat").get_data(as_text=True)
    for text in (
        "SURAT KETERANGAN KESEHATAN KOPERASI",
        row.certificate_number,
        "KSP Sejahtera Mojosari",
        "3516000000000042",
        "Tahun buku</th><td>2025",
        "92,19",
        "Sehat",
        f"Ditetapkan pada {tanggal(row.decided_at)}",  # on the district's clock (WIB)
        pengawas.name,
        "http://127.0.0.1:5000/publik/koperasi/3516000000000042",  # PUBLIC_URL unset here
        "Peraturan Menteri Koperasi dan UKM Nomor 9 Tahun 2020",
    ):
        assert text in body, text
    assert "Penyesuaian" not in body


def test_a_pengurus_sees_the_certificate_of_its_own_cooperative_only(
    client, pengawas, make_user, make_cooperative, make_submitted
):
    own, other = make_cooperative("KSP Milik Sendiri"), make_cooperative("KSP Tetangga")
    rows = {}
    for coop in (own, other):
        report = make_submitted(coop)
        rows[coop.nama] = decide(pengawas, report, ops.Decision(ops.SETUJUI, report.version_id))
    log_in(client, make_user(Role.PENGURUS, cooperative=own))
    assert client.get(f"/penilaian/{rows['KSP Milik Sendiri'].id}/sertifikat").status_code == 200
    refused = client.get(f"/penilaian/{rows['KSP Tetangga'].id}/sertifikat")
    assert refused.status_code == 404 and "KSP Tetangga" not in refused.get_data(as_text=True)


def test_the_queue_page_lists_submitted_reports_with_badges(client, pengawas, make_submitted):
    make_submitted(answers={})
    body = log_in(client, pengawas).get("/penilaian/").get_data(as_text=True)
    assert "KSP Sejahtera" in body and "Sementara" in body and "1 laporan" in body


def test_the_certificate_downloads_as_a_pdf(client, pengawas, make_submitted):
    report = make_submitted()
    decision = ops.Decision(ops.SESUAIKAN, report.version_id, Predikat.CUKUP_SEHAT, JUSTIFICATION)
    row = decide(pengawas, report, decision)
    response = log_in(client, pengawas).get(f"/penilaian/{row.id}/sertifikat.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    assert row.certificate_number.replace("/", "-") in response.headers["Content-Disposition"]


# --- Assessment integrity on the review page ---------------------------------------------------
ITEM = "tk.prinsip.sukarela.1"
NOTE = "Berita acara menunjukkan calon anggota ditolak tanpa alasan."
LONG_TERM = "kewajiban_jangka_panjang_ekuitas"


def test_a_provisional_result_is_shown_as_its_range_never_the_upper_end_alone(
    client, pengawas, make_submitted
):
    report = make_submitted(answers={})
    body = review_page(log_in(client, pengawas), report)
    assert "Sementara: antara" in body and "Dalam Pengawasan (60,12)" in body
    assert "Sehat (92,19)" in body
    assert '<p class="big">92,19</p>' not in body  # the upper end is never the headline
    assert "Yang belum lengkap (34)" in body
    assert f'href="#butir-{ITEM}"' in body and f'id="butir-{ITEM}"' in body
    assert "Setujui belum tersedia" in body
    assert '<input disabled id="keputusan-0"' in body  # Setujui cannot be chosen


def test_a_missing_data_indicator_offers_the_tidak_berlaku_form_and_shows_the_reason(
    client, pengawas, make_submitted
):
    report = make_submitted(pinjaman_bank_jangka_panjang=None)
    body = review_page(log_in(client, pengawas), report)
    assert f'href="#indikator-{LONG_TERM}"' in body and f'id="indikator-{LONG_TERM}"' in body
    assert "Pinjaman bank jangka panjang" in body  # the missing field by its label
    assert f'name="indikator" value="{LONG_TERM}"' in body
    reason = "USP ini tidak memiliki kewajiban jangka panjang sama sekali."
    data = {"version_id": report.version_id, "indikator": LONG_TERM, "alasan": reason}
    response = client.post(f"/penilaian/laporan/{report.id}/tidak-berlaku", data=data)
    assert response.status_code == 302 and response.headers["Location"].endswith(LONG_TERM)
    body = review_page(client, report)
    assert "Tidak berlaku (ditetapkan pengawas)</em>: " + reason in body
    assert "Cabut penetapan tidak berlaku" in body and "Setujui belum tersedia" not in body
    db.session.refresh(report)
    data = {"version_id": report.version_id, "indikator": LONG_TERM}
    response = client.post(f"/penilaian/laporan/{report.id}/tidak-berlaku/cabut", data=data)
    assert response.status_code == 302
    assert "Setujui belum tersedia" in review_page(client, report)


@pytest.mark.parametrize(
    ("url", "data", "status", "message"),
    [
        ("tidak-berlaku", {"indikator": "total_aset", "alasan": "x" * 20}, 422, "tidak dikenal"),
        ("tidak-berlaku", {"indikator": LONG_TERM, "alasan": ""}, 422, "wajib diisi"),
        ("tidak-berlaku", {"indikator": LONG_TERM, "alasan": "x" * 600}, 422, "500"),
        ("tidak-berlaku", {"indikator": LONG_TERM, "alasan": "pendek"}, 422, "minimal 10"),
        ("tidak-berlaku/cabut", {"indikator": LONG_TERM}, 422, "tidak sedang ditetapkan"),
        ("konflik", {"butir": ITEM, "keputusan": "hapus"}, 400, "Pilih"),
        ("konflik", {"butir": ITEM, "keputusan": "terima"}, 422, "Tidak ada konflik"),
        ("jawaban", {f"jawaban-{ITEM}": "tidak", f"catatan-{ITEM}": "x" * 600}, 422, "terlalu"),
    ],
)
def test_bad_review_input_is_refused_with_a_message_never_a_server_error(
    client, pengawas, make_submitted, url, data, status, message
):
    report = make_submitted(pinjaman_bank_jangka_panjang=None)
    log_in(client, pengawas)
    response = client.post(
        f"/penilaian/laporan/{report.id}/{url}", data={"version_id": report.version_id, **data}
    )
    assert response.status_code == status
    assert message in response.get_data(as_text=True)


NEW_FORMS = ["tidak-berlaku", "tidak-berlaku/cabut", "konflik"]


@pytest.mark.parametrize("url", NEW_FORMS)
def test_only_a_pengawas_may_post_the_new_review_forms(client, make_user, make_submitted, url):
    report = make_submitted()
    log_in(client, make_user(Role.DINAS))
    assert client.post(f"/penilaian/laporan/{report.id}/{url}").status_code == 403


@pytest.mark.parametrize("url", NEW_FORMS)
def test_the_new_review_forms_need_the_current_version(client, pengawas, make_submitted, url):
    report = make_submitted()
    log_in(client, pengawas)
    assert client.post(f"/penilaian/laporan/{report.id}/{url}").status_code in (400, 422)
    stale = {"version_id": report.version_id + 5, "indikator": LONG_TERM, "butir": ITEM,
             "keputusan": "terima", "alasan": "Alasan yang cukup panjang."}  # fmt: skip
    response = client.post(f"/penilaian/laporan/{report.id}/{url}", data=stale)
    assert response.status_code == 409


def test_a_correction_note_is_saved_and_shown_beside_the_answer(client, pengawas, make_submitted):
    report = make_submitted()
    log_in(client, pengawas)
    form = {"version_id": report.version_id, f"jawaban-{ITEM}": "tidak", f"catatan-{ITEM}": NOTE}
    assert client.post(f"/penilaian/laporan/{report.id}/jawaban", data=form).status_code == 302
    db.session.refresh(report)
    assert report.review.correction_notes[ITEM]["note"] == NOTE
    assert f'value="{NOTE}"' in review_page(client, report)


def test_a_conflict_is_shown_with_both_answers_the_note_and_two_buttons(
    client, pengawas, make_user, make_cooperative, make_submitted
):
    from sikomo.reports import operations as reports
    from tests.conftest import all_answers

    coop = make_cooperative("KSP Jujur Makmur")
    pengurus = make_user(Role.PENGURUS, email="pengurus@contoh.test", cooperative=coop)
    answers = all_answers()
    del answers[ITEM]
    first = make_submitted(coop, answers=answers)
    ops.correct_answers(pengawas, first, {ITEM: False}, first.version_id, {ITEM: NOTE})
    decide(pengawas, first, ops.Decision(ops.KEMBALIKAN, first.version_id, note="Periksa." * 2))
    draft = reports.reopen(pengurus, first)
    reports.save_answers(pengurus, draft, {ITEM: True}, draft.version_id)
    draft.status = ReportStatus.DIAJUKAN
    db.session.commit()
    body = review_page(log_in(client, pengawas), draft)
    assert "Konflik jawaban (1)" in body and NOTE in body
    assert "Jawaban pengurus sekarang: <strong>Ya</strong>" in body
    assert "koreksi pengawas dari versi 1: <strong>Tidak</strong>" in body
    assert 'value="pertahankan"' in body and 'value="terima"' in body
    assert "Setujui belum tersedia" in body and "1 konflik jawaban" in body
    data = {"version_id": draft.version_id, "butir": ITEM, "keputusan": "pertahankan"}
    response = client.post(f"/penilaian/laporan/{draft.id}/konflik", data=data)
    assert response.status_code == 302
    body = review_page(client, draft)
    assert 'id="konflik"' not in body and "Setujui belum tersedia" not in body


@pytest.mark.parametrize(
    "url",
    ["/penilaian/laporan/99999999999999999999", "/penilaian/99999999999999999999/sertifikat",
     "/koperasi/99999999999999999999"],
)  # fmt: skip
def test_an_id_beyond_the_id_columns_is_not_found_not_a_server_error(client, login_as, url):
    login_as(Role.PENGAWAS)
    assert client.get(url).status_code == 404


def test_a_huge_queue_filter_is_ignored_not_a_server_error(client, login_as):
    login_as(Role.PENGAWAS)
    assert (
        client.get(
            "/penilaian/?tahun=99999999999999999999&kecamatan=99999999999999999999"
        ).status_code
        == 200
    )


def test_the_review_page_counts_per_aspect_and_per_questionnaire_group(
    client, pengawas, make_cooperative, make_approved, make_submitted
):
    """Last year's aspect scores, an aspect's tidak berlaku count and each group's corrected and
    unanswered items, as the page's own context holds them (computed once, not in the template)."""
    coop = make_cooperative(nik="3516000000000078")
    last_year = make_approved(coop, 2024)
    answers = {code: True for code in all_answers() if code != "tk.prinsip.sukarela.2"}
    report = make_submitted(coop, answers=answers, pinjaman_bank_jangka_panjang=None)
    code = "kewajiban_jangka_panjang_ekuitas"
    fix.confirm_not_applicable(pengawas, report, code, "Tidak ada pinjaman jangka panjang.",
                               report.version_id)  # fmt: skip
    ops.correct_answers(pengawas, report, {"tk.prinsip.sukarela.1": False}, report.version_id)
    context = rendered_context(log_in(client, pengawas), f"/penilaian/laporan/{report.id}")
    before = {a["code"]: a["score"] for a in last_year.result["aspects"]}
    groups = {g.aspect.code: g for g in context["aspect_groups"]}
    assert {c: g.previous_score for c, g in groups.items()} == before
    aspect = ops.live_result(report).indicator(code).aspect
    assert [(c, g.not_applicable) for c, g in groups.items() if g.not_applicable] == [(aspect, 1)]
    assert all(i.aspect == c for c, g in groups.items() for i in g.indicators)
    (blank,) = [g for g in context["questionnaire"] if g.blank]
    assert (
        blank.blank == 1 and blank.open and "tk.prinsip.sukarela.2" in {i.code for i in blank.items}
    )
    assert [(g.code, g.corrected) for g in context["questionnaire"] if g.corrected] == [
        (blank.code, 1)
    ]

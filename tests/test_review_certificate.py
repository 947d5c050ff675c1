"""The certificate of an approved assessment: adjusted on a provisional result, tidak berlaku."""

import re
import zlib
from datetime import UTC, datetime

import pytest

from sikomo.assessments import new_assessment, run_engine
from sikomo.extensions import db
from sikomo.format import angka
from sikomo.models import AssessmentStatus, Predikat, ReportStatus, Role
from sikomo.review import certificate

JUSTIFICATION = "Temuan lapangan: agunan pinjaman terbesar tidak dapat diverifikasi."
NOT_APPLICABLE = {"kewajiban_jangka_panjang_ekuitas": "USP tanpa kewajiban jangka panjang."}


@pytest.fixture
def adjusted(make_cooperative, make_submitted, make_user):
    """Approved as cukup sehat on a provisional result (items unanswered), one indicator confirmed
    tidak berlaku."""
    coop = make_cooperative("KSP Sementara Jaya", nik="3516000000000042")
    report = make_submitted(
        coop, answers={}, pinjaman_bank_jangka_panjang=None, kewajiban_jangka_panjang_lain=None
    )
    pengawas = make_user(Role.PENGAWAS, email="penilai@contoh.test")
    row = new_assessment(report, run_engine(report, not_applicable=NOT_APPLICABLE),
                         AssessmentStatus.APPROVED)  # fmt: skip
    row.predikat, row.justification = Predikat.CUKUP_SEHAT, JUSTIFICATION
    row.decided_by, row.decided_at = pengawas, datetime.now(UTC)
    report.status = ReportStatus.DISETUJUI
    db.session.add(row)
    db.session.flush()
    row.certificate_number = f"SKK/2026/{row.id:05d}"
    db.session.commit()
    return row


def engine_words(row) -> str:
    r = row.result
    assert r["provisional"] and r["predikat"] is None and row.engine_predikat is None
    return (
        f"hasil mesin: sementara antara {r['predikat_min_label']} ({angka(r['total_min'], 2)}) "
        f"dan {r['predikat_max_label']} ({angka(r['total_max'], 2)})"
    )


def test_an_adjusted_provisional_approval_prints_the_predikat_the_range_and_tidak_berlaku(
    client, login_as, adjusted
):
    login_as(Role.PENGAWAS)
    body = client.get(f"/penilaian/{adjusted.id}/sertifikat").get_data(as_text=True)
    assert "Dalam Pengawasan (" in engine_words(adjusted)  # the range spans two predikat
    for text in (
        '<strong class="predikat-big">Cukup Sehat</strong>',
        "Disesuaikan oleh pengawas",
        engine_words(adjusted),
        JUSTIFICATION,
        "Pengelolaan permodalan: kewajiban jangka panjang ÷ ekuitas",
        NOT_APPLICABLE["kewajiban_jangka_panjang_ekuitas"],
        "hasil mesin sementara, antara",  # the score line shows the range, not a number alone
    ):
        assert text in body, text
    assert f">{angka(adjusted.result['total_max'], 2)}<" not in body


def pdf_text(data: bytes) -> str:
    """The text shown by fpdf2's (deflated) page streams."""
    streams = re.findall(rb"stream\r?\n(.*?)endstream", data, re.S)
    pages = []
    for raw in streams:
        try:  # a decompressor object ignores the line end before "endstream"
            pages.append(zlib.decompressobj().decompress(raw).decode("latin-1"))
        except zlib.error:
            continue
    return " ".join(re.findall(r"\((.*?)\) ?Tj", "".join(pages)))


def test_the_pdf_says_the_same(client, login_as, adjusted):
    login_as(Role.PENGAWAS)
    response = client.get(f"/penilaian/{adjusted.id}/sertifikat.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    text = pdf_text(response.data)
    for words in ("Cukup Sehat", "Disesuaikan oleh pengawas", "sementara antara",
                  "USP tanpa kewajiban jangka panjang", "Tidak berlaku"):  # fmt: skip
        assert words in text, words


def test_a_complete_approval_prints_its_score_and_no_adjustment(make_approved):
    row = make_approved(tahun_buku=2025)
    row.certificate_number = "SKK/2026/00001"
    c = certificate.content(row, "http://localhost/")
    assert not row.result["provisional"] and not c.adjusted and not c.not_applicable
    assert c.score_text == angka(row.total_score, 2)
    assert ("Penyesuaian", certificate.adjustment_line(c)) not in certificate.rows(c)


def test_only_an_approved_assessment_has_a_certificate(client, login_as, adjusted):
    adjusted.status = AssessmentStatus.PROVISIONAL
    db.session.commit()
    with pytest.raises(certificate.NotCertified):
        certificate.content(adjusted, "http://localhost/")
    login_as(Role.PENGAWAS)
    assert client.get(f"/penilaian/{adjusted.id}/sertifikat").status_code == 404


def test_a_row_stored_before_ranges_existed_prints_without_a_plain_score(make_approved):
    row = make_approved(tahun_buku=2025)
    row.result = {"provisional": True, "total": 81.3, "predikat": "sehat"}
    row.certificate_number = "SKK/2026/00002"
    c = certificate.content(row, "http://localhost/")
    assert c.score_text == "– (hasil mesin sementara)" and c.predikat == "Sehat"
    assert certificate.pdf(c).startswith(b"%PDF")

"""The health certificate (surat keterangan kesehatan koperasi) of an approved assessment."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from urllib.parse import urlencode

from fpdf import FPDF
from fpdf.enums import XPos, YPos

import scoring
from sikomo import format as fmt
from sikomo.models import Assessment
from sikomo.review.values import predikat_label

PUBLIC_PATH = "publik/koperasi/"  # the public look-up page (sikomo/public/)


@dataclass(frozen=True)
class Certificate:
    number: str
    nama: str
    nik: str
    alamat: str
    kecamatan: str
    jenis: str
    tahun_buku: int
    skor: Decimal | None
    predikat: str
    engine_predikat: str
    adjusted: bool
    justification: str
    regulation: str
    tanggal: date | None
    pengawas: str
    verification_url: str


def content(row: Assessment, url_root: str) -> Certificate:
    """Everything the certificate prints, from the assessment and its report's cooperative."""
    coop = row.report.cooperative
    nik = coop.nik or ""
    return Certificate(
        number=row.certificate_number or "",
        nama=coop.nama,
        nik=nik or "–",
        alamat=", ".join(x for x in (coop.alamat, coop.desa) if x),
        kecamatan=coop.kecamatan,
        jenis=coop.jenis.label,
        tahun_buku=row.report.tahun_buku,
        skor=row.total_score,
        predikat=predikat_label(row.predikat),
        engine_predikat=predikat_label(row.engine_predikat),
        adjusted=row.predikat != row.engine_predikat,
        justification=row.justification or "",
        regulation=regulation(row.ruleset_id),
        tanggal=row.decided_at.date() if row.decided_at else None,
        pengawas=row.decided_by.name if row.decided_by else "–",
        verification_url=verification_url(url_root, nik, row.certificate_number),
    )


def verification_url(url_root: str, nik: str, number: str | None) -> str:
    """The public page that says whether this certificate is valid (sah)."""
    if not nik:
        return ""
    query = "?" + urlencode({"sertifikat": number}, safe="/") if number else ""
    return url_root.rstrip("/") + "/" + PUBLIC_PATH + nik + query


def regulation(ruleset_id: str) -> str:
    rs = scoring.builtin_rulesets().get(ruleset_id)
    return rs.regulation if rs else ruleset_id


def latin1(text: str) -> str:
    """The PDF core fonts are Latin-1: swap the few typographic characters we use."""
    text = str(text).replace("–", "-").replace("—", "-").replace("÷", "/")
    return text.encode("latin-1", "replace").decode("latin-1")


def pdf(c: Certificate) -> bytes:
    """The same certificate as an A4 PDF (fpdf2, core fonts only)."""
    doc = FPDF(format="A4")
    doc.set_margins(20, 20, 20)
    doc.add_page()
    doc.set_font("Helvetica", size=10)
    doc.cell(
        0, 6, "PEMERINTAH DAERAH - DINAS KOPERASI", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT
    )
    doc.set_font("Helvetica", "B", 15)
    doc.cell(
        0, 10, "SURAT KETERANGAN KESEHATAN KOPERASI", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT
    )
    doc.set_font("Helvetica", size=11)
    doc.cell(0, 7, latin1(f"Nomor: {c.number}"), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    doc.ln(6)
    doc.multi_cell(
        0,
        6,
        latin1(
            f"Berdasarkan penilaian kesehatan koperasi menurut {c.regulation}, dengan ini diterangkan bahwa:"
        ),
    )
    doc.ln(3)
    for label, value in rows(c):
        doc.set_font("Helvetica", size=11)
        doc.cell(45, 7, latin1(label))
        doc.set_font("Helvetica", "B" if label == "Predikat" else "", 11)
        doc.multi_cell(0, 7, latin1(value), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    doc.ln(14)
    doc.set_font("Helvetica", size=11)
    tanggal = fmt.tanggal(c.tanggal)
    for line in (f"Ditetapkan pada {tanggal}", "Pengawas Koperasi,", "", "", c.pengawas):
        doc.cell(0, 7, latin1(line), align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if c.verification_url:
        doc.ln(12)
        doc.set_font("Helvetica", size=9)
        doc.multi_cell(0, 5, latin1(f"Keaslian surat ini dapat diperiksa di {c.verification_url}"))
    return bytes(doc.output())


def rows(c: Certificate) -> list[tuple[str, str]]:
    lines = [
        ("Nama koperasi", c.nama),
        ("NIK", c.nik),
        ("Jenis", c.jenis),
        ("Alamat", f"{c.alamat or '-'}, Kecamatan {c.kecamatan}"),
        ("Tahun buku", str(c.tahun_buku)),
        ("Skor penilaian", fmt.angka(c.skor, 2)),
        ("Predikat", c.predikat),
    ]
    if c.adjusted:
        lines.append(
            (
                "Penyesuaian",
                f"Predikat hasil perhitungan {c.engine_predikat} disesuaikan oleh pengawas dengan alasan: {c.justification}",
            )
        )
    return lines

"""The health certificate (surat keterangan kesehatan koperasi) of an approved assessment."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from urllib.parse import urlencode

from fpdf import FPDF
from fpdf.enums import XPos, YPos

import scoring
from sikomo import format as fmt
from sikomo.models import Assessment, AssessmentStatus
from sikomo.review.values import EngineScore, predikat_label, stored_score

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
    engine: EngineScore
    adjusted: bool
    justification: str
    not_applicable: tuple[tuple[str, str], ...]  # (indicator name, the pengawas's reason)
    regulation: str
    tanggal: date | None
    pengawas: str
    verification_url: str

    @property
    def score_text(self) -> str:
        return score_line(self)


class NotCertified(ValueError):
    """Only an approved assessment with a certificate number has a certificate."""


def content(row: Assessment, url_root: str) -> Certificate:
    """Everything the certificate prints, from the assessment and its report's cooperative."""
    if row.status != AssessmentStatus.APPROVED or not row.certificate_number:
        raise NotCertified(f"Penilaian {row.id} belum disetujui; tidak ada surat keterangan.")
    coop = row.report.cooperative
    engine = stored_score(row)
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
        engine=engine,
        adjusted=bool(row.justification) or row.predikat != row.engine_predikat,
        justification=row.justification or "",
        not_applicable=not_applicable(row.result),
        regulation=regulation(row.ruleset_id),
        tanggal=row.decided_at.date() if row.decided_at else None,
        pengawas=row.decided_by.name if row.decided_by else "–",
        verification_url=verification_url(url_root, nik, row.certificate_number),
    )


def not_applicable(result) -> tuple[tuple[str, str], ...]:
    """The indicators a pengawas confirmed tidak berlaku, named, with the written reason."""
    if not isinstance(result, dict) or not isinstance(result.get("not_applicable"), dict):
        return ()
    names = {
        i.get("code"): i.get("name") for i in result.get("indicators") or [] if isinstance(i, dict)
    }
    return tuple(
        (str(names.get(code) or code), str(reason))
        for code, reason in sorted(result["not_applicable"].items())
    )


def score_line(c: Certificate) -> str:
    """The decided score; for a provisional engine result, its range instead."""
    if not c.engine.provisional:
        return fmt.angka(c.skor, 2)
    if c.engine.has_range:
        low, high = fmt.angka(c.engine.total_min, 2), fmt.angka(c.engine.total_max, 2)
        return f"– (hasil mesin sementara, antara {low} dan {high})"
    return "– (hasil mesin sementara)"


def adjustment_line(c: Certificate) -> str:
    return (
        f"Disesuaikan oleh pengawas (hasil mesin: {c.engine.range_text()}) "
        f"dengan alasan: {c.justification or '–'}"
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
        doc.multi_cell(0, 7, latin1(value), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    doc.ln(14)
    doc.set_font("Helvetica", size=11)
    tanggal = fmt.tanggal(c.tanggal)
    for line in (f"Ditetapkan pada {tanggal}", "Pengawas Koperasi,", "", "", c.pengawas):
        doc.cell(0, 7, latin1(line), align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if c.verification_url:
        doc.ln(12)
        doc.set_font("Helvetica", size=9)
        text = f"Keaslian surat ini dapat diperiksa di {c.verification_url}"
        doc.multi_cell(0, 5, latin1(text), align="L")
    return bytes(doc.output())


def rows(c: Certificate) -> list[tuple[str, str]]:
    lines = [
        ("Nama koperasi", c.nama),
        ("NIK", c.nik),
        ("Jenis", c.jenis),
        ("Alamat", f"{c.alamat or '-'}, Kecamatan {c.kecamatan}"),
        ("Tahun buku", str(c.tahun_buku)),
        ("Skor penilaian", c.score_text),
        ("Predikat", c.predikat),
    ]
    if c.adjusted:
        lines.append(("Penyesuaian", adjustment_line(c)))
    if c.not_applicable:
        listed = "\n".join(f"- {name}: {reason}" for name, reason in c.not_applicable)
        lines.append(("Tidak berlaku", f"Dikonfirmasi pengawas tidak berlaku:\n{listed}"))
    return lines

"""The health certificate (surat keterangan kesehatan koperasi) of an approved assessment."""

import io
from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal
from urllib.parse import urlencode

import segno
from fpdf import FPDF
from fpdf.enums import XPos, YPos

import scoring
from sikomo import format as fmt
from sikomo.extensions import db
from sikomo.models import Assessment, AssessmentStatus, User
from sikomo.office.operations import Letterhead, letterhead
from sikomo.review.values import EngineScore, predikat_label, stored_score

PUBLIC_PATH = "publik/koperasi/"  # the public look-up page (sikomo/public/)


@dataclass(frozen=True)
class Signer:
    """One signature block: what the signer did, then name, jabatan and NIP as printed."""

    title: str  # "Ditetapkan oleh", "Diperiksa oleh", "Disetujui oleh"
    name: str
    jabatan: str
    nip: str


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
    kop: Letterhead
    signers: tuple[Signer, ...]
    penyetuju: str = ""  # four-eyes: the second user who confirmed the decision

    @property
    def qr_svg(self) -> str:
        """The verification URL as an inline SVG QR code (empty without a URL)."""
        if not self.verification_url:
            return ""
        qr = segno.make(self.verification_url, error="m")
        return qr.svg_inline(scale=3, border=2, title="Kode QR verifikasi")

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
    signed = signers(row)
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
        tanggal=fmt.local(row.confirmed_at or row.decided_at).date() if row.decided_at else None,
        pengawas=signed[0].name,
        verification_url=verification_url(url_root, nik, row.certificate_number),
        kop=letterhead(),
        signers=signed,
        penyetuju=signed[1].name if len(signed) > 1 else "",
    )


LOGO_MM = 24  # the letterhead logo's box in the PDF
SIGNED = "penandatangan"  # the signers as the assessment's result keeps them


def signers(row: Assessment) -> tuple[Signer, ...]:
    """Who signs, as they were named when the decision became final (`signature_record`); an
    assessment approved before that was kept is signed by its users' profiles as they are."""
    stored = row.result.get(SIGNED) if isinstance(row.result, dict) else None
    if isinstance(stored, list) and stored:
        return tuple(Signer(**{k: str(s.get(k) or "") for k in FIELDS}) for s in stored)
    return signers_of(row.decided_by, row.confirmed_by)


def signature_record(row: Assessment) -> list[dict[str, str]]:
    """The signers to keep with the assessment when it becomes final: a later profile edit never
    rewrites a certificate already issued."""
    decided = db.session.get(User, row.decided_by_id) if row.decided_by_id else None
    confirmed = db.session.get(User, row.confirmed_by_id) if row.confirmed_by_id else None
    return [asdict(s) for s in signers_of(decided, confirmed)]


def signers_of(decided: User | None, confirmed: User | None) -> tuple[Signer, ...]:
    """The pengawas who decided, and under four-eyes the user who confirmed."""
    if confirmed is None:
        return (signer("Ditetapkan oleh", decided, "Pengawas Koperasi"),)
    return (
        signer("Diperiksa oleh", decided, "Pengawas Koperasi"),
        signer("Disetujui oleh", confirmed, confirmed.role.label),
    )


FIELDS = ("title", "name", "jabatan", "nip")


def signer(title: str, user: User | None, default_jabatan: str) -> Signer:
    if user is None:
        return Signer(title, "–", default_jabatan, "")
    return Signer(title, user.name or user.email, user.jabatan or default_jabatan, user.nip or "")


def qr_png(url: str, scale: int = 6) -> bytes:
    """The verification URL as a PNG QR code (the PDF prints it)."""
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="png", scale=scale, border=2)
    return out.getvalue()


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
    doc.set_margins(20, 15, 20)
    doc.add_page()
    pdf_letterhead(doc, c.kop)
    doc.set_font("Helvetica", "B", 14)
    doc.cell(
        0, 9, "SURAT KETERANGAN KESEHATAN KOPERASI", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT
    )
    doc.set_font("Helvetica", size=11)
    doc.cell(0, 6, latin1(f"Nomor: {c.number}"), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    doc.ln(5)
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
    doc.ln(8)
    pdf_signatures(doc, c)
    if c.verification_url:
        doc.ln(6)
        top = doc.get_y()
        doc.image(io.BytesIO(qr_png(c.verification_url)), x=doc.l_margin, y=top, w=28, h=28)
        doc.set_xy(doc.l_margin + 32, top + 6)
        doc.set_font("Helvetica", size=9)
        text = f"Pindai kode QR atau buka {c.verification_url} untuk memeriksa keaslian surat ini."
        doc.multi_cell(0, 5, latin1(text), align="L")
    return bytes(doc.output())


def pdf_letterhead(doc: FPDF, kop: Letterhead) -> None:
    """Logo at the left, the government, the dinas and its address centred, a double rule."""
    top, side = doc.get_y(), LOGO_MM + 4 if kop.logo else 0
    if kop.logo:  # in a square box at the left, whatever its shape
        doc.image(io.BytesIO(kop.logo), x=doc.l_margin, y=top, w=LOGO_MM, h=LOGO_MM,
                  keep_aspect_ratio=True)  # fmt: skip
    width = doc.w - doc.l_margin - doc.r_margin - 2 * side  # centred, clear of the logo
    lines = [("B", 12, 6, kop.pemerintah.upper()), ("B", 14, 7, kop.dinas.upper())]
    lines += [("", 9, 5, line) for line in kop.alamat.splitlines() if line.strip()]
    for style, size, height, text in lines:
        doc.set_font("Helvetica", style, size)
        doc.set_x(doc.l_margin + side)
        doc.multi_cell(width, height, latin1(text), align="C", new_x=XPos.LMARGIN,
                       new_y=YPos.NEXT)  # fmt: skip
    bottom = max(doc.get_y(), top + LOGO_MM + 1 if kop.logo else 0) + 2
    doc.set_line_width(0.8)
    doc.line(doc.l_margin, bottom, doc.w - doc.r_margin, bottom)
    doc.set_line_width(0.2)
    doc.line(doc.l_margin, bottom + 1.2, doc.w - doc.r_margin, bottom + 1.2)
    doc.set_y(bottom + 6)


def pdf_signatures(doc: FPDF, c: Certificate) -> None:
    """One block at the right, or two side by side (four-eyes), each with room to sign."""
    doc.set_font("Helvetica", size=11)
    doc.cell(0, 6, latin1(f"Ditetapkan pada {fmt.tanggal(c.tanggal)}"), align="R",
             new_x=XPos.LMARGIN, new_y=YPos.NEXT)  # fmt: skip
    width = (doc.w - doc.l_margin - doc.r_margin) / 2
    top = doc.get_y() + 2
    for index, s in enumerate(c.signers):
        column = index if len(c.signers) > 1 else 1  # a single signer signs at the right
        x = doc.l_margin + column * width
        lines = [(s.title + ",", ""), (s.jabatan, ""), ("", ""), ("", ""), (s.name, "BU")]
        lines.append((f"NIP. {s.nip}" if s.nip else "", ""))
        doc.set_xy(x, top)
        for text, style in lines:
            doc.set_font("Helvetica", style, 11)
            doc.set_x(x)
            doc.cell(width, 6, latin1(text), align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
    doc.set_xy(doc.l_margin, top + 6 * 6)


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

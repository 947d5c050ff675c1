"""A letter as printed: on screen and as an A4 PDF (fpdf2), with the office's letterhead, the
signature block of its signer as they were named when it was made, and the QR code of its public
verification page (as the certificate has, sikomo/review/certificate.py)."""

import io
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

import segno
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from sikomo import format as fmt
from sikomo.models.letters import Letter
from sikomo.office.operations import Letterhead, letterhead
from sikomo.review.certificate import latin1, pdf_letterhead, qr_png

PUBLIC_PATH = "publik/surat"  # the public look-up page (sikomo/letters/views.py)


@dataclass(frozen=True)
class Page:
    number: str
    tanggal: date
    subject: str
    body: str
    signer_name: str
    signer_jabatan: str
    signer_nip: str
    sha256: str
    verification_url: str
    kop: Letterhead

    @property
    def paragraphs(self) -> list[list[str]]:
        """The body's paragraphs (blank-line separated), each as its lines."""
        return [block.split("\n") for block in self.body.split("\n\n") if block.strip()]

    @property
    def qr_svg(self) -> str:
        if not self.verification_url:
            return ""
        return segno.make(self.verification_url, error="m").svg_inline(
            scale=3, border=2, title="Kode QR verifikasi"
        )


def verification_url(url_root: str, number: str) -> str:
    return url_root.rstrip("/") + "/" + PUBLIC_PATH + "?" + urlencode({"nomor": number}, safe="/")


def page_of(letter: Letter, url_root: str) -> Page:
    return Page(
        number=letter.number,
        tanggal=fmt.local(letter.created_at).date(),
        subject=letter.subject,
        body=letter.body,
        signer_name=letter.signer_name,
        signer_jabatan=letter.signer_jabatan or "",
        signer_nip=letter.signer_nip or "",
        sha256=letter.sha256,
        verification_url=verification_url(url_root, letter.number),
        kop=letterhead(),
    )


def preview_page(number: str, day: date, subject: str, body: str, signer) -> Page:
    """The page a letter would print, before it has a number (no QR, no hash)."""
    return Page(number, day, subject, body, signer.name or signer.email,
                signer.jabatan or signer.role.label, signer.nip or "", "", "", letterhead())  # fmt: skip


LINE = 6  # mm between lines of the body


def pdf(p: Page) -> bytes:
    doc = FPDF(format="A4")
    doc.set_margins(20, 15, 20)
    doc.set_auto_page_break(True, margin=15)
    doc.add_page()
    pdf_letterhead(doc, p.kop)
    doc.set_font("Helvetica", size=11)
    doc.cell(0, LINE, latin1(fmt.tanggal(p.tanggal)), align="R", new_x=XPos.LMARGIN,
             new_y=YPos.NEXT)  # fmt: skip
    for label, value in (("Nomor", p.number), ("Lampiran", "-"), ("Perihal", p.subject)):
        doc.cell(25, LINE, label)
        doc.cell(4, LINE, ":")
        doc.set_font("Helvetica", "B" if label == "Perihal" else "", 11)
        doc.multi_cell(0, LINE, latin1(value), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        doc.set_font("Helvetica", size=11)
    doc.ln(4)
    for lines in p.paragraphs:
        for line in lines:
            doc.multi_cell(0, LINE, latin1(line), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        doc.ln(2)
    signature(doc, p)
    if p.verification_url:
        verification(doc, p)
    return bytes(doc.output())


def signature(doc: FPDF, p: Page) -> None:
    """At the right half: the jabatan, room to sign, the name underlined, the NIP."""
    if doc.get_y() > doc.h - 15 - 9 * LINE:
        doc.add_page()
    width = (doc.w - doc.l_margin - doc.r_margin) / 2
    x = doc.l_margin + width
    doc.ln(4)
    lines = [(p.signer_jabatan + ",", ""), ("", ""), ("", ""), ("", ""), (p.signer_name, "BU")]
    lines.append((f"NIP. {p.signer_nip}" if p.signer_nip else "", ""))
    for text, style in lines:
        doc.set_font("Helvetica", style, 11)
        doc.set_x(x)
        doc.multi_cell(width, LINE, latin1(text), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def verification(doc: FPDF, p: Page) -> None:
    if doc.get_y() > doc.h - 15 - 34:
        doc.add_page()
    doc.ln(6)
    top = doc.get_y()
    doc.image(io.BytesIO(qr_png(p.verification_url)), x=doc.l_margin, y=top, w=28, h=28)
    doc.set_xy(doc.l_margin + 32, top + 3)
    doc.set_font("Helvetica", size=9)
    doc.multi_cell(0, 4.5, latin1(f"Pindai kode QR atau buka {p.verification_url} untuk memeriksa "
                                  "keaslian surat ini."), align="L", new_x=XPos.LEFT,
                   new_y=YPos.NEXT)  # fmt: skip
    doc.set_font("Courier", size=8)
    doc.multi_cell(0, 4.5, f"SHA-256: {p.sha256}", align="L")

"""The health certificate (surat keterangan kesehatan koperasi) of an approved assessment."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import scoring
from sikomo.models import Assessment
from sikomo.review.values import predikat_label

PUBLIC_PATH = "publik/koperasi/"  # the public look-up page comes in a later issue


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
        verification_url=url_root.rstrip("/") + "/" + PUBLIC_PATH + nik if nik else "",
    )


def regulation(ruleset_id: str) -> str:
    rs = scoring.builtin_rulesets().get(ruleset_id)
    return rs.regulation if rs else ruleset_id

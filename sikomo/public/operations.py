"""What the public may know about a cooperative, shared by the public pages and the JSON API.

Public: name, NIK, jenis, kecamatan, aktif status, and the latest decided predikat with its tahun
buku, certificate number, adjustment justification and certificate validity; for an adjusted
predikat, what the engine said (its predikat, or the two ends of its provisional range, as printed
on the certificate). Never public: report figures, questionnaire answers, notes, scores (the total
score and the range's figures are kept private too), address, desa.

A certificate is valid ("sah") when its assessment is the cooperative's latest decided (approved
or imported) assessment — highest tahun buku, then newest report version, then newest decision —
and it was decided less than CERTIFICATE_VALID_YEARS (default 2) years ago.
"""

from dataclasses import asdict, dataclass
from datetime import date

from flask import current_app
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import contains_eager, defer, joinedload

from sikomo.extensions import db
from sikomo.format import tanggal
from sikomo.matching import contains
from sikomo.models import Assessment, AssessmentStatus, Cooperative, Jenis, Region, Report
from sikomo.review.values import predikat_label, stored_score

DECIDED = (AssessmentStatus.APPROVED, AssessmentStatus.IMPORTED)
SAH, DIGANTI, KEDALUWARSA, TIDAK_DIKENAL = "sah", "diganti", "kedaluwarsa", "tidak_dikenal"
MAX_QUERY = 100


@dataclass(frozen=True)
class PublicEngine:
    """The engine's predikat behind an adjusted decision; a provisional one has only its range."""

    lengkap: bool
    predikat: str | None
    predikat_min: str | None
    predikat_max: str | None

    @property
    def text(self) -> str:
        if self.lengkap:
            return predikat_label(self.predikat)
        if not self.predikat_min or not self.predikat_max:
            return "sementara (rentang tidak tersedia)"
        low, high = predikat_label(self.predikat_min), predikat_label(self.predikat_max)
        if low == high:
            return f"sementara, {low} pada kedua ujung rentangnya"
        return f"sementara, antara {low} dan {high}"


@dataclass(frozen=True)
class PublicAssessment:
    tahun_buku: int
    predikat: str | None
    predikat_label: str
    disesuaikan: bool
    alasan_penyesuaian: str | None
    hasil_mesin: PublicEngine | None  # only when adjusted
    nomor_sertifikat: str | None
    tanggal_penetapan: date | None
    sertifikat_berlaku_sampai: date | None
    status_sertifikat: str | None  # SAH / KEDALUWARSA, None without a certificate


@dataclass(frozen=True)
class PublicCooperative:
    id: int
    nik: str | None
    nama: str
    jenis: str
    jenis_label: str
    kecamatan: str
    aktif: bool
    penilaian: PublicAssessment | None

    def to_json(self) -> dict:
        return asdict(self, dict_factory=_jsonable)


@dataclass(frozen=True)
class CertificateCheck:
    nomor: str
    status: str  # SAH, DIGANTI, KEDALUWARSA or TIDAK_DIKENAL
    pesan: str

    @property
    def sah(self) -> bool:
        return self.status == SAH


def _jsonable(items) -> dict:
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in items}


def search_query(q: str = "", kecamatan: str = "", jenis: str = "") -> Select:
    """Cooperatives by name, NIK or kecamatan (the words of `q`), optionally one kecamatan/jenis."""
    # The kecamatan are matched first, so the count reads the cooperatives' search index alone.
    query = (
        select(Cooperative)
        .options(joinedload(Cooperative.region))
        .order_by(Cooperative.nama, Cooperative.id)
    )
    q = q.strip()[:MAX_QUERY].lower()
    if q:
        named = select(Region.id).where(contains(Region.kecamatan, q))
        query = query.where(
            or_(
                contains(Cooperative.nama, q),
                contains(Cooperative.nik, q),
                Cooperative.region_id.in_(named),  # the few kecamatan first, not per cooperative
            )
        )
    if kecamatan.strip():
        chosen = select(Region.id).where(func.lower(Region.kecamatan) == kecamatan.strip().lower())
        query = query.where(Cooperative.region_id.in_(chosen))
    if jenis in set(Jenis):
        query = query.where(Cooperative.jenis == Jenis(jenis))
    return query


def latest_decided(cooperative_ids: list[int]) -> dict[int, Assessment]:
    """Each cooperative's latest decided assessment, in one query (the result JSON not loaded)."""
    if not cooperative_ids:
        return {}
    query = (
        select(Assessment)
        .join(Assessment.report)
        .where(Report.cooperative_id.in_(cooperative_ids), Assessment.status.in_(DECIDED))
        .options(
            defer(Assessment.result),
            contains_eager(Assessment.report).load_only(
                Report.cooperative_id, Report.tahun_buku, Report.version
            ),
        )
        .order_by(Report.tahun_buku.desc(), Report.version.desc(), Assessment.id.desc())
    )
    latest: dict[int, Assessment] = {}
    for row in db.session.scalars(query):
        latest.setdefault(row.report.cooperative_id, row)
    return latest


def valid_until(row: Assessment) -> date | None:
    if row.decided_at is None:
        return None
    decided = row.decided_at.date()
    years = int(current_app.config.get("CERTIFICATE_VALID_YEARS", 2))
    try:
        return decided.replace(year=decided.year + years)
    except ValueError:  # 29 February
        return decided.replace(year=decided.year + years, day=28)


def is_adjusted(row: Assessment) -> bool:
    return bool(row.justification) or (
        row.engine_predikat is not None and row.predikat != row.engine_predikat
    )


def adjusted_results(rows: list[Assessment]) -> dict[int, dict]:
    """The result JSON of the adjusted rows only, in one query (the others are not read)."""
    ids = [r.id for r in rows if is_adjusted(r)]
    if not ids:
        return {}
    query = select(Assessment.id, Assessment.result).where(Assessment.id.in_(ids))
    return {row_id: result for row_id, result in db.session.execute(query)}


def engine_of(row: Assessment, result) -> PublicEngine:
    engine = stored_score(row, result)
    return PublicEngine(engine.complete, engine.predikat, engine.predikat_min, engine.predikat_max)


def public_assessment(
    row: Assessment, today: date | None = None, results: dict[int, dict] | None = None
) -> PublicAssessment:
    until = valid_until(row) if row.certificate_number else None
    state = None
    if row.certificate_number:
        state = SAH if until is None or (today or date.today()) <= until else KEDALUWARSA
    adjusted = is_adjusted(row)
    result = (results or {}).get(row.id) if adjusted else None
    return PublicAssessment(
        tahun_buku=row.report.tahun_buku,
        predikat=row.predikat.value if row.predikat else None,
        predikat_label=predikat_label(row.predikat),
        disesuaikan=adjusted,
        alasan_penyesuaian=row.justification if adjusted else None,
        hasil_mesin=engine_of(row, result) if adjusted else None,
        nomor_sertifikat=row.certificate_number,
        tanggal_penetapan=row.decided_at.date() if row.decided_at else None,
        sertifikat_berlaku_sampai=until,
        status_sertifikat=state,
    )


def profiles(coops: list[Cooperative], aktif: set[int]) -> list[PublicCooperative]:
    latest = latest_decided([c.id for c in coops])
    results = adjusted_results(list(latest.values()))
    return [profile(c, c.id in aktif, latest.get(c.id), results) for c in coops]


def profile(
    coop: Cooperative,
    aktif: bool,
    latest: Assessment | None,
    results: dict[int, dict] | None = None,
) -> PublicCooperative:
    return PublicCooperative(
        id=coop.id,
        nik=coop.nik,
        nama=coop.nama,
        jenis=coop.jenis.value,
        jenis_label=coop.jenis.label,
        kecamatan=coop.kecamatan,
        aktif=aktif,
        penilaian=public_assessment(latest, results=results) if latest is not None else None,
    )


def by_nik(nik: str) -> Cooperative | None:
    if not nik.isdigit() or len(nik) != 16:
        return None
    return db.session.scalar(select(Cooperative).where(Cooperative.nik == nik))


def certificate_owner(number: str) -> Cooperative | None:
    """The cooperative a typed certificate number was issued to, if any (any case, spaces
    around it ignored); whether it is still valid is `check_certificate`'s to say."""
    number = number.strip().upper()[:40]
    if not number:
        return None
    query = (
        select(Cooperative)
        .join(Report, Report.cooperative_id == Cooperative.id)
        .join(Assessment, Assessment.report_id == Report.id)
        .where(Assessment.certificate_number == number, Assessment.status.in_(DECIDED))
    )
    return db.session.scalars(query.limit(1)).first()


def check_certificate(
    coop: Cooperative, number: str, today: date | None = None
) -> CertificateCheck:
    """Is certificate `number` a valid certificate of this cooperative today?"""
    number = number.strip()[:40]
    row = db.session.scalar(
        select(Assessment)
        .join(Assessment.report)
        .where(Assessment.certificate_number == number, Report.cooperative_id == coop.id)
    )
    if row is None or row.status not in DECIDED:
        return CertificateCheck(
            number, TIDAK_DIKENAL, f"Sertifikat {number} tidak sah: nomor ini tidak terdaftar "
            "untuk koperasi ini."
        )  # fmt: skip
    latest = latest_decided([coop.id]).get(coop.id)
    if latest is not None and latest.id != row.id:
        return CertificateCheck(
            number, DIGANTI, f"Sertifikat {number} tidak berlaku lagi: sudah digantikan oleh "
            f"penilaian tahun buku {latest.report.tahun_buku}."
        )  # fmt: skip
    shown = public_assessment(row, today)
    if shown.status_sertifikat == KEDALUWARSA:
        until = shown.sertifikat_berlaku_sampai
        return CertificateCheck(
            number,
            KEDALUWARSA,
            f"Sertifikat {number} kedaluwarsa (berlaku sampai {tanggal(until)}).",
        )
    return CertificateCheck(number, SAH, f"Sertifikat {number} sah.")

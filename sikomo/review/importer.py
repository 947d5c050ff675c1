"""All-or-nothing import of health assessments decided before SIKOMO (status `imported`).

Each row becomes an Assessment with status IMPORTED on the cooperative's report of that book year
(the latest version; a report marked `imported` and approved is created when there is none).
Count both APPROVED and IMPORTED as approved (`operations.DECIDED`).
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from decimal import Decimal, InvalidOperation

from sqlalchemy import select

from sikomo import audit
from sikomo.extensions import db
from sikomo.models import Assessment, AssessmentStatus, Method, Predikat, Report, ReportStatus
from sikomo.registry.importer import RowError, read_table
from sikomo.registry.operations import cooperative_by_nik
from sikomo.registry.values import parse_date, valid_nik
from sikomo.review.operations import DECIDED, pending_assessment
from sikomo.review.values import parse_predikat

COLUMNS = ("nik", "tahun_buku", "predikat", "skor", "tanggal_penilaian", "metode")
FIRST_YEAR = 1990


@dataclass
class AssessmentImport:
    errors: list[RowError] = field(default_factory=list)
    created: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def import_assessments(actor, content: bytes, filename: str) -> AssessmentImport:
    """Validate every row; write them all in one transaction only when none has an error."""
    try:
        table = read_table(content, filename)
    except Exception as exc:  # noqa: BLE001  (any parser failure is the file's fault)
        return AssessmentImport([RowError(1, "-", f"Berkas tidak dapat dibaca: {exc}")])
    table.columns = [str(c).strip().lower() for c in table.columns]
    missing = [c for c in COLUMNS if c not in table.columns]
    if missing:
        return AssessmentImport([RowError(1, c, "Kolom tidak ditemukan.") for c in missing])
    rows, errors, seen = [], [], {}
    for index, record in enumerate(table.to_dict("records")):
        baris = index + 2
        cells = {k: str(record.get(k, "")).strip() for k in COLUMNS}
        if not any(cells.values()):
            continue
        values, row_errors = validate_row(baris, cells)
        key = (cells["nik"], values.get("tahun_buku"))
        if key in seen:
            row_errors.append(
                RowError(baris, "nik", f"NIK dan tahun buku sama dengan baris {seen[key]}.")
            )
        seen.setdefault(key, baris)
        errors.extend(row_errors)
        rows.append(values)
    if not errors and not rows:
        errors.append(RowError(2, "-", "Berkas tidak berisi data."))
    if errors:
        return AssessmentImport(errors)
    return write_rows(actor, rows, filename)


def validate_row(baris: int, cells: dict[str, str]) -> tuple[dict, list[RowError]]:
    values: dict = {}
    errors: list[RowError] = []

    def fail(kolom: str, pesan: str) -> None:
        errors.append(RowError(baris, kolom, pesan))

    nik = cells["nik"].removesuffix(".0")
    values["cooperative"] = cooperative_by_nik(nik) if valid_nik(nik) else None
    if not valid_nik(nik):
        fail("nik", "NIK harus tepat 16 digit angka.")
    elif values["cooperative"] is None:
        fail("nik", f"Koperasi dengan NIK {nik} tidak terdaftar.")
    values["tahun_buku"] = parse_year(cells["tahun_buku"])
    if values["tahun_buku"] is None:
        fail("tahun_buku", f"Tahun buku harus antara {FIRST_YEAR} dan {datetime.now(UTC).year}.")
    values["predikat"] = parse_predikat(cells["predikat"])
    if values["predikat"] is None:
        fail(
            "predikat",
            "Predikat harus Sehat, Cukup Sehat, Dalam Pengawasan atau Dalam Pengawasan Khusus.",
        )
    values["skor"], ok = parse_score(cells["skor"])
    if not ok:
        fail("skor", "Skor harus angka 0–100 (boleh kosong).")
    try:
        values["tanggal"] = parse_date(cells["tanggal_penilaian"])
    except ValueError:
        fail("tanggal_penilaian", "Tanggal tidak valid (gunakan TTTT-BB-HH).")
    values["metode"] = parse_method(cells["metode"], values["tahun_buku"])
    if values["metode"] is None:
        fail("metode", f"Metode harus salah satu dari: {', '.join(m.value for m in Method)}.")
    if not errors:
        check_not_decided(values, fail)
    return values, errors


def parse_year(text: str) -> int | None:
    try:
        year = int(text.removesuffix(".0"))
    except ValueError:
        return None
    return year if FIRST_YEAR <= year <= datetime.now(UTC).year else None


def parse_score(text: str) -> tuple[Decimal | None, bool]:
    if not text:
        return None, True
    try:
        score = Decimal(text.replace(",", "."))
    except InvalidOperation:
        return None, False
    return score.quantize(Decimal("0.01")), Decimal(0) <= score <= Decimal(100)


def parse_method(text: str, year: int | None) -> Method | None:
    if not text:  # the method that covers the book year
        return Method.PERMENKOP_9_2020 if (year or 0) >= 2021 else Method.PERDEP_06_2016
    key = text.strip().lower()
    return next((m for m in Method if m.value == key), None)


def latest_report(cooperative_id: int, year: int) -> Report | None:
    query = select(Report).where(Report.cooperative_id == cooperative_id, Report.tahun_buku == year)
    return db.session.scalars(query.order_by(Report.version.desc()).limit(1)).first()


def check_not_decided(values: dict, fail) -> None:
    report = latest_report(values["cooperative"].id, values["tahun_buku"])
    if report is not None and any(a.status in DECIDED for a in report.assessments):
        fail("tahun_buku", "Laporan tahun buku ini sudah memiliki penilaian yang disetujui.")
    elif report is not None and pending_assessment(report) is not None:
        fail("tahun_buku", "Laporan tahun buku ini menunggu persetujuan kedua atas keputusan "
             "pengawas; penilaiannya tidak diimpor.")  # fmt: skip
    elif report is not None and report.status != ReportStatus.DISETUJUI and not report.imported:
        # a report in the pengurus's or the pengawas's hands is decided by review, not by a file
        fail("tahun_buku", f"Laporan tahun buku ini berstatus {report.status.label.lower()}: "
             "penilaiannya diputuskan pengawas lewat penilaian, bukan lewat impor.")  # fmt: skip


def write_rows(actor, rows: list[dict], filename: str) -> AssessmentImport:
    result = AssessmentImport()
    try:
        for values in rows:
            row = imported_assessment(values, filename)
            db.session.add(row)
            db.session.flush()
            audit.record(actor, "assessment.import", row, None, audit.snapshot(row, ("result",)))
            result.created += 1
        audit.record(
            actor,
            "assessment.import_file",
            None,
            None,
            {"berkas": filename, "dibuat": result.created},
        )
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return result


def imported_assessment(values: dict, filename: str) -> Assessment:
    coop, year = values["cooperative"], values["tahun_buku"]
    decided_at = datetime.combine(values["tanggal"], time(0), UTC)
    report = latest_report(coop.id, year)
    if report is None:
        report = Report(
            cooperative_id=coop.id,
            tahun_buku=year,
            status=ReportStatus.DISETUJUI,
            imported=True,
            data={"tahun_buku": year},
            approved_at=decided_at,
        )
        db.session.add(report)
    elif report.status != ReportStatus.DISETUJUI:  # a past report imported by the Dinas
        report.status, report.approved_at = ReportStatus.DISETUJUI, decided_at
    predikat: Predikat = values["predikat"]
    return Assessment(
        report=report,
        method=values["metode"],
        ruleset_id=values["metode"].value,
        ruleset_version="impor",
        ruleset_hash="-",
        result={"imported": True, "berkas": filename, "skor": str(values["skor"] or "")},
        total_score=values["skor"],
        predikat=predikat,
        engine_predikat=predikat,
        status=AssessmentStatus.IMPORTED,
        decided_at=decided_at,
    )

"""The staff's list of findings (/temuan/): filtered by status, severity, kecamatan and overdue,
paginated, and the same rows as CSV."""

from dataclasses import dataclass

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload
from werkzeug.datastructures import MultiDict

from sikomo import MAX_ID, deadlines
from sikomo.findings.operations import overdue
from sikomo.format import tanggal
from sikomo.models import Cooperative, Finding, FindingStatus, Severity
from sikomo.spreadsheet import columns

CSV_COLUMNS = columns("Nomor", "Koperasi", "NIK", "Kecamatan", ("Tahun buku", "year"),
                      ("Versi", "count"), "Kriteria", "Tingkat", "Status", "Batas tindak lanjut",
                      "Lewat batas", "Uraian", "Rekomendasi", "Dicatat")  # fmt: skip


@dataclass(frozen=True)
class Filters:
    status: FindingStatus | None = None
    severity: Severity | None = None
    region_id: int | None = None
    overdue: bool = False
    cooperative_id: int | None = None

    @property
    def args(self) -> dict:
        pairs = (("status", self.status and self.status.value),
                 ("tingkat", self.severity and self.severity.value),
                 ("kecamatan", self.region_id), ("lewat", "1" if self.overdue else None),
                 ("koperasi", self.cooperative_id))  # fmt: skip
        return {k: v for k, v in pairs if v}


def small_int(value: int | None) -> int | None:
    return value if value is not None and 0 < value <= MAX_ID else None


def filters_from(args: MultiDict) -> Filters:
    """What the URL asks for; a value that is not understood is left out."""
    status, severity = args.get("status", ""), args.get("tingkat", "")
    return Filters(
        status=FindingStatus(status) if status in set(FindingStatus) else None,
        severity=Severity(severity) if severity in set(Severity) else None,
        region_id=small_int(args.get("kecamatan", type=int)),
        overdue=args.get("lewat") == "1",
        cooperative_id=small_int(args.get("koperasi", type=int)),
    )


def query(filters: Filters) -> Select:
    q = (select(Finding).join(Finding.cooperative)
         .options(joinedload(Finding.cooperative).joinedload(Cooperative.region),
                  joinedload(Finding.report)))  # fmt: skip
    if filters.status:
        q = q.where(Finding.status == filters.status)
    if filters.severity:
        q = q.where(Finding.severity == filters.severity)
    if filters.region_id:
        q = q.where(Cooperative.region_id == filters.region_id)
    if filters.cooperative_id:
        q = q.where(Finding.cooperative_id == filters.cooperative_id)
    if filters.overdue:
        q = q.where(overdue())
    closed = Finding.status == FindingStatus.DITUTUP
    return q.order_by(closed, Finding.due_date, Finding.id)


def csv_rows(findings) -> list[list]:
    today = deadlines.today()
    return [
        [f.id, f.cooperative.nama, f.cooperative.nik or "", f.cooperative.kecamatan,
         f.report.tahun_buku, f.report.version, f.criterion, f.severity.label, f.status.label,
         tanggal(f.due_date), late_text(f, today), f.description, f.recommendation,
         tanggal(f.created_at)]
        for f in findings
    ]  # fmt: skip


def late_text(f: Finding, today) -> str:
    if f.status == FindingStatus.DITUTUP or f.due_date >= today:
        return "tidak"
    return f"{(today - f.due_date).days} hari"

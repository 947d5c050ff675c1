"""How late a cooperative's RAT report came, as the review queue, the review page, the register and
the pengurus's dashboard show it: "tepat waktu", "terlambat N hari" or the date it is due.

A report is a cooperative's tahun buku, whatever its versions: it came on time when any version
was submitted by its due date (sikomo/deadlines.py, from that version's RAT date), the rule of the
tepat-waktu indicator (sikomo/indicators/reporting.py); otherwise it is as late as its least late
version. Not sent yet, it is late by the days past its due date today.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from sikomo.deadlines import days_late, report_due
from sikomo.extensions import db
from sikomo.format import tanggal
from sikomo.models import Report, ReportStatus

SENT = (ReportStatus.DIAJUKAN, ReportStatus.DISETUJUI, ReportStatus.DIKEMBALIKAN)
BADGES = {
    "tepat": "ok",
    "terlambat": "flag flag-turun",
    "belum": "flag flag-turun",
    "menunggu": "off",
    "tanpa_waktu": "off",
}


@dataclass(frozen=True)
class Lateness:
    due: date
    days: int  # days late; 0 when on time or not due yet
    state: str  # a BADGES key

    @property
    def text(self) -> str:
        if self.state == "tepat":
            return "tepat waktu"
        if self.state == "terlambat":
            return f"terlambat {self.days} hari"
        if self.state == "belum":
            return f"terlambat {self.days} hari (belum diajukan)"
        if self.state == "menunggu":
            return f"batas: {tanggal(self.due)}"
        return "waktu pengajuan tidak tercatat"  # imported, or sent before times were kept

    @property
    def badge(self) -> str:
        return BADGES[self.state]


def judged(tahun_buku: int, versions: list) -> Lateness:
    """The lateness of one report from its versions (rows with status, imported, submitted_at,
    tanggal_rat; the newest first)."""
    timed = [
        (days_late(report_due(tahun_buku, v.tanggal_rat), v.submitted_at), v)
        for v in versions
        if v.status in SENT and not v.imported and v.submitted_at is not None
    ]
    if timed:
        days, best = min(timed, key=lambda pair: pair[0])
        due = report_due(tahun_buku, best.tanggal_rat)
        return Lateness(due, days, "terlambat" if days else "tepat")
    due = report_due(tahun_buku, versions[0].tanggal_rat if versions else None)
    if any(v.status in SENT or v.imported for v in versions):
        return Lateness(due, 0, "tanpa_waktu")
    days = days_late(due, None)
    return Lateness(due, days, "belum" if days else "menunggu")


def of_reports(reports: Iterable[Report]) -> dict[int, Lateness]:
    """{report id: its report's lateness} for report versions of any cooperatives, in one query."""
    reports = list(reports)
    keys = {(r.cooperative_id, r.tahun_buku) for r in reports}
    if not keys:
        return {}
    query = (
        select(Report.cooperative_id, Report.tahun_buku, Report.status, Report.imported,
               Report.submitted_at, Report.tanggal_rat)
        .where(Report.cooperative_id.in_({c for c, _ in keys}),
               Report.tahun_buku.in_({t for _, t in keys}))
        .order_by(Report.version.desc())
    )  # fmt: skip
    versions: dict[tuple[int, int], list] = {key: [] for key in keys}
    for row in db.session.execute(query):
        if (row.cooperative_id, row.tahun_buku) in versions:
            versions[(row.cooperative_id, row.tahun_buku)].append(row)
    judged_keys = {key: judged(key[1], rows) for key, rows in versions.items()}
    return {r.id: judged_keys[(r.cooperative_id, r.tahun_buku)] for r in reports}


def of_report(report: Report) -> Lateness:
    return of_reports([report])[report.id]

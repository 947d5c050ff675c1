"""The compliance board: what each kecamatan still owes for an indicator year (grouped queries).

Two of its counts follow the records of the year alone, and are stored with the year's counts
(series.py) under the same generation, per kecamatan and jenis: a change to a report or an
assessment notes its year (stale.py). The third, reports waiting for review for more than REVIEW_DAYS, moves with the clock
and is counted on every view, from an index on (status, submitted_at).
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, exists, func, select

from sikomo.extensions import db
from sikomo.findings.operations import overdue as finding_overdue
from sikomo.indicators.compute import on_register, one
from sikomo.indicators.facts import DECIDED, is_ksp
from sikomo.models import Assessment, Cooperative, Finding, Jenis, Region, Report, ReportStatus
from sikomo.status import IndicatorYear, indicator_year

REVIEW_DAYS = 30
COLUMNS = ("tanpa_laporan", "ksp_belum_dinilai", "menunggu_review")
OWED = COLUMNS[:2]  # per indicator year; stored


@dataclass(frozen=True)
class Scope:
    """The dashboard's filters: one kecamatan (region id) and one jenis, or all of them."""

    region_id: int | None = None
    jenis: Jenis | None = None

    def holds(self, region_id: int, jenis: str) -> bool:
        return (self.region_id in (None, region_id)) and (self.jenis in (None, jenis))

    @property
    def args(self) -> dict:
        """The URL arguments that ask for this scope (the dashboard's and the register's)."""
        return {k: v for k, v in (("kecamatan", self.region_id), ("jenis", self.jenis)) if v}


EVERYWHERE = Scope()


def owed_conditions(iy: IndicatorYear) -> dict:
    """Each owed count's condition on a cooperative on the register (members.py lists them)."""
    of_year = and_(
        Report.cooperative_id == Cooperative.id, Report.tahun_buku == iy.assessed_tahun_buku
    )
    assessed = exists().where(
        of_year, Assessment.report_id == Report.id, Assessment.status.in_(DECIDED)
    )
    return {
        "tanpa_laporan": ~exists().where(of_year),
        "ksp_belum_dinilai": and_(is_ksp(), ~assessed),
    }


def owed(year: int) -> list[list]:
    """[region id, jenis, tanpa laporan, KSP/USP belum dinilai] per kecamatan and jenis, of the
    cooperatives on the register in `year`: no report of the tahun buku it assesses, no decided
    assessment of one."""
    iy = indicator_year(year)
    wanted = owed_conditions(iy)
    query = (
        select(Cooperative.region_id, Cooperative.jenis, *(one(wanted[c]) for c in OWED))
        .where(on_register(Cooperative.tanggal_badan_hukum, iy))
        .group_by(Cooperative.region_id, Cooperative.jenis)
    )
    return [[region, Jenis(jenis).value, int(a), int(b)]
            for region, jenis, a, b in db.session.execute(query)]  # fmt: skip


def waiting_reports():
    """Reports diajukan more than REVIEW_DAYS ago (read from the status and submission index)."""
    cutoff = datetime.now(UTC) - timedelta(days=REVIEW_DAYS)
    return select(Report.cooperative_id).where(
        Report.status == ReportStatus.DIAJUKAN, Report.submitted_at < cutoff
    )


def waiting(scope: Scope = EVERYWHERE) -> dict[int, int]:
    """{region id: cooperatives (of the scope's jenis) with a report waiting, `waiting_reports`}."""
    query = (
        select(Cooperative.region_id, func.count(func.distinct(Cooperative.id)))
        .where(Cooperative.id.in_(waiting_reports()))
        .group_by(Cooperative.region_id)
    )
    if scope.jenis:
        query = query.where(Cooperative.jenis == scope.jenis)
    return dict(db.session.execute(query).all())


def compliance_rows(owed_rows: list[list], scope: Scope = EVERYWHERE) -> list[dict]:
    """Per kecamatan of the scope (`name`, `region_id`, in name order), each of COLUMNS, from the
    rows of `owed`."""
    regions = db.session.execute(select(Region.id, Region.kecamatan).order_by(Region.kecamatan))
    by_region: dict[int, list[int]] = {}
    for region, jenis, *counts in owed_rows:
        if scope.holds(region, jenis):
            summed = by_region.setdefault(region, [0, 0])
            summed[0], summed[1] = summed[0] + counts[0], summed[1] + counts[1]
    late, findings = waiting(scope), overdue_findings(scope)
    return [
        {"name": name, "region_id": region,
         **dict(zip(OWED, by_region.get(region, [0, 0]), strict=True)),
         "menunggu_review": late.get(region, 0), "temuan_lewat_batas": findings.get(region, 0)}
        for region, name in regions if scope.region_id in (None, region)
    ]  # fmt: skip


def overdue_findings(scope: Scope = EVERYWHERE) -> dict[int, int]:
    """{region id: findings (temuan) past their due date and not closed}, one grouped query (the
    clock moves it: counted on every view, from the finding's status and due-date index)."""
    query = (select(Cooperative.region_id, func.count(Finding.id))
             .join(Cooperative, Cooperative.id == Finding.cooperative_id)
             .where(finding_overdue()).group_by(Cooperative.region_id))  # fmt: skip
    if scope.jenis:
        query = query.where(Cooperative.jenis == scope.jenis)
    return dict(db.session.execute(query).all())

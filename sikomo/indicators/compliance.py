"""The compliance board: what each kecamatan still owes for an indicator year (grouped queries).

Two of its counts follow the records of the year alone, and are stored with the year's counts
(series.py) under the same generation: a change to a report or an assessment notes its year
(stale.py). The third, reports waiting for review for more than REVIEW_DAYS, moves with the clock
and is counted on every view, from an index on (status, submitted_at).
"""

from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, exists, func, or_, select

from sikomo.extensions import db
from sikomo.indicators.compute import on_register, one
from sikomo.indicators.facts import DECIDED
from sikomo.models import Assessment, Cooperative, Jenis, Region, Report, ReportStatus
from sikomo.status import indicator_year

REVIEW_DAYS = 30
COLUMNS = ("tanpa_laporan", "ksp_belum_dinilai", "menunggu_review")
OWED = COLUMNS[:2]  # per indicator year; stored


def owed(year: int) -> list[list[int]]:
    """[region id, tanpa laporan, KSP/USP belum dinilai] per kecamatan, of the cooperatives on
    the register in `year`: no report of the tahun buku it assesses, no decided assessment of one."""
    iy = indicator_year(year)
    of_year = and_(
        Report.cooperative_id == Cooperative.id, Report.tahun_buku == iy.assessed_tahun_buku
    )
    assessed = exists().where(
        of_year, Assessment.report_id == Report.id, Assessment.status.in_(DECIDED)
    )
    ksp = or_(Cooperative.simpan_pinjam.is_(True), Cooperative.jenis.in_((Jenis.KSP, Jenis.USP)))
    query = (
        select(Cooperative.region_id, one(~exists().where(of_year)), one(and_(ksp, ~assessed)))
        .where(on_register(Cooperative.tanggal_badan_hukum, iy))
        .group_by(Cooperative.region_id)
    )
    return [[region, int(a), int(b)] for region, a, b in db.session.execute(query)]


def waiting() -> dict[int, int]:
    """{region id: cooperatives with a report diajukan more than REVIEW_DAYS ago}."""
    cutoff = datetime.now(UTC) - timedelta(days=REVIEW_DAYS)
    query = (
        select(Cooperative.region_id, func.count(func.distinct(Cooperative.id)))
        .join(Report, Report.cooperative_id == Cooperative.id)
        .where(Report.status == ReportStatus.DIAJUKAN, Report.submitted_at < cutoff)
        .group_by(Cooperative.region_id)
    )
    return dict(db.session.execute(query).all())


def compliance_rows(owed_rows: list[list[int]]) -> list[dict]:
    """Per kecamatan (`name`, in name order), each of COLUMNS, from the rows of `owed`."""
    regions = db.session.execute(select(Region.id, Region.kecamatan).order_by(Region.kecamatan))
    by_region = {region: counts for region, *counts in owed_rows}
    late = waiting()
    return [
        {"name": name, **dict(zip(OWED, by_region.get(region, [0, 0]), strict=True)),
         "menunggu_review": late.get(region, 0)}
        for region, name in regions
    ]  # fmt: skip

"""The compliance board: what each kecamatan still owes for an indicator year (grouped queries)."""

from datetime import UTC, datetime, timedelta

import pandas as pd
from sqlalchemy import and_, exists, func, or_, select

from sikomo.extensions import db
from sikomo.indicators.facts import DECIDED
from sikomo.models import Assessment, Cooperative, Jenis, Region, Report, ReportStatus
from sikomo.status import indicator_year

REVIEW_DAYS = 30
COLUMNS = ("tanpa_laporan", "ksp_belum_dinilai", "menunggu_review")


def per_kecamatan(condition, *joins) -> dict[str, int]:
    query = select(Region.kecamatan, func.count(func.distinct(Cooperative.id))).join(
        Region, Region.id == Cooperative.region_id
    )
    for target, on in joins:
        query = query.join(target, on)
    return dict(db.session.execute(query.where(condition).group_by(Region.kecamatan)).all())


def compliance_frame(year: int, kecamatan: list[str]) -> pd.DataFrame:
    tahun_buku = indicator_year(year).assessed_tahun_buku
    has_report = exists().where(
        Report.cooperative_id == Cooperative.id, Report.tahun_buku == tahun_buku
    )
    assessed = exists().where(
        Report.cooperative_id == Cooperative.id,
        Report.tahun_buku == tahun_buku,
        Assessment.report_id == Report.id,
        Assessment.status.in_(DECIDED),
    )
    ksp = or_(Cooperative.simpan_pinjam.is_(True), Cooperative.jenis.in_((Jenis.KSP, Jenis.USP)))
    cutoff = datetime.now(UTC) - timedelta(days=REVIEW_DAYS)
    waiting = and_(Report.status == ReportStatus.DIAJUKAN, Report.submitted_at < cutoff)
    counts = {
        "tanpa_laporan": per_kecamatan(~has_report),
        "ksp_belum_dinilai": per_kecamatan(and_(ksp, ~assessed)),
        "menunggu_review": per_kecamatan(
            waiting, (Report, Report.cooperative_id == Cooperative.id)
        ),
    }
    frame = pd.DataFrame(counts).reindex(kecamatan).fillna(0).astype("int64")
    frame.index.name = "kecamatan"
    return frame

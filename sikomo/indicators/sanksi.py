"""Calon sanksi: cooperatives that sent no RAT report for two consecutive tahun buku.

A cooperative is listed for tahun buku T when it was on the register by the end of T - 1 (so it
owed both reports) and sent neither the report of T - 1 nor that of T, by the rule of "laporan
masuk" (reporting.py: a draft is not sent). Missing one year is not enough. The list is read for
the latest tahun buku whose report is overdue today (its RAT deadline plus batas_lapor_hari has
passed), unless another is asked for.
"""

from datetime import date

from sqlalchemy import Select, and_, func, not_, select
from sqlalchemy.orm import joinedload

from sikomo.deadlines import report_due, today
from sikomo.extensions import db
from sikomo.indicators import reporting
from sikomo.indicators.compliance import EVERYWHERE, Scope
from sikomo.models import Cooperative, Region, Report
from sikomo.status import indicator_year


def latest_overdue(on: date | None = None) -> int:
    """The latest tahun buku whose report (without a RAT date) was due before `on` (today)."""
    on = on or today()
    tahun_buku = on.year - 1
    while report_due(tahun_buku, None) >= on:
        tahun_buku -= 1
    return tahun_buku


def condition(tahun_buku: int):
    """The enclosing query's cooperative owed the reports of T - 1 and T and sent neither."""
    owed_both = reporting.expected(indicator_year(tahun_buku))  # on the register by end of T - 1
    return and_(owed_both, not_(reporting.sent(tahun_buku)), not_(reporting.sent(tahun_buku - 1)))


def candidates(tahun_buku: int, scope: Scope = EVERYWHERE) -> Select:
    """The calon sanksi of `tahun_buku` in the scope, by kecamatan and name."""
    query = (
        select(Cooperative)
        .join(Region, Region.id == Cooperative.region_id)
        .where(condition(tahun_buku))
        .options(joinedload(Cooperative.region))
        .order_by(Region.kecamatan, Cooperative.nama, Cooperative.id)
    )
    if scope.region_id:
        query = query.where(Cooperative.region_id == scope.region_id)
    if scope.jenis:
        query = query.where(Cooperative.jenis == scope.jenis)
    return query


def count(tahun_buku: int, scope: Scope = EVERYWHERE) -> int:
    query = candidates(tahun_buku, scope).with_only_columns(Cooperative.id).order_by(None)
    return db.session.scalar(select(func.count()).select_from(query.subquery()))


def last_sent(ids: list[int]) -> dict[int, int]:
    """{cooperative id: the latest tahun buku it sent a report of} for these cooperatives."""
    if not ids:
        return {}
    query = (
        select(Report.cooperative_id, func.max(Report.tahun_buku))
        .where(
            Report.cooperative_id.in_(ids),
            (Report.status.in_(reporting.SENT_STATUSES)) | Report.imported.is_(True),
        )
        .group_by(Report.cooperative_id)
    )
    return dict(db.session.execute(query).all())


def is_candidate(cooperative_id: int, tahun_buku: int | None = None) -> bool:
    tahun_buku = latest_overdue() if tahun_buku is None else tahun_buku
    query = select(Cooperative.id).where(Cooperative.id == cooperative_id, condition(tahun_buku))
    return db.session.scalar(query) is not None

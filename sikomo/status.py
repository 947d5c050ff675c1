"""Derived cooperative status: aktif when RAT was held for the last N consecutive book years."""

from sqlalchemy import Select, func, select

from sikomo.extensions import db
from sikomo.models import Report
from sikomo.settings import get_setting


def reference_year() -> int | None:
    """The latest book year with any report; the status is judged as of that year."""
    return db.session.scalar(select(func.max(Report.tahun_buku)))


def aktif_ids_query(year: int, window: int) -> Select:
    """Ids of cooperatives with a RAT date in a report of each book year year-window+1 .. year."""
    years = range(year - window + 1, year + 1)
    return (
        select(Report.cooperative_id)
        .where(
            Report.tahun_buku.in_(years),
            Report.data["tanggal_rat"].as_string().is_not(None),
            Report.data["tanggal_rat"].as_string() != "",
        )
        .group_by(Report.cooperative_id)
        .having(func.count(func.distinct(Report.tahun_buku)) == window)
    )


def aktif_ids(year: int | None = None, window: int | None = None) -> set[int]:
    year = year if year is not None else reference_year()
    if year is None:
        return set()
    window = window if window is not None else int(get_setting("aktif_window"))
    return set(db.session.scalars(aktif_ids_query(year, window)))


def is_aktif(cooperative_id: int, year: int | None = None, window: int | None = None) -> bool:
    return cooperative_id in aktif_ids(year, window)

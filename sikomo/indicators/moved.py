"""Cooperatives whose older report version counts for a year instead of the newest one.

A correction can move a report's RAT out of the years an indicator year looks at; the older
version, whose RAT was in them, then counts there. The facts are read from the newest version
only, so the indicators compute these few cooperatives from their report rows (compute.py).

Finding them is an existence check over every report version (about 100 ms of 200,000
cooperatives on PostgreSQL). The facts refresh knows which cooperatives it recomputes, so it
stores their flags (`IndicatorMoved`) for every aktif window the settings allow, and the
indicators read that tiny table; a larger window, given explicitly, runs the check.
"""

from collections.abc import Iterable
from datetime import date

from sqlalchemy import Select, and_, exists, or_, select
from sqlalchemy.orm import aliased

from sikomo.models import COUNTED_REPORT_STATUSES, IndicatorMoved, Report
from sikomo.status import IndicatorYear, counted_report, indicator_year

MAX_WINDOW = 5  # the largest aktif window the settings accept


def years_looked_at(iy: IndicatorYear) -> tuple[date, date]:
    return date(min(iy.window_years[0], iy.year - 1), 1, 1), date(iy.year, 12, 31)


def older_version_counts(iy: IndicatorYear):
    """A counted version with no newer counted version whose RAT falls in the years looked at."""
    newer = aliased(Report)
    return and_(
        counted_report(),
        ~exists().where(
            newer.cooperative_id == Report.cooperative_id,
            newer.tahun_buku == Report.tahun_buku,
            newer.version > Report.version,
            or_(newer.status.in_(COUNTED_REPORT_STATUSES), newer.imported.is_(True)),
            newer.tanggal_rat.between(*years_looked_at(iy)),
        ),
    )


def moved_in_reports(iy: IndicatorYear) -> Select:
    """The moved cooperatives of `iy`, found in the report rows: what the flags must equal."""
    return select(Report.cooperative_id).where(
        Report.counted_latest.is_(False),
        Report.tanggal_rat.between(*years_looked_at(iy)),
        older_version_counts(iy),
    )


def moved(iy: IndicatorYear, among: list[int] | None = None) -> Select:
    """Ids of the moved cooperatives of `iy` (of `among` only): the stored flags where kept."""
    if iy.window > MAX_WINDOW:
        query, column = moved_in_reports(iy), Report.cooperative_id
    else:
        flag = IndicatorMoved
        query = select(flag.cooperative_id).where(
            flag.year == iy.year, flag.aktif_window == iy.window
        )
        column = flag.cooperative_id
    return query if among is None else query.where(column.in_(among))


def versions_query(cooperatives):
    """The counted versions of the reports (of the `cooperatives` clause) that have an older
    counted version with a RAT date: the only ones an older version of which can count."""
    older = aliased(Report)
    return select(
        Report.cooperative_id,
        Report.tahun_buku,
        Report.version,
        Report.tanggal_rat,
        Report.counted_latest,
    ).where(
        cooperatives,
        counted_report(),
        exists().where(
            older.cooperative_id == Report.cooperative_id,
            older.tahun_buku == Report.tahun_buku,
            older.counted_latest.is_(False),
            older.tanggal_rat.is_not(None),
            or_(older.status.in_(COUNTED_REPORT_STATUSES), older.imported.is_(True)),
        ),
    )


def moved_flags(connection, cooperatives) -> list[dict]:
    """The `IndicatorMoved` rows of the cooperatives the clause selects, worked out in Python
    from their counted versions as `moved_in_reports` does in SQL."""
    reports: dict[tuple[int, int], list] = {}
    for row in connection.execute(versions_query(cooperatives)):
        reports.setdefault((row.cooperative_id, row.tahun_buku), []).append(row)
    flags = set()
    for (cooperative_id, _), versions in reports.items():
        for year, window in candidates(versions):
            if older_counts(versions, indicator_year(year, window)):
                flags.add((year, window, cooperative_id))
    return [{"year": y, "aktif_window": w, "cooperative_id": c} for y, w, c in sorted(flags)]


def candidates(versions) -> Iterable[tuple[int, int]]:
    """(year, window) pairs whose years looked at hold a RAT of one of the versions."""
    held = [v.tanggal_rat.year for v in versions if v.tanggal_rat is not None]
    for year in range(min(held), max(held) + MAX_WINDOW + 1):
        yield from ((year, window) for window in range(1, MAX_WINDOW + 1))


def older_counts(versions, iy: IndicatorYear) -> bool:
    """Whether the newest version whose RAT falls in the years looked at is not the newest."""
    first, last = years_looked_at(iy)
    inside = [v for v in versions if v.tanggal_rat is not None and first <= v.tanggal_rat <= last]
    return bool(inside) and not max(inside, key=lambda v: v.version).counted_latest

"""Prior-year figures (decisions.md item 20): a `_lalu` field left blank takes the value of the
cooperative's own report of the previous tahun buku.

That "previous report" is, of the versions of tahun buku N - 1, the newest approved one, else the
newest counted one (submitted or imported). The form, the Excel template, the bulk import and the
API fill blanks through `fill_lalu`; the indicator facts apply the same rule in SQL
(`preference`, `counted`).
"""

from collections.abc import Collection, Iterable, Mapping
from copy import deepcopy
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select

from scoring.schema import lalu_twins
from sikomo.extensions import db
from sikomo.models import COUNTED_REPORT_STATUSES, Report, ReportStatus

CHUNK = 500  # cooperative ids per IN list
SOURCES = (
    "_sumber_lalu"  # report data key: {twin: "dari laporan tahun buku N"} where each came from
)


def source_text(year: int) -> str:
    return f"dari laporan tahun buku {year}"


def counted(report=Report) -> ColumnElement[bool]:
    """A version that counts (submitted, approved or imported), of `Report` or an alias of it."""
    return or_(report.status.in_(COUNTED_REPORT_STATUSES), report.imported.is_(True))


def preference(report=Report) -> tuple:
    """ORDER BY of the counted versions of one report: the first is the previous report."""
    return case((report.status == ReportStatus.DISETUJUI, 0), else_=1), report.version.desc()


LOOK_UP = object()  # a `previous` argument not given: look last year's report up


def previous_report(
    cooperative_id: int, tahun_buku: int, approved_only: bool = False
) -> Report | None:
    """The cooperative's report of tahun buku N - 1: newest approved, else newest counted.
    With `approved_only`, the newest approved version or none."""
    wanted = Report.status == ReportStatus.DISETUJUI if approved_only else counted()
    return db.session.scalar(
        select(Report)
        .where(
            Report.cooperative_id == cooperative_id,
            Report.tahun_buku == tahun_buku - 1,
            wanted,
        )
        .order_by(*preference())
        .limit(1)
    )


def previous_reports(
    keys: Iterable[tuple[int, int]], approved_only: bool = False
) -> dict[tuple[int, int], Report]:
    """`previous_report` of many (cooperative_id, tahun_buku) pairs: one query per year and 500
    cooperatives. With `approved_only`, the newest approved version or none."""
    by_year: dict[int, set[int]] = {}
    for cooperative_id, tahun_buku in keys:
        by_year.setdefault(tahun_buku, set()).add(cooperative_id)
    found: dict[tuple[int, int], Report] = {}
    for tahun_buku, ids in sorted(by_year.items()):
        ordered = sorted(ids)
        for start in range(0, len(ordered), CHUNK):
            for report in db.session.scalars(
                _first_versions(tahun_buku - 1, ordered[start : start + CHUNK], approved_only)
            ):
                found[(report.cooperative_id, tahun_buku)] = report
    return found


def _first_versions(tahun_buku: int, ids: list[int], approved_only: bool):
    wanted = Report.status == ReportStatus.DISETUJUI if approved_only else counted()
    rank = func.row_number().over(partition_by=Report.cooperative_id, order_by=preference())
    ranked = (
        select(Report.id, rank.label("rank"))
        .where(Report.tahun_buku == tahun_buku, Report.cooperative_id.in_(ids), wanted)
        .subquery()
    )
    return select(Report).join(ranked, and_(ranked.c.id == Report.id, ranked.c.rank == 1))


def is_figure(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def fill_lalu(
    data: Mapping[str, Any],
    previous_data: Mapping[str, Any] | None,
    previous_year: int,
    typed: Collection[str] = (),
) -> tuple[dict[str, Any], dict[str, str]]:
    """A copy of `data` whose blank `_lalu` twins take the previous report's figures, and
    {twin: where its value came from}. A value in `data`, or a key in `typed` (text typed but
    not yet readable), is never replaced."""
    filled = (
        {k: deepcopy(v) if isinstance(v, dict | list) else v for k, v in data.items()}
        if isinstance(data, Mapping)
        else {}
    )
    if not isinstance(previous_data, Mapping):
        return filled, {}
    sources: dict[str, str] = {}
    for twin, base in lalu_twins().items():
        value = previous_data.get(base)
        if filled.get(twin) is None and twin not in typed and is_figure(value):
            filled[twin] = value
            sources[twin] = source_text(previous_year)
    return filled, sources


def fill_from_previous(
    report_or_data: Report | Mapping[str, Any],
    cooperative_id: int,
    tahun_buku: int,
    typed: Collection[str] = (),
    previous: Report | None | object = LOOK_UP,
) -> tuple[dict[str, Any], dict[str, str]]:
    """`fill_lalu` of a report (or its data) from the cooperative's previous report;
    `previous` is that report (or None) when the caller fetched many at once."""
    if isinstance(report_or_data, Report):
        report_or_data = report_or_data.data or {}
    if previous is LOOK_UP:
        previous = previous_report(cooperative_id, tahun_buku)
    previous_data = previous.data if previous is not None else None
    return fill_lalu(report_or_data, previous_data, tahun_buku - 1, typed)

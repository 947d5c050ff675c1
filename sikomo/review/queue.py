"""The review queue: reports with their risk flags, filtered, ordered by risk and paginated."""

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import defer, joinedload
from werkzeug.datastructures import MultiDict

from sikomo import MAX_ID, lateness
from sikomo.assignments.operations import assignees
from sikomo.extensions import db
from sikomo.findings.operations import overdue_by_cooperative
from sikomo.matching import contains, starts_with
from sikomo.models import (
    Assessment,
    AssessmentStatus,
    Assignment,
    Cooperative,
    Jenis,
    Predikat,
    Report,
    ReportScore,
    ReportStatus,
    User,
)
from sikomo.review import scores
from sikomo.review.rows import FLAGS, QueueRow
from sikomo.review.values import PREDIKAT_RANK
from sikomo.settings import get_setting
from sikomo.supervision.operations import badges as early_warnings

QUEUE_STATUSES = (ReportStatus.DIAJUKAN, ReportStatus.DIKEMBALIKAN, ReportStatus.DISETUJUI)
__all__ = ["FLAGS", "QUEUE_STATUSES", "Page", "QueueFilters", "QueueRow", "queue_page"]


@dataclass(frozen=True)
class QueueFilters:
    region_id: int | None = None
    jenis: Jenis | None = None
    status: ReportStatus | None = ReportStatus.DIAJUKAN  # None: every queue status
    predikat: Predikat | None = None
    flag: str = ""
    tahun: int | None = None
    q: str = ""  # part of the cooperative's name, or the start of its NIK
    overdue: bool = False  # diajukan and waiting longer than the batas_tunggu_hari setting
    tugas: str = ""  # "saya": assigned to `user_id`; "belum": assigned to nobody
    resubmitted: bool = False  # a later version: corrected after a return (or an approval)
    # A first decision waits for a second user (four-eyes): "1" any, "lain" one `user_id` did
    # not make (what they can confirm).
    held: str = ""
    sort: str = "risiko"  # a SORTS key, "-" before it for the reverse order
    user_id: int | None = None


@dataclass(frozen=True)
class Page:
    items: list[QueueRow]
    page: int
    per_page: int
    total: int
    computing: int = 0  # stale rows left to the background: their risk order is not known yet
    assignees: dict[int, User] = field(default_factory=dict)  # report id: its pengawas
    held: dict[int, int] = field(default_factory=dict)  # report id: who decided, held (four-eyes)
    late: dict[int, lateness.Lateness] = field(default_factory=dict)  # report id: how late it came
    findings_late: dict[int, int] = field(default_factory=dict)  # cooperative id: overdue temuan
    # report id: [(tingkat, label)] of its cooperative's early warnings (sikomo/supervision)
    warnings: dict[int, list[tuple[str, str]]] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


# urut= : the stored rows' columns a page is read in, each with its natural direction (the
# riskiest, the longest waiting, the lowest score, A to Z first); "-key" reverses it. Ties
# fall to the report id, so pages never overlap.
SORTS = {
    "risiko": ("risk", "desc"),
    "tunggu": ("waiting", "asc"),
    "skor": ("score", "asc"),
    "nama": ("nama", "asc"),
}


SORT_LABELS = {  # the queue's sort select, in each direction
    "risiko": "Risiko tertinggi dulu", "-risiko": "Risiko terendah dulu",
    "tunggu": "Paling lama menunggu dulu", "-tunggu": "Paling baru diajukan dulu",
    "skor": "Skor terendah dulu", "-skor": "Skor tertinggi dulu",
    "nama": "Nama koperasi A–Z", "-nama": "Nama koperasi Z–A",
}  # fmt: skip
SORT_ARIA = {
    "risiko": "descending",
    "tunggu": "ascending",
    "skor": "ascending",
    "nama": "ascending",
}


def sort_order(sort: str) -> list:
    key, reverse = sort.lstrip("-"), sort.startswith("-")
    column, direction = SORTS[key]
    if reverse:
        direction = "asc" if direction == "desc" else "desc"
    first = getattr(getattr(ReportScore, column), direction)()
    if column == "score":  # not scored: last, whichever way
        first = first.nulls_last()
    ties = [ReportScore.waiting, ReportScore.report_id] if key == "risiko" else []
    return [first, *ties] if ties else [first, ReportScore.report_id]


def small_int(value: int | None) -> int | None:
    """A filter number the database can compare (a huge one matches nothing, so it is dropped)."""
    return value if value is not None and abs(value) <= MAX_ID else None


def filters_from(args: MultiDict, user_id: int) -> QueueFilters:
    """The filters a queue URL asks for, as `user_id` sees them; what is not understood is left
    out (the queue page, and the worklist's links and counts, read the same arguments)."""
    jenis, status, predikat = (
        args.get("jenis", ""),
        args.get("status", "diajukan"),
        args.get("predikat", ""),
    )
    return QueueFilters(
        region_id=small_int(args.get("kecamatan", type=int)),
        jenis=Jenis(jenis) if jenis in set(Jenis) else None,
        status=ReportStatus(status) if status in set(QUEUE_STATUSES) else None,
        predikat=Predikat(predikat) if predikat in set(Predikat) else None,
        flag=args.get("flag", "") if args.get("flag") in FLAGS else "",
        tahun=small_int(args.get("tahun", type=int)),
        q=" ".join(args.get("q", "").split())[:100],
        overdue=args.get("lama") == "1",
        tugas=args.get("tugas", "") if args.get("tugas") in ("saya", "belum") else "",
        resubmitted=args.get("ulang") == "1",
        held=args.get("kedua", "") if args.get("kedua") in ("1", "lain") else "",
        sort=args.get("urut", "") if args.get("urut", "").lstrip("-") in SORTS else "risiko",
        user_id=user_id,
    )


def queue_query(filters: QueueFilters) -> Select:
    """The reports the filters select on their own columns (the status, the register)."""
    statuses = (filters.status,) if filters.status else QUEUE_STATUSES
    query = select(Report).where(Report.status.in_(statuses))
    if filters.region_id or filters.jenis:  # the register's columns: joined only when asked
        query = query.join(Report.cooperative)
    if filters.region_id:
        query = query.where(Cooperative.region_id == filters.region_id)
    if filters.jenis:
        query = query.where(Cooperative.jenis == filters.jenis)
    if filters.tahun:
        query = query.where(Report.tahun_buku == filters.tahun)
    if filters.q:
        query = query.where(Report.cooperative_id.in_(matching(filters.q)))
    if filters.overdue:
        query = query.where(Report.status == ReportStatus.DIAJUKAN, waited_since(overdue_since()))
    if (mine := assigned(Report.id, filters)) is not None:
        query = query.where(mine)
    if filters.resubmitted:
        query = query.where(Report.version > 1)
    if filters.held:
        query = query.where(Report.id.in_(held_ids(filters)))
    return query


def held_ids(filters: QueueFilters | None = None) -> Select:
    """The reports with a decision held for a second user (few: read from the status index);
    with kedua=lain only those decided by someone other than the filters' user."""
    query = select(Assessment.report_id).where(Assessment.status == AssessmentStatus.PENDING)
    if filters is not None and filters.held == "lain":
        query = query.where(Assessment.decided_by_id.is_distinct_from(filters.user_id))
    return query


def held_by(report_ids: list[int]) -> dict[int, int]:
    """Who made each of these reports' held decision, in one query (a queue page)."""
    if not report_ids:
        return {}
    query = held_ids().add_columns(Assessment.decided_by_id)
    return dict(db.session.execute(query.where(Assessment.report_id.in_(report_ids))).all())


def assigned(report_id, filters: QueueFilters):
    """The condition on `report_id` the tugas filter makes, None without one."""
    taken = select(Assignment.report_id)
    if filters.tugas == "saya":
        return report_id.in_(taken.where(Assignment.user_id == filters.user_id))
    if filters.tugas == "belum":
        return report_id.not_in(taken)
    return None


def matching(text: str) -> Select:
    """The ids of the cooperatives whose name contains `text` (any case) or whose NIK starts
    with it; LIKE wildcards typed in it match themselves."""
    by_name, by_nik = contains(Cooperative.nama, text), starts_with(Cooperative.nik, text)
    return select(Cooperative.id).where(or_(by_name, by_nik))


def waited_since(moment: datetime):
    """The report has waited since before `moment`, by the stored rows' `waiting` (its submission,
    else its last change): the submitted ones read the status and submission index alone."""
    unsubmitted = Report.submitted_at.is_(None)
    since = func.coalesce(Report.updated_at, Report.created_at) < moment
    return or_(Report.submitted_at < moment, unsubmitted & since)


def overdue_since() -> datetime:
    """Reports submitted before this moment have waited longer than the setting allows."""
    return datetime.now(UTC) - timedelta(days=int(get_setting("batas_tunggu_hari")))


def scored_query(filters: QueueFilters) -> Select:
    """The matching reports' ids, the riskiest first, then the longest waiting, read from the
    stored rows alone (their narrow columns and covering indexes): every report has one once
    `scores.ensure` has run. A provisional report matches every predikat its range spans."""
    statuses = (filters.status,) if filters.status else QUEUE_STATUSES
    query = select(ReportScore.report_id).where(scores.current(), ReportScore.status.in_(statuses))
    for column, value in (("region_id", filters.region_id), ("jenis", filters.jenis),
                          ("tahun_buku", filters.tahun)):  # fmt: skip
        if value:
            query = query.where(getattr(ReportScore, column) == value)
    if filters.q:
        mine = select(Report.id).where(Report.cooperative_id.in_(matching(filters.q)))
        query = query.where(ReportScore.report_id.in_(mine))
    if filters.overdue:
        query = query.where(ReportScore.status == ReportStatus.DIAJUKAN,
                            ReportScore.waiting < overdue_since())  # fmt: skip
    if (mine := assigned(ReportScore.report_id, filters)) is not None:
        query = query.where(mine)
    if filters.resubmitted:
        query = query.where(ReportScore.report_id.in_(select(Report.id).where(Report.version > 1)))
    if filters.held:
        query = query.where(ReportScore.report_id.in_(held_ids(filters)))
    return ordered(query, filters)


def joined_query(filters: QueueFilters) -> Select:
    """`scored_query` while rows are still being computed in the background: every matching
    report, its row joined where there is one; a missing one sorts first (computed when read)."""
    query = queue_query(filters).with_only_columns(Report.id)
    query = query.outerjoin(ReportScore, scores.fresh())
    return ordered(query, filters, missing_first=True)


def ordered(query: Select, filters: QueueFilters, missing_first: bool = False) -> Select:
    if filters.predikat:
        rank = PREDIKAT_RANK[filters.predikat]
        query = query.where(ReportScore.rank_best <= rank, ReportScore.rank_worst >= rank)
    if filters.flag:
        query = query.where(ReportScore.flags.contains(f" {filters.flag} "))
    order = sort_order(filters.sort)
    if missing_first:  # a report without its row yet sorts first (it is computed when read)
        return query.order_by(ReportScore.report_id.is_(None).desc(), *order[:-1], Report.id)
    return query.order_by(*order)


def rows_of(query: Select) -> list[QueueRow]:
    """The rows of a scored query, its reports loaded apart: the sort reads narrow columns only
    (rows still missing are computed on the way)."""
    found = list(db.session.scalars(query))
    load = select(Report).where(Report.id.in_(found))
    load = load.options(joinedload(Report.cooperative).joinedload(Cooperative.region),
                        defer(Report.data))  # a stored row is shown from its summary  # fmt: skip
    reports = {r.id: r for r in db.session.scalars(load).unique()}
    summaries = scores.summaries(found)
    return scores.queue_rows((reports[report_id], summaries.get(report_id)) for report_id in found)


def queue_page(filters: QueueFilters, page: int, per_page: int) -> Page:
    statuses = (filters.status,) if filters.status else QUEUE_STATUSES
    total = scores.stored_count(statuses)
    if total is not None:
        computing, query = 0, scored_query(filters)
    else:  # computed now, or in the background: a row dropped meanwhile is computed when read
        computing, query = scores.ensure(queue_query(filters)), joined_query(filters)
    unfiltered = QueueFilters(status=filters.status, sort=filters.sort, user_id=filters.user_id)
    if total is None or filters != unfiltered:
        total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    page = min(max(1, page), max(1, math.ceil(total / per_page)))
    rows = rows_of(query.limit(per_page).offset((page - 1) * per_page))
    ids = [r.report.id for r in rows]
    late = lateness.of_reports(r.report for r in rows)
    findings_late = overdue_by_cooperative({r.report.cooperative_id for r in rows})
    warnings = early_warnings([r.report for r in rows])  # one query for the page
    return Page(rows, page, per_page, total, computing, assignees(ids), held_by(ids), late,
                findings_late, warnings)  # fmt: skip


WORKLIST = {  # a pengawas's home: what waits for them, each the queue URL that lists it
    "Tugas saya": {"tugas": "saya"},
    "Belum ditugaskan": {"tugas": "belum"},
    "Terlambat ditinjau": {"lama": "1"},
    "Diperbaiki dan diajukan lagi": {"ulang": "1"},
    "Menunggu persetujuan kedua": {"kedua": "lain"},  # decided by another pengawas
}
DINAS_WORKLIST = {  # the Dinas confirms held decisions and assigns what nobody has taken
    label: WORKLIST[label]
    for label in ("Menunggu persetujuan kedua", "Belum ditugaskan", "Terlambat ditinjau")
}


def worklist(user_id: int, buckets=WORKLIST) -> list[tuple[str, dict[str, str], int]]:
    """(label, queue URL arguments, number of diajukan reports) of each bucket."""
    counted = []
    for label, args in buckets.items():
        filters = filters_from(MultiDict(args), user_id)
        query = queue_query(filters).with_only_columns(Report.id)
        counted.append(
            (label, args, db.session.scalar(select(func.count()).select_from(query.subquery())))
        )
    return counted


def refresh_queued(everything: bool = False) -> int:
    """Store the rows of every report the queue can show that has none current (`everything`:
    recompute them all); the number written. What `flask --app sikomo refresh-scores` does."""
    reports = select(Report).where(Report.status.in_(QUEUE_STATUSES))
    if everything:
        return scores.refresh(list(db.session.scalars(reports.with_only_columns(Report.id))))
    return scores.refresh(scores.stale_ids(reports))


def build_queue(filters: QueueFilters) -> list[QueueRow]:
    """Every matching row, in queue order (the CLI and tests; pages use `queue_page`)."""
    scores.refresh(scores.stale_ids(queue_query(filters)))
    return rows_of(joined_query(filters))

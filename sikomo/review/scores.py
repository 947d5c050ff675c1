"""The engine run once per report version: `ReportScore` rows, refreshed when missing or stale.

A row holds what the review queue sorts and filters by (its risk, flags and predikat ranks, the
report's status and tahun buku, the cooperative's kecamatan and jenis) and, in `ReportResult`,
what it shows (rows.QueueRow as a summary) and the full live result the review page explains. It is
derived data: `refresh` writes the rows a page needs that are missing or were written by another
engine version (the rulesets, the report schema, FORMAT); the flush listener at the bottom drops
the rows of every cooperative a flush touched — a report, its review (corrections, *tidak
berlaku*), an assessment, the cooperative's jenis — since last year's figures and predikat feed
this year's row. So a GET never shows a result its inputs no longer give.
"""

import hashlib
import threading
from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any

from flask import current_app
from sqlalchemy import Select, delete, event, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, joinedload, selectinload, undefer

import scoring
from scoring.ruleset import builtin_rulesets
from scoring.schema import SCHEMA_PATH
from sikomo import prior_year
from sikomo.extensions import db
from sikomo.models import (
    Assessment,
    Cooperative,
    Report,
    ReportResult,
    ReportScore,
    ReportStatus,
    Review,
)
from sikomo.models.base import utcnow
from sikomo.review.operations import decided_assessment, live_result
from sikomo.review.rows import QueueRow, previous_assessments, queue_row

FORMAT = 2  # bump when what a row holds, or how the engine computes, changes without a ruleset
CHUNK = 500  # reports computed and written per step; ids per IN list
SYNC_LIMIT = 500  # stale rows a page computes before answering; more go to the background
_background = threading.Lock()


@cache
def engine_version() -> str:
    """A fingerprint of everything a stored row was computed with."""
    parts = [f"format={FORMAT}", SCHEMA_PATH.read_text(encoding="utf-8")]
    parts += [f"{key}={rs.content_hash}" for key, rs in sorted(builtin_rulesets().items())]
    return "v1:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()[:40]


# A decided report's row read its assessment, not the engine: no ruleset makes it stale.
FROM_ASSESSMENT = f"assessment:{FORMAT}"


def current():
    return ReportScore.engine_version.in_((engine_version(), FROM_ASSESSMENT))


def fresh():
    """The join condition of a report with its current row (stale rows join as missing)."""
    return (ReportScore.report_id == Report.id) & current()


def stale_ids(reports: Select) -> list[int]:
    """The ids among `reports` (a select of Report) that have no current row."""
    ids = reports.with_only_columns(Report.id).order_by(None)
    ids = ids.outerjoin(ReportScore, fresh()).where(ReportScore.report_id.is_(None))
    return list(db.session.scalars(ids))


def stored_count(statuses: Sequence[ReportStatus]) -> int | None:
    """The number of reports of these statuses if every one has its current row, else None.

    Without joining the two tables: a row carries its report's status while it exists (a change
    to the report drops it), so the count of such reports and of such current rows agree then.
    """
    reports = select(func.count()).select_from(Report).where(Report.status.in_(statuses))
    rows = select(func.count()).select_from(ReportScore)
    rows = rows.where(ReportScore.status.in_(statuses), current())
    count = db.session.scalar(reports)
    return count if count == db.session.scalar(rows) else None


def ensure(reports: Select) -> int:
    """Bring the rows of `reports` up to date; the number left to a background refresh.

    Up to SYNC_LIMIT stale rows are computed now (a few seconds at most); more — after an import
    or an upgrade without `refresh-scores` — are computed by one background thread, and the page
    says so meanwhile instead of making its reader wait a minute.
    """
    stale = stale_ids(reports)
    if len(stale) <= SYNC_LIMIT:
        refresh(stale)
        return 0
    start_background(stale)
    return len(stale)


def start_background(report_ids: list[int]) -> bool:
    """Refresh these rows in a thread of this process, unless one is running; True if started."""
    if not _background.acquire(blocking=False):
        return False
    app = current_app._get_current_object()

    def run() -> None:
        try:
            with app.app_context():
                refresh(report_ids)
        except Exception:  # the pages compute what is still missing; never lose the lock
            app.logger.exception("Penghitungan hasil mesin di latar belakang gagal")
        finally:
            _background.release()

    threading.Thread(target=run, name="sikomo-refresh-scores", daemon=True).start()
    return True


def refresh(report_ids: Sequence[int]) -> int:
    """Compute and store the rows of these reports, CHUNK at a time; commits. The number
    computed (a row whose cooperative another request is changing is left to the next read)."""
    for chunk in chunks(list(report_ids)):
        storable = hold(chunk)
        rows = [
            computed(r, previous, last_year) for r, previous, last_year in with_context(load(chunk))
        ]
        write([row for row in rows if row["report_id"] in storable])
        db.session.commit()
    return len(report_ids)


def hold(report_ids: Sequence[int]) -> set[int]:
    """Keep what these reports' rows are computed from unchanged until this transaction ends,
    before it is read; the ids whose rows may then be stored.

    Otherwise a change committed between the read and the write would be dropped before the
    rows it made stale were written, and they would stay. PostgreSQL: a share lock on each
    cooperative, which `drop` takes exclusively; one a change holds now is skipped, never
    waited for (its rows are computed, shown and left unstored). SQLite: the write transaction
    begun now, by removing the rows about to be replaced, so a change waits for this one, or
    this one for the change, whose result it then reads."""
    if db.session.get_bind().dialect.name != "postgresql":
        for model in (ReportScore, ReportResult):
            db.session.execute(delete(model).where(model.report_id.in_(report_ids)))
        return set(report_ids)
    owners = select(Report.cooperative_id).where(Report.id.in_(report_ids))
    free = select(Cooperative.id).where(Cooperative.id.in_(owners)).order_by(Cooperative.id)
    free = free.with_for_update(read=True, skip_locked=True)
    held = select(Report.id).where(Report.id.in_(report_ids), Report.cooperative_id.in_(free))
    return set(db.session.scalars(held))


def load(ids: Sequence[int]) -> list[Report]:
    """The reports as committed now (objects the session holds are read again)."""
    query = (
        select(Report)
        .where(Report.id.in_(ids))
        .options(
            joinedload(Report.cooperative).joinedload(Cooperative.region),
            selectinload(Report.review),
            selectinload(Report.assessments),
        )
        .execution_options(populate_existing=True)
    )
    return list(db.session.scalars(query).unique())


def with_context(reports: list[Report]) -> Iterable[tuple]:
    """Each report with last year's decided assessment and last year's report, fetched at once."""
    previous = previous_assessments(reports)
    last_year = prior_year.previous_reports((r.cooperative_id, r.tahun_buku) for r in reports)
    for r in reports:
        key = (r.cooperative_id, r.tahun_buku)
        yield r, previous.get((r.cooperative_id, r.tahun_buku - 1)), last_year.get(key)


def computed(report: Report, previous: Assessment | None, last_year, live: bool = False):
    """A report's row as column values. A decided report's queue row reads its assessment, so
    the engine runs only when `live` asks for the explained result too; others run it once."""
    if not live and report.status == ReportStatus.DISETUJUI and decided_assessment(report):
        return values(report.id, queue_row(report, previous, last_year), None, live=False)
    try:
        result, error = live_result(report, last_year), ""
    except scoring.ScoringError as exc:
        result, error = None, str(exc)
    # a refused report: queue_row runs the engine again to flag it (rare, and cheap)
    row = queue_row(report, previous, last_year, result if not error else prior_year.LOOK_UP)
    return values(report.id, row, result)


def values(report_id: int, row: QueueRow, result, live: bool = True) -> dict[str, Any]:
    """`live`: `result` is the live result (None when not scored or refused), not left out."""
    best, worst = row.ranks()
    report = row.report
    return {
        "report_id": report_id,
        "engine_version": engine_version() if live else FROM_ASSESSMENT,
        "status": report.status,
        "tahun_buku": report.tahun_buku,
        "region_id": report.cooperative.region_id,
        "jenis": report.cooperative.jenis,
        "risk": row.risk,
        "waiting": report.submitted_at or report.updated_at or report.created_at,
        "flags": " " + " ".join(f.code for f in row.flags) + " ",
        "rank_best": best,
        "rank_worst": worst,
        "score": row.sort_score,
        "nama": report.cooperative.nama[:200],
        "summary": row.to_summary() | {"live": live},
        "result": result.to_dict() if result is not None else None,
        "computed_at": utcnow(),
    }


WIDE = ("summary", "result")  # the columns of ReportResult


def write(rows: list[dict[str, Any]]) -> None:
    """Insert or replace rows: two requests may compute the same report at the same time."""
    if not rows:
        return
    narrow = [{k: v for k, v in row.items() if k not in WIDE} for row in rows]
    wide = [{"report_id": row["report_id"], **{k: row[k] for k in WIDE}} for row in rows]
    upsert(ReportScore, narrow)
    upsert(ReportResult, wide)


def upsert(model, rows: list[dict[str, Any]]) -> None:
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(model)
    columns = {k: statement.excluded[k] for k in rows[0] if k != "report_id"}
    db.session.execute(statement.on_conflict_do_update(index_elements=["report_id"], set_=columns),
                       rows)  # fmt: skip


def summaries(report_ids: Sequence[int]) -> dict[int, dict]:
    """The current rows' summaries of these reports (a page's worth)."""
    found = {}
    for chunk in chunks(list(report_ids)):
        query = (
            select(ReportResult.report_id, ReportResult.summary)
            .join(ReportScore, ReportScore.report_id == ReportResult.report_id)
            .where(ReportResult.report_id.in_(chunk), current())
        )
        found.update(dict(db.session.execute(query).all()))
    return found


def queue_rows(pairs: Iterable[tuple[Report, dict | None]]) -> list[QueueRow]:
    """Rows read back from summaries; a report whose row went missing meanwhile is computed."""
    pairs = list(pairs)
    missing = [r for r, summary in pairs if summary is None]
    computed_now = {}
    if missing:
        for r, previous, last_year in with_context(missing):
            computed_now[r.id] = computed(r, previous, last_year)["summary"]
    return [QueueRow.from_summary(r, s if s is not None else computed_now[r.id]) for r, s in pairs]


def for_report(report: Report, store: bool) -> tuple[QueueRow, scoring.Assessment | None, str]:
    """The report's queue row, live result and engine error, from its row when current.

    `store`: write a computed row (a GET, whose session holds nothing else to commit).
    """
    stored = db.session.scalar(
        select(ReportResult)
        .join(ReportScore, ReportScore.report_id == ReportResult.report_id)
        .where(ReportResult.report_id == report.id, current())
        .options(undefer(ReportResult.result))
    )
    if stored is not None and stored.summary.get("live"):
        row = QueueRow.from_summary(report, stored.summary)
        result = read_result(stored.result)
        if result is not None or stored.result is None:
            return row, result, row.error
    storable = hold([report.id]) if store else set()
    fresh = load([report.id]) if store else [report]  # re-read only what will be stored
    (report_, previous, last_year), = with_context(fresh)  # fmt: skip
    computed_row = computed(report_, previous, last_year, live=True)
    if store:
        write([computed_row] if report.id in storable else [])
        db.session.commit()
    row = QueueRow.from_summary(report, computed_row["summary"])
    return row, read_result(computed_row["result"]), row.error


def read_result(data: dict[str, Any] | None) -> scoring.Assessment | None:
    if data is None:
        return None
    try:
        return scoring.Assessment.from_dict(data)
    except (KeyError, TypeError):
        return None


# What a flush must change for rows to be dropped: any column of these, for their cooperative.
WATCHED = (Report, Review, Assessment, Cooperative)


def touched(session: Session) -> tuple[set[int], set[int]]:
    """(cooperative ids, report ids) whose rows this flush may have made stale: every report of
    those cooperatives, and of these reports' cooperatives, and these reports themselves."""
    coops: set[int | None] = set()
    reports: set[int | None] = set()
    changed = [o for o in session.dirty if isinstance(o, WATCHED) and session.is_modified(o)]
    for obj in (*session.new, *session.deleted, *changed):
        if isinstance(obj, Report):
            coops.add(obj.cooperative_id)
            if obj in session.deleted:
                reports.add(obj.id)  # no longer listed under its cooperative
        elif isinstance(obj, Cooperative):
            coops.add(obj.id)
        elif isinstance(obj, Review | Assessment):
            reports.add(obj.report_id)
    coops.discard(None)
    reports.discard(None)
    return coops, reports  # type: ignore[return-value]


def drop(connection, coops: set[int], reports: set[int]) -> None:
    report = Report.__table__
    if connection.dialect.name == "postgresql":  # wait for rows being computed (`hold`)
        lock(connection, coops, reports)
    for table in (ReportScore.__table__, ReportResult.__table__):
        for chunk in chunks(sorted(coops)):
            ids = select(report.c.id).where(report.c.cooperative_id.in_(chunk))
            connection.execute(delete(table).where(table.c.report_id.in_(ids)))
        for chunk in chunks(sorted(reports)):
            owners = select(report.c.cooperative_id).where(report.c.id.in_(chunk))
            ids = select(report.c.id).where(report.c.cooperative_id.in_(owners))
            connection.execute(delete(table).where(or_(table.c.report_id.in_(chunk),
                                                       table.c.report_id.in_(ids))))  # fmt: skip


def lock(connection, coops: set[int], reports: set[int]) -> None:
    """Take the cooperatives these changes touch from every `hold`, in id order (no deadlock
    between two changes); a report's foreign key check does not conflict with either lock."""
    cooperative, report = Cooperative.__table__, Report.__table__
    owners = set(coops)
    for chunk in chunks(sorted(reports)):
        owners.update(
            connection.scalars(select(report.c.cooperative_id).where(report.c.id.in_(chunk)))
        )
    for chunk in chunks(sorted(owners)):
        locked = select(cooperative.c.id).where(cooperative.c.id.in_(chunk))
        connection.execute(locked.order_by(cooperative.c.id).with_for_update(key_share=True))


def chunks(ids: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


@event.listens_for(Session, "after_flush")
def _drop_touched(session: Session, flush_context) -> None:
    coops, reports = touched(session)
    if coops or reports:
        drop(session.connection(), coops, reports)

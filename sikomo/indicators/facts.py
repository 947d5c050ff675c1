"""What each cooperative contributes to the indicators of each year, stored and kept in step.

The indicators of year Y need, per cooperative on the register: how many years running it has
held its RAT up to Y, the volume usaha of the RATs held in Y and in Y - 1, whether that report
grew, and whether its latest decided assessment of the tahun buku counted in Y is sehat. Working
that out from the report versions of 200,000 cooperatives takes about a second; reading one stored
row per cooperative takes a fraction (benchmarks/indicators.py).

The rows (`IndicatorFact`) are derived data: the listeners at the bottom recompute them for every
cooperative a transaction touched, before it commits, and `rebuild` recomputes them all
(`flask --app sikomo indicator-facts`, loaders that write with Core inserts; the migration that
made the table fills it with a frozen copy of this code). They are read from the newest counted
version of each report (`report.counted_latest`); the rare cooperative whose older version counts
instead is computed from its report rows (compute.py).

Growth compares a report's figure with its `_lalu` twin or, where that is blank, with the
previous tahun buku's report (decisions.md item 20, the rule of `sikomo/prior_year.py`). Facts are
refreshed per cooperative, so a change to the report of N - 1 refreshes the growth of N too.

The same refresh stores the cooperative's moved flags (moved.py) and notes the years whose facts
or flags it changed, whose stored trend counts the commit then drops (stale.py).
"""

from collections.abc import Iterable, Sequence

from sqlalchemy import (
    BigInteger,
    Integer,
    and_,
    case,
    cast,
    delete,
    event,
    extract,
    func,
    insert,
    null,
    or_,
    select,
    text,
)
from sqlalchemy import inspect as inspect_state
from sqlalchemy.orm import Session, aliased

from sikomo.indicators import stale
from sikomo.indicators.moved import moved_flags
from sikomo.indicators.stale import changed
from sikomo.models import (
    COUNTED_REPORT_STATUSES,
    Assessment,
    AssessmentStatus,
    Cooperative,
    IndicatorFact,
    IndicatorMoved,
    Jenis,
    Predikat,
    Report,
)
from sikomo.prior_year import counted, preference
from sikomo.status import indicator_year_assessing

SEHAT = (Predikat.SEHAT, Predikat.CUKUP_SEHAT)
DECIDED = (AssessmentStatus.APPROVED, AssessmentStatus.IMPORTED)
# Berkualitas: the report of the RAT grew, by the criterion chosen in the settings.
GROWTH_CRITERIA = {
    "volume_usaha": ("volume_usaha",),
    "total_aset": ("total_aset",),
    "volume_usaha_dan_aset": ("volume_usaha", "total_aset"),
}
GROWTH = [f"grew_{c}" for c in GROWTH_CRITERIA]
# A fact row before anything is known: no RAT, no volume, not assessed.
EMPTY = {"streak": 0, "volume": 0, "volume_prev": 0, "sehat": None} | dict.fromkeys(GROWTH, False)
CHUNK = 500  # cooperative ids per IN list
REBUILD_SPAN = 50_000  # cooperative ids per pass of a rebuild


def grew(criterion: str):
    """The berkualitas growth test on a report: each figure above its prior-year figure."""
    keys = GROWTH_CRITERIA[criterion]
    return and_(*(getattr(Report, k) > prior_figure(k) for k in keys))


def prior_figure(key: str):
    """The report's `_lalu` twin of `key`, else the previous report's `key`: looked up only where
    the twin is blank and the report's own figure is not (without it nothing grew)."""
    lalu = getattr(Report, f"{key}_lalu")
    return case(
        (lalu.is_not(None), lalu),
        (getattr(Report, key).is_(None), null()),
        else_=previous_figure(key),
    )


def previous_figure(key: str):
    """`key` of the enclosing report row's previous report: the cooperative's counted report of
    tahun buku N - 1, approved first, else the newest."""
    before = aliased(Report)
    return (
        select(getattr(before, key))
        .where(
            before.cooperative_id == Report.cooperative_id,
            before.tahun_buku == Report.tahun_buku - 1,
            counted(before),
        )
        .order_by(*preference(before))
        .limit(1)
        .correlate(Report)
        .scalar_subquery()
    )


def is_ksp():
    return or_(Cooperative.simpan_pinjam.is_(True), Cooperative.jenis.in_((Jenis.KSP, Jenis.USP)))


def latest_sehat():
    """Of the decided assessments aggregated: 1 if the latest (highest id) is sehat, else 0.

    `max(id * 2 + sehat)` carries that row's sehat bit along with its id, so the row need not be
    joined back; NULL when there is none (not dinilai).
    """
    sehat_bit = case((Assessment.predikat.in_(SEHAT), 1), else_=0)
    return func.max(cast(Assessment.id, BigInteger) * 2 + sehat_bit) % 2


def among(column, ids: Sequence[int]):
    if isinstance(ids, range):
        return column.between(ids.start, ids.stop - 1)
    return column.in_(list(ids))


def held_query(ids: Sequence[int]):
    """Per cooperative and year in which it held a RAT: volume usaha and growth of those reports."""
    year = cast(extract("year", Report.tanggal_rat), Integer)
    return (
        select(
            Report.cooperative_id,
            year.label("year"),
            func.coalesce(func.sum(Report.volume_usaha), 0).label("volume"),
            *(func.max(case((grew(c), 1), else_=0)).label(f"grew_{c}") for c in GROWTH_CRITERIA),
        )
        .where(
            Report.counted_latest.is_(True),
            Report.tanggal_rat.is_not(None),
            among(Report.cooperative_id, ids),
        )
        .group_by(Report.cooperative_id, year)
        .order_by(Report.cooperative_id, year)
    )


def assessed_query(ids: Sequence[int]):
    """Per cooperative and tahun buku: whether its latest decided assessment is sehat."""
    return (
        select(Report.cooperative_id, Report.tahun_buku, latest_sehat().label("sehat"))
        .join(Assessment, Assessment.report_id == Report.id)
        .where(Assessment.status.in_(DECIDED), among(Report.cooperative_id, ids))
        .group_by(Report.cooperative_id, Report.tahun_buku)
    )


def register_query(ids: Sequence[int]):
    return select(
        Cooperative.id.label("cooperative_id"),
        Cooperative.region_id,
        Cooperative.jenis,
        is_ksp().label("ksp"),
        Cooperative.tanggal_badan_hukum,
    ).where(among(Cooperative.id, ids))


def compute_facts(connection, ids: Sequence[int]) -> list[dict]:
    """The fact rows of the given cooperatives, one per year in which anything counts."""
    register = {
        row.cooperative_id: row._asdict() for row in connection.execute(register_query(ids))
    }
    facts: dict[tuple[int, int], dict] = {}

    def fact(cooperative_id: int, year: int) -> dict:
        return facts.setdefault((cooperative_id, year), dict(EMPTY))

    last = None  # (cooperative_id, year, streak) of the previous row
    for row in connection.execute(held_query(ids)):
        cooperative_id, year, volume = row.cooperative_id, int(row.year), int(row.volume)
        streak = last[2] + 1 if last and last[:2] == (cooperative_id, year - 1) else 1
        fact(cooperative_id, year).update(
            streak=streak, volume=volume, **{c: bool(row._mapping[c]) for c in GROWTH}
        )
        fact(cooperative_id, year + 1)["volume_prev"] = volume
        last = (cooperative_id, year, streak)
    for cooperative_id, tahun_buku, sehat in connection.execute(assessed_query(ids)):
        fact(cooperative_id, indicator_year_assessing(tahun_buku))["sehat"] = int(sehat)
    return [
        {**register[cooperative_id], "year": year, **values}
        for (cooperative_id, year), values in facts.items()
        if cooperative_id in register
    ]


def write_facts(connection, ids: Sequence[int]) -> tuple[list[dict], list[dict]]:
    """Replace the stored facts and moved flags of the given cooperatives; the rows written."""
    facts = compute_facts(connection, ids)
    flags = moved_flags(connection, among(Report.cooperative_id, ids))
    for table, rows in ((IndicatorFact.__table__, facts), (IndicatorMoved.__table__, flags)):
        connection.execute(delete(table).where(among(table.c.cooperative_id, ids)))
        for start in range(0, len(rows), 10_000):
            connection.execute(insert(table), rows[start : start + 10_000])
    return facts, flags


def stored(connection, ids: Sequence[int]) -> tuple[list[dict], list[dict]]:
    """The facts and moved flags stored for the given cooperatives, as `write_facts` gives them."""

    def rows(table) -> list[dict]:
        query = select(table).where(among(table.c.cooperative_id, ids))
        return [row._asdict() for row in connection.execute(query)]

    return rows(IndicatorFact.__table__), rows(IndicatorMoved.__table__)


def changed_years(
    before: tuple[list[dict], list[dict]], after: tuple[list[dict], list[dict]]
) -> set[int]:
    """Years whose counts a rewrite of facts and flags may change: a fact row that differs, and
    every year flagged moved (those count from the report rows, which the facts do not show)."""
    facts = [{(r["cooperative_id"], r["year"]): r for r in rows} for rows in (before[0], after[0])]
    years = {
        key[1]
        for key in facts[0].keys() | facts[1].keys()
        if facts[0].get(key) != facts[1].get(key)
    }
    return years | {flag["year"] for flag in (*before[1], *after[1])}


def without_jit(connection) -> None:
    """PostgreSQL costs the prior-year lookups as if every row made them, then JIT-compiles the
    query for longer than it runs; JIT stays off for the rest of this transaction."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SET LOCAL jit = off"))


def refresh_facts(connection, ids: Iterable[int]) -> set[int]:
    """Recompute the facts of the given cooperatives; the years whose counts may have changed."""
    ordered, years = sorted(set(ids)), set()
    if ordered:
        without_jit(connection)
    for start in range(0, len(ordered), CHUNK):
        chunk = ordered[start : start + CHUNK]
        lock(connection, chunk)
        before = stored(connection, chunk)
        years |= changed_years(before, write_facts(connection, chunk))
    return years


def lock(connection, ids: list[int]) -> None:
    """Wait for other transactions refreshing these cooperatives, so what they committed is read.

    PostgreSQL row locks taken in id order (FOR NO KEY UPDATE: inserts of reports that refer to
    the cooperative are not held up); SQLite has one writer at a time and ignores the clause.
    """
    query = select(Cooperative.id).where(Cooperative.id.in_(ids)).order_by(Cooperative.id)
    connection.execute(query.with_for_update(key_share=True))


def rebuild(connection) -> int:
    """Recompute every stored fact and moved flag; the number of fact rows."""
    without_jit(connection)
    connection.execute(delete(IndicatorFact.__table__))
    connection.execute(delete(IndicatorMoved.__table__))
    last = connection.scalar(select(func.max(Cooperative.id))) or 0
    rows = sum(
        len(write_facts(connection, range(first, min(first + REBUILD_SPAN, last + 1)))[0])
        for first in range(1, last + 1, REBUILD_SPAN)
    )
    stale.invalidate(connection, stale.YEARS)  # loaded around the ORM: no year's counts hold
    return rows


# What a flush must change for a cooperative's facts to change.
INPUTS = {
    Report: (
        "cooperative_id",
        "tahun_buku",
        "version",
        "status",
        "imported",
        "tanggal_rat",
        "volume_usaha",
        "volume_usaha_lalu",
        "total_aset",
        "total_aset_lalu",
    ),  # fmt: skip
    Assessment: ("report_id", "status", "predikat"),
    Cooperative: ("region_id", "jenis", "simpan_pinjam", "tanggal_badan_hukum"),
}


def previous(obj, name: str):
    history = inspect_state(obj).attrs[name].history
    return (history.deleted or history.unchanged or history.added or [None])[0]


def counts(report: Report) -> bool:
    return report.imported or report.status in COUNTED_REPORT_STATUSES


def touched(session: Session) -> set[int]:
    """The cooperatives whose facts this flush may have changed."""
    ids: set[int | None] = set()
    report_ids: set[int | None] = set()
    for obj in session.new:
        if isinstance(obj, Report) and counts(obj):
            ids.add(obj.cooperative_id)
        elif isinstance(obj, Assessment):
            report_ids.add(obj.report_id)
    for obj in session.deleted:
        if isinstance(obj, Report | Cooperative):
            ids.add(obj.cooperative_id if isinstance(obj, Report) else obj.id)
        elif isinstance(obj, Assessment):
            report_ids.add(obj.report_id)
    for obj in session.dirty:
        names = INPUTS.get(type(obj))
        if not names or not changed(obj, names):
            continue
        if isinstance(obj, Report):
            if counts(obj) or changed(obj, ("status", "imported")):
                ids.update((obj.cooperative_id, previous(obj, "cooperative_id")))
        elif isinstance(obj, Assessment):
            report_ids.update((obj.report_id, previous(obj, "report_id")))
        else:
            ids.add(obj.id)
    report_ids.discard(None)
    ordered = sorted(report_ids)
    for start in range(0, len(ordered), CHUNK):
        query = select(Report.cooperative_id).where(Report.id.in_(ordered[start : start + CHUNK]))
        ids.update(session.connection().scalars(query))
    ids.discard(None)
    return ids  # type: ignore[return-value]


PENDING = "indicator_facts_pending"  # session.info key: cooperatives flushed, facts not yet


@event.listens_for(Session, "after_flush")
def _note_touched(session: Session, flush_context) -> None:
    """Note the cooperatives a flush touched; their facts are refreshed once, by `settle`."""
    ids = touched(session)
    if ids:
        session.info.setdefault(PENDING, set()).update(ids)


def settle(session: Session) -> None:
    """Bring the facts up to date with what this transaction wrote (after `counted_latest`).

    Runs before every commit and before the indicators read the facts, so a bulk import that
    flushes row by row recomputes each cooperative once, not once per flush. Inside a savepoint
    the cooperatives stay noted: the savepoint may yet be rolled back, the transaction not.
    """
    session.flush()
    ids = session.info.get(PENDING)
    if ids:
        stale.note(session, refresh_facts(session.connection(), ids))
    if not session.in_nested_transaction():
        session.info.pop(PENDING, None)


@event.listens_for(Session, "before_commit")
def _settle_and_invalidate(session: Session) -> None:
    """Facts first, then the stored trend counts of the years they changed, in one transaction."""
    settle(session)
    stale.commit_noted(session)


@event.listens_for(Session, "after_soft_rollback")
def _forget_touched(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:  # the whole transaction, not a savepoint
        session.info.pop(PENDING, None)

"""Which years' stored indicator counts a transaction changes, and dropping them as it commits.

The stored counts of a year (`IndicatorSeries`, series.py) hold while their `generation` is the
year's current one. A transaction notes the years it may change: those whose facts or moved
flags its refreshes rewrote with other values (facts.py); for a change to the register, every
year from the cooperative's founding on (binaan, KSP/USP and koperasi baru count the register,
per kecamatan and jenis); and for a report or a decision on one, the year that assesses its tahun
buku (the compliance board counts reports of any status, compliance.py; the reporting counts
their status, submission and RAT date, reporting.py). A change to the deadline settings raises
every year (office settings).
Just before it commits, in the same transaction, it raises their generations (`invalidate`), so
every worker process sees the change and the counts it makes stale at the same moment.
"""

from collections.abc import Iterable
from datetime import date

from sqlalchemy import event, select
from sqlalchemy import inspect as inspect_state
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from sikomo.models import Assessment, Cooperative, IndicatorSeries, Report
from sikomo.status import indicator_year_assessing

YEARS = range(2000, 2101)  # the indicator years the app shows; others are never stored
STALE = "indicator_series_stale"  # session.info key: years this transaction changed
CHUNK = 1000  # report ids per lookup
# What the register counts read: binaan, KSP/USP and koperasi baru per kecamatan and jenis.
REGISTER = ("region_id", "jenis", "simpan_pinjam", "tanggal_badan_hukum")
# What the compliance board and the reporting counts (reporting.py: sent, on time) read of a report.
REPORTED = ("tahun_buku", "cooperative_id", "status", "imported", "submitted_at", "tanggal_rat")


def note(session: Session, years: Iterable[int]) -> None:
    session.info.setdefault(STALE, set()).update(years)


def noted(session: Session) -> set[int]:
    return session.info.get(STALE, set())


def upsert(connection):
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    return dialect.insert(IndicatorSeries.__table__)


def invalidate(connection, years: Iterable[int]) -> None:
    """Raise the generation of the given years: the counts stored for them no longer hold.

    A year without a row gets one, so that counts a reader is computing meanwhile are not
    stored as holding; rows are taken in year order, so two committers never deadlock.
    """
    wanted = sorted(set(years) & set(YEARS))
    if not wanted:
        return
    table = IndicatorSeries.__table__
    statement = upsert(connection).values([{"year": y, "generation": 1} for y in wanted])
    connection.execute(
        statement.on_conflict_do_update(
            index_elements=["year"], set_={"generation": table.c.generation + 1}
        )
    )


def commit_noted(session: Session) -> None:
    """Invalidate the noted years; called just before the transaction (not a savepoint) commits."""
    if session.in_nested_transaction():
        return
    years = session.info.pop(STALE, None)
    if years:
        invalidate(session.connection(), years)


def values(obj, name: str) -> list:
    """The attribute's value before this flush and after it (the same when unchanged)."""
    history = inspect_state(obj).attrs[name].history
    return [*history.deleted, *history.unchanged, *history.added]


def register_years(session: Session) -> set[int]:
    """Every year from the founding of each cooperative whose register entry this flush changed."""
    founded: list[date | None] = []
    for obj in (*session.new, *session.deleted):
        if isinstance(obj, Cooperative):
            founded.extend(values(obj, "tanggal_badan_hukum") or [None])
    for obj in session.dirty:
        if isinstance(obj, Cooperative) and any(
            inspect_state(obj).attrs[name].history.has_changes() for name in REGISTER
        ):
            founded.extend(values(obj, "tanggal_badan_hukum") or [None])
    if not founded:
        return set()
    # No badan hukum date: on the register in every year.
    first = YEARS.start if None in founded else min(d.year for d in founded if d is not None)
    return set(range(max(first, YEARS.start), YEARS.stop))


def changed(obj, names: Iterable[str]) -> bool:
    """Whether any of these attributes changed in this flush."""
    attrs = inspect_state(obj).attrs
    return any(attrs[name].history.has_changes() for name in names)


def report_years(session: Session) -> set[int]:
    """The indicator years whose compliance and reporting counts (compliance.owed, reporting.py)
    this flush may change: a report of the tahun buku assessed made, removed, moved, sent or
    redated (whatever its status), a decision on one made or undone."""
    tahun_buku: set[int] = set()
    report_ids: set[int] = set()
    for obj in (*session.new, *session.deleted):
        if isinstance(obj, Report):
            tahun_buku.add(obj.tahun_buku)
        elif isinstance(obj, Assessment):
            report_ids.add(obj.report_id)
    for obj in session.dirty:
        if isinstance(obj, Report) and changed(obj, REPORTED):
            tahun_buku.update(values(obj, "tahun_buku"))
        elif isinstance(obj, Assessment) and changed(obj, ("status", "report_id")):
            report_ids.update(values(obj, "report_id"))
    report_ids.discard(None)
    ordered = sorted(report_ids)
    for start in range(0, len(ordered), CHUNK):
        query = select(Report.tahun_buku).where(Report.id.in_(ordered[start : start + CHUNK]))
        tahun_buku.update(session.connection().scalars(query))
    tahun_buku.discard(None)
    return {indicator_year_assessing(t) for t in tahun_buku}


@event.listens_for(Session, "after_flush")
def _note_register(session: Session, flush_context) -> None:
    years = register_years(session) | report_years(session)
    if years:
        note(session, years)


@event.listens_for(Session, "after_soft_rollback")
def _forget_noted(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:  # the whole transaction, not a savepoint
        session.info.pop(STALE, None)

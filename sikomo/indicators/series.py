"""The yearly counts behind the dashboard's trend, stored and read back while they hold.

Recomputing every indicator of every year on each view cost most of the dashboard's time. The
counts of a year change only when a commit changes them, and that commit raises the year's
generation (stale.py), so each year's counts are stored with the generation they were computed
at and read back while it is still the current one, by every worker process alike.

A reader notes the generations before it computes and stores with `WHERE generation = noted`:
counts computed while a change was committing never hold. It stores in its own short
transaction, and only when its own transaction has written nothing: what it computed then is what
every other transaction sees too, and the caller's work is neither committed nor waited for.
"""

from datetime import UTC, datetime

from sqlalchemy import Connection, select, text, update
from sqlalchemy.orm import Session

from sikomo.extensions import db
from sikomo.indicators.compute import COUNTS, group_counts, totals
from sikomo.indicators.facts import settle
from sikomo.indicators.stale import YEARS, noted, upsert
from sikomo.models import IndicatorSeries
from sikomo.settings import get_setting

Counts = dict[str, int]


def yearly_counts(years: list[int], given: dict[int, Counts] | None = None) -> dict[int, Counts]:
    """The province-wide counts of each year: given, else stored while they hold, else computed
    (and stored for the next reader)."""
    session = db.session()
    settle(session)  # this transaction's own changes: in the facts, their years noted
    settings = current_settings()
    kept = stored(years, settings)  # before anything is computed
    changed, counts, fresh = noted(session), dict(given or {}), {}
    for year in years:
        if year in counts:
            continue
        generation, held = kept.get(year, (None, None))
        if held is not None and year not in changed:
            counts[year] = held
        else:
            counts[year] = totals(group_counts(year))
            fresh[year] = (generation, counts[year])
    if fresh and not wrote(session):
        store(fresh, settings)
    return counts


def current_settings() -> dict:
    return {
        "aktif_window": int(get_setting("aktif_window")),
        "berkualitas_criterion": str(get_setting("berkualitas_criterion")),
    }


def stored(years: list[int], settings: dict) -> dict[int, tuple[int, Counts | None]]:
    """{year: (generation, its counts if they hold, else None)} of the years that have a row."""
    table = IndicatorSeries.__table__
    rows = db.session.execute(select(table).where(table.c.year.in_(years)))
    kept = {}
    for row in rows:
        holds = row.computed_generation == row.generation and all(
            getattr(row, key) == value for key, value in settings.items()
        )
        kept[row.year] = (row.generation, {c: getattr(row, c) for c in COUNTS} if holds else None)
    return kept


def wrote(session: Session) -> bool:
    """Whether the session's transaction holds writes not yet committed."""
    if noted(session):
        return True
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        return connection.scalar(text("SELECT txid_current_if_assigned()")) is not None
    if connection.dialect.name == "sqlite":  # the driver begins a transaction before a write
        return connection.connection.dbapi_connection.in_transaction
    return True


def store(fresh: dict[int, tuple[int | None, Counts]], settings: dict) -> None:
    """Store counts computed at the generations noted, in year order, in a transaction of its own."""
    with db.engine.begin() as connection:
        for year in sorted(set(fresh) & set(YEARS)):
            generation, counts = fresh[year]
            values = {**counts, **settings, "computed_at": datetime.now(UTC)}
            put(connection, year, generation, values)


def put(connection: Connection, year: int, generation: int | None, values: dict) -> None:
    table = IndicatorSeries.__table__
    if generation is None:  # no row yet: a change committed since makes one, and this yields
        statement = upsert(connection).values(
            year=year, generation=0, computed_generation=0, **values
        )
        connection.execute(statement.on_conflict_do_nothing(index_elements=["year"]))
        return
    connection.execute(
        update(table)
        .where(table.c.year == year, table.c.generation == generation)
        .values(computed_generation=generation, **values)
    )

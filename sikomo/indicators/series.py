"""The yearly counts behind the dashboard, stored and read back while they hold.

Recomputing every indicator of every year on each view cost most of the dashboard's time. The
counts of a year change only when a commit changes them, and that commit raises the year's
generation (stale.py), so each year's counts are stored with the generation they were computed
at and read back while it is still the current one, by every worker process alike: the totals
(the trend), and for the year shown the rows per kecamatan and jenis they add up from and the
compliance board's counts of the year.

A reader notes the generations before it computes and stores with `WHERE generation = noted`:
counts computed while a change was committing never hold. It stores in its own short
transaction, and only when its own transaction has written nothing: what it computed then is what
every other transaction sees too, and the caller's work is neither committed nor waited for.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import Connection, select, text, update
from sqlalchemy.orm import Session

from sikomo.extensions import db
from sikomo.indicators.compliance import compliance_rows, owed
from sikomo.indicators.compute import COUNTS, raw_counts, totals
from sikomo.indicators.facts import settle
from sikomo.indicators.stale import YEARS, noted, upsert
from sikomo.models import JENIS_LABELS, IndicatorSeries, Jenis, Region
from sikomo.settings import get_setting

Counts = dict[str, int]


@dataclass
class Held:
    """A year's counts: the totals; when read for the year shown, the rows per (region, jenis)
    and the compliance counts too."""

    totals: Counts
    groups: list[list] | None = None
    owed: list[list] | None = None  # compliance.owed

    def rows(self) -> list[dict]:
        """The rows as `group_counts` gives them (kecamatan names, jenis labels), as dicts."""
        names = dict(db.session.execute(select(Region.id, Region.kecamatan)).all())
        rows = [
            {"kecamatan": names.get(region), "jenis": JENIS_LABELS[Jenis(jenis)],
             **dict(zip(COUNTS, counts, strict=True))}
            for region, jenis, *counts in self.groups
        ]  # fmt: skip
        return sorted(rows, key=lambda row: (row["kecamatan"] or "", row["jenis"]))

    def compliance(self) -> list[dict]:
        """The compliance board (compliance.py): the stored counts, and those the clock moves."""
        return compliance_rows(self.owed)


def yearly_counts(years: list[int], given: dict[int, Counts] | None = None) -> dict[int, Counts]:
    """The province-wide counts of each year: given, else stored while they hold, else computed
    (and stored for the next reader)."""
    given = given or {}
    held = counts(years, skip=set(given), grouped=set())
    return {year: given[year] if year in given else held[year].totals for year in years}


def shown(year: int) -> Held:
    """Everything the dashboard shows of `year`, read back from the stored row while it holds."""
    return counts([year], skip=set(), grouped={year})[year]


def count_rows(year: int) -> list[dict]:
    """`group_counts(year)` as a list of dicts."""
    return shown(year).rows()


def counts(years: list[int], skip: set[int], grouped: set[int]) -> dict[int, Held]:
    """Each year's counts but those in `skip`; the group rows and compliance counts too for the
    years in `grouped`."""
    session = db.session()
    settle(session)  # this transaction's own changes: in the facts, their years noted
    settings = current_settings()
    kept = stored([y for y in years if y not in skip], settings, grouped)  # before computing
    changed, held, fresh = noted(session), {}, {}
    for year in years:
        if year in skip:
            continue
        generation, found = kept.get(year, (None, None))
        if found is not None and year not in changed:
            held[year] = found
        else:
            raw = raw_counts(year)
            held[year] = Held(totals(raw), group_rows(raw), owed(year) if year in grouped else None)
            fresh[year] = (generation, held[year])
    if fresh and not wrote(session):
        store(fresh, settings)
    return held


def group_rows(raw: pd.DataFrame) -> list[list]:
    """`raw_counts` as JSON-ready rows: region id, jenis code, then COUNTS."""
    jenis = [Jenis(j).value for j in raw["jenis"]]
    values = raw[list(COUNTS)].to_numpy().tolist()
    return [[int(r), j, *v] for r, j, v in zip(raw["region_id"], jenis, values, strict=True)]


def current_settings() -> dict:
    return {
        "aktif_window": int(get_setting("aktif_window")),
        "berkualitas_criterion": str(get_setting("berkualitas_criterion")),
    }


def stored(years: list[int], settings: dict, grouped: set[int]) -> dict[int, tuple]:
    """{year: (generation, its Held if it holds, else None)} of the years that have a row; the
    group rows and compliance counts are read only when asked for (then a row without them does
    not hold)."""
    table = IndicatorSeries.__table__
    columns = [c for c in table.c if grouped or c.name not in ("groups", "owed")]
    kept = {}
    for row in db.session.execute(select(*columns).where(table.c.year.in_(years))):
        groups, owing = (row.groups, row.owed) if row.year in grouped else (None, None)
        holds = (
            row.computed_generation == row.generation
            and all(getattr(row, key) == value for key, value in settings.items())
            and (row.year not in grouped or (groups is not None and owing is not None))
        )
        found = Held({c: getattr(row, c) for c in COUNTS}, groups, owing) if holds else None
        kept[row.year] = (row.generation, found)
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


def store(fresh: dict[int, tuple[int | None, Held]], settings: dict) -> None:
    """Store counts computed at the generations noted, in year order, in a transaction of its own."""
    with db.engine.begin() as connection:
        for year in sorted(set(fresh) & set(YEARS)):
            generation, held = fresh[year]
            values = {**held.totals, "groups": held.groups, "owed": held.owed, **settings,
                      "computed_at": datetime.now(UTC)}  # fmt: skip
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

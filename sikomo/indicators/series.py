"""The yearly counts behind the dashboard, stored and read back while they hold.

Recomputing every indicator of every year on each view cost most of the dashboard's time. The
counts of a year change only when a commit changes them, and that commit raises the year's
generation (stale.py), so each year's counts are stored with the generation they were computed
at and read back while it is still the current one, by every worker process alike: the rows
per kecamatan and jenis (the trend adds up those the dashboard's filters keep; the reporting
counts are stored there alone), their totals in columns, and for the year shown the compliance
board's counts of the year.

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
from sikomo.indicators.compliance import EVERYWHERE, OWED, Scope, compliance_rows, owed
from sikomo.indicators.compute import COUNTS, STORED_TOTALS, raw_counts
from sikomo.indicators.facts import settle
from sikomo.indicators.stale import YEARS, noted, upsert
from sikomo.models import JENIS_LABELS, IndicatorSeries, Jenis, Region
from sikomo.settings import get_setting

Counts = dict[str, int]


@dataclass
class Held:
    """A year's counts: the rows per (region, jenis); when read for the year shown, the
    compliance counts too."""

    groups: list[list]  # [region id, jenis code, *COUNTS]
    owed: list[list] | None = None  # compliance.owed

    def kept(self, scope: Scope) -> list[list]:
        return [row for row in self.groups if scope.holds(row[0], row[1])]

    def totals_in(self, scope: Scope) -> Counts:
        """The counts added up over the rows of the scope (the whole district by default)."""
        summed = dict.fromkeys(COUNTS, 0)
        for _, _, *values in self.kept(scope):
            for name, value in zip(COUNTS, values, strict=True):
                summed[name] += int(value)
        return summed

    @property
    def totals(self) -> Counts:
        return self.totals_in(EVERYWHERE)

    def rows(self, scope: Scope = EVERYWHERE) -> list[dict]:
        """The rows as `group_counts` gives them (kecamatan names, jenis labels), as dicts."""
        names = dict(db.session.execute(select(Region.id, Region.kecamatan)).all())
        rows = [
            {"kecamatan": names.get(region), "jenis": JENIS_LABELS[Jenis(jenis)],
             **dict(zip(COUNTS, counts, strict=True))}
            for region, jenis, *counts in self.kept(scope)
        ]  # fmt: skip
        return sorted(rows, key=lambda row: (row["kecamatan"] or "", row["jenis"]))

    def compliance(self, scope: Scope = EVERYWHERE) -> list[dict]:
        """The compliance board (compliance.py): the stored counts, and those the clock moves."""
        return compliance_rows(self.owed or [], scope)


def yearly_counts(
    years: list[int], given: dict[int, Counts] | None = None, scope: Scope = EVERYWHERE
) -> dict[int, Counts]:
    """The counts of each year in the scope: given, else stored while they hold, else computed
    (and stored for the next reader)."""
    given = given or {}
    held = counts(years, skip=set(given), grouped=set())
    return {year: given[year] if year in given else held[year].totals_in(scope) for year in years}


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
            held[year] = Held(group_rows(raw), owed(year) if year in grouped else None)
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


def well_formed(rows: list | None, width: int) -> bool:
    """Rows of the shape this code stores (one stored by an older version does not hold)."""
    return isinstance(rows, list) and all(len(row) == width for row in rows)


def stored(years: list[int], settings: dict, grouped: set[int]) -> dict[int, tuple]:
    """{year: (generation, its Held if it holds, else None)} of the years that have a row; the
    compliance counts are read only when asked for (then a row without them does not hold)."""
    table = IndicatorSeries.__table__
    columns = [c for c in table.c if grouped or c.name != "owed"]
    kept = {}
    for row in db.session.execute(select(*columns).where(table.c.year.in_(years))):
        owing = row.owed if row.year in grouped else None
        holds = (
            row.computed_generation == row.generation
            and all(getattr(row, key) == value for key, value in settings.items())
            and well_formed(row.groups, 2 + len(COUNTS))
            and (row.year not in grouped or well_formed(owing, 2 + len(OWED)))
        )
        kept[row.year] = (row.generation, Held(row.groups, owing) if holds else None)
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
            totals = {c: held.totals[c] for c in STORED_TOTALS}
            values = {**totals, "groups": held.groups, "owed": held.owed, **settings,
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

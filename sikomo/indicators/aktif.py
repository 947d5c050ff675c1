"""Which cooperatives are aktif: the indicator's numerator, cooperative by cooperative.

The register's filter, the public pages, the API and the dashboard's count all ask here, so a
cooperative shown aktif is one the `aktif` indicator counts, read from the same stored facts.
"""

from collections.abc import Iterable

from sqlalchemy import CompoundSelect, Select, func, select

from sikomo.extensions import db
from sikomo.indicators.facts import settle
from sikomo.indicators.members import fact_ids_query
from sikomo.status import reference_year


def aktif_ids_query(
    year: int, window: int | None = None, among: list[int] | None = None
) -> Select | CompoundSelect:
    """Ids of the cooperatives on the register with a RAT held in each year of the window; the
    few whose older report version counts instead of the newest are read from the reports."""
    return fact_ids_query("aktif", year, window, among)


def aktif_ids(
    year: int | None = None, window: int | None = None, among: Iterable[int] | None = None
) -> set[int]:
    """Aktif cooperatives in `year` (default: the latest year a RAT was held), of `among` only."""
    year = year if year is not None else reference_year()
    if year is None:
        return set()
    settle(db.session())
    query = aktif_ids_query(year, window, None if among is None else list(among))
    return set(db.session.scalars(query))


def count_aktif(year: int, window: int | None = None) -> int:
    settle(db.session())
    return db.session.scalar(
        select(func.count()).select_from(aktif_ids_query(year, window).subquery())
    )


def is_aktif(cooperative_id: int, year: int | None = None, window: int | None = None) -> bool:
    return cooperative_id in aktif_ids(year, window, among=[cooperative_id])

"""Which cooperatives are aktif: the indicator's numerator, cooperative by cooperative.

The register's filter, the public pages, the API and the dashboard's count all ask here, so a
cooperative shown aktif is one the `aktif` indicator counts, read from the same stored facts.
"""

from collections.abc import Iterable

from sqlalchemy import CompoundSelect, Select, and_, func, select, union_all

from sikomo.extensions import db
from sikomo.indicators.compute import on_register, per_cooperative
from sikomo.indicators.facts import settle
from sikomo.indicators.moved import moved
from sikomo.models import IndicatorFact
from sikomo.settings import get_setting
from sikomo.status import indicator_year, reference_year


def aktif_ids_query(
    year: int, window: int | None = None, among: list[int] | None = None
) -> Select | CompoundSelect:
    """Ids of the cooperatives on the register with a RAT held in each year of the window; the
    few whose older report version counts instead of the newest are read from the reports."""
    iy = indicator_year(year, window)
    fact = IndicatorFact
    older = moved(iy, among)  # looked up where the rows are, not filtered after the union
    from_facts = select(fact.cooperative_id).where(
        fact.year == iy.year,
        fact.streak >= iy.window,
        on_register(fact.tanggal_badan_hukum, iy),
        fact.cooperative_id.not_in(older),
        *(() if among is None else (fact.cooperative_id.in_(among),)),
    )
    if not db.session.scalar(select(older.exists())):  # rarely any: the facts alone answer
        return from_facts
    rows = per_cooperative(iy, str(get_setting("berkualitas_criterion")), only=older)
    from_reports = select(rows.c.cooperative_id).where(
        and_(*(rows.c[f"held_{y}"] == 1 for y in iy.window_years))
    )
    return union_all(from_facts, from_reports)


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

"""The cooperatives behind each dashboard count: what the register lists when a count is opened.

Each list selects the ids by the very condition its count adds up (compute.py, reporting.py,
compliance.py), from the same rows (the stored facts, and the report rows of the few moved
cooperatives), so a list is as long as the count it was opened from. The kecamatan and jenis of
the dashboard's filters are the register's own filters on the list.
"""

from sqlalchemy import CompoundSelect, Select, and_, select, union_all

from sikomo.extensions import db
from sikomo.indicators import reporting
from sikomo.indicators.compliance import owed_conditions, waiting_reports
from sikomo.indicators.compute import (
    fact_conditions,
    on_register,
    per_cooperative,
    register_conditions,
    report_conditions,
)
from sikomo.indicators.facts import settle
from sikomo.indicators.moved import moved
from sikomo.models import Cooperative, IndicatorFact
from sikomo.settings import get_setting
from sikomo.status import indicator_year

# Every count a list can be opened for, as the register's heading names it.
LABELS = {
    "binaan": "Koperasi binaan",
    "aktif": "Koperasi aktif",
    "tidak_aktif": "Koperasi tidak aktif",
    "berkualitas": "Koperasi berkualitas",
    "ksp_usp": "KSP/USP",
    "sehat": "KSP/USP sehat",
    "dinilai": "KSP/USP yang dinilai",
    "sehat_berkualitas": "Koperasi sehat dan berkualitas",
    "koperasi_baru": "Koperasi baru",
    "diharapkan": "Laporan diharapkan",
    "masuk": "Laporan masuk",
    "belum_masuk": "Laporan belum masuk",
    "tepat_waktu": "Laporan tepat waktu",
    "tanpa_laporan": "Tanpa laporan",
    "ksp_belum_dinilai": "KSP/USP belum dinilai",
    "menunggu_review": "Menunggu review lebih dari 30 hari",
}
FACT_CODES = ("aktif", "berkualitas", "sehat", "dinilai", "sehat_berkualitas")


def fact_ids_query(
    code: str, year: int, window: int | None = None, among: list[int] | None = None
) -> Select | CompoundSelect:
    """Ids of the cooperatives on the register that a report count (FACT_CODES) counts in `year`:
    from the stored facts, and from their report rows for the few whose older report version
    counts instead of the newest, as `compute.raw_counts` counts them."""
    iy = indicator_year(year, window)
    criterion = str(get_setting("berkualitas_criterion"))
    fact = IndicatorFact
    older = moved(iy, among)  # looked up where the rows are, not filtered after the union
    from_facts = select(fact.cooperative_id).where(
        fact.year == iy.year,
        fact_conditions(iy, criterion)[code],
        on_register(fact.tanggal_badan_hukum, iy),
        fact.cooperative_id.not_in(older),
        *(() if among is None else (fact.cooperative_id.in_(among),)),
    )
    if not db.session.scalar(select(older.exists())):  # rarely any: the facts alone answer
        return from_facts
    rows = per_cooperative(iy, criterion, only=older)
    from_reports = select(rows.c.cooperative_id).where(report_conditions(rows, iy)[code])
    return union_all(from_facts, from_reports)


def register_condition(code: str, year: int):
    """The condition on a register row of the counts that are not read from the facts."""
    iy = indicator_year(year)
    registered = on_register(Cooperative.tanggal_badan_hukum, iy)
    if code in ("binaan", "ksp_usp", "koperasi_baru"):
        return and_(registered, register_conditions(iy)[code])
    if code == "tidak_aktif":
        return and_(registered, Cooperative.id.not_in(fact_ids_query("aktif", year)))
    if code in reporting.COUNTS:
        return reporting.conditions(iy)[code]
    if code == "belum_masuk":
        return reporting.belum_masuk(iy)
    if code in ("tanpa_laporan", "ksp_belum_dinilai"):
        return and_(registered, owed_conditions(iy)[code])
    return Cooperative.id.in_(waiting_reports())  # menunggu_review: whatever the year


def condition(code: str, year: int):
    """The condition on `Cooperative` that selects the cooperatives of count `code` in `year`."""
    if code not in LABELS:
        raise KeyError(code)
    settle(db.session())
    if code in FACT_CODES:
        return Cooperative.id.in_(fact_ids_query(code, year))
    return register_condition(code, year)


def member_ids(code: str, year: int) -> set[int]:
    """The ids a count of `year` counts (the tests compare them with the counts)."""
    return set(db.session.scalars(select(Cooperative.id).where(condition(code, year))))

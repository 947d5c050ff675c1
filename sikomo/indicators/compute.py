"""Compute the Dinas indicators from the records: one grouped query, then formulas keyed by code.

The database does the per-cooperative work (GROUP BY); pandas only sums the (kecamatan, jenis) rows
into the total, per-kecamatan and per-jenis figures. Nothing is read from typed-in totals.

Speed (benchmarks/indicators.py, 200,000 cooperatives): the newest counted version of a report is
a stored flag (`report.counted_latest`), the report columns read are one covering index
(`ix_report_indicator_facts`, cooperative first), and each cooperative is joined to its own
rows and grouped once.
"""

from collections.abc import Callable, Mapping
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
from sqlalchemy import BigInteger, Select, and_, case, cast, exists, func, or_, select, text
from sqlalchemy.orm import aliased

from sikomo.extensions import db
from sikomo.models import (
    COUNTED_REPORT_STATUSES,
    JENIS_LABELS,
    Assessment,
    AssessmentStatus,
    Cooperative,
    Jenis,
    Predikat,
    Region,
    Report,
)
from sikomo.settings import get_setting
from sikomo.status import IndicatorYear, counted_report, indicator_year, rat_held_between

COUNTS = (
    "binaan",
    "aktif",
    "berkualitas",
    "ksp_usp",
    "sehat",
    "dinilai",
    "sehat_berkualitas",
    "koperasi_baru",
    "volume_usaha",
    "volume_usaha_lalu",
)
SEHAT = (Predikat.SEHAT, Predikat.CUKUP_SEHAT)
DECIDED = (AssessmentStatus.APPROVED, AssessmentStatus.IMPORTED)
GROWTH_CRITERIA = {
    "volume_usaha": ("volume_usaha",),
    "total_aset": ("total_aset",),
    "volume_usaha_dan_aset": ("volume_usaha", "total_aset"),
}
HUNDRED = Decimal(100)
CENT = Decimal("0.01")


def grew(criterion: str):
    """The berkualitas growth test on a report: each figure above its `_lalu` twin."""
    keys = GROWTH_CRITERIA[criterion]
    return and_(*(getattr(Report, k) > getattr(Report, f"{k}_lalu") for k in keys))


def counted_rows(iy: IndicatorYear):
    """The report rows that count for `iy`: RAT held in the years looked at, and of each
    (cooperative, tahun buku) only the newest counted version whose RAT falls in those years.

    That is almost always the row flagged `counted_latest`; the rare older version whose newer
    counted versions all fall outside those years is found by the NOT EXISTS, which only runs for
    rows that are not flagged.
    """
    first, last = date(min(iy.window_years[0], iy.year - 1), 1, 1), date(iy.year, 12, 31)
    newer = aliased(Report)
    newest_in_years = and_(
        counted_report(),
        ~exists().where(
            newer.cooperative_id == Report.cooperative_id,
            newer.tahun_buku == Report.tahun_buku,
            newer.version > Report.version,
            or_(newer.status.in_(COUNTED_REPORT_STATUSES), newer.imported.is_(True)),
            newer.tanggal_rat.between(first, last),
        ),
    )
    return and_(
        Report.tanggal_rat.between(first, last),
        or_(Report.counted_latest.is_(True), newest_in_years),
    )


def sehat_bit():
    return case((Assessment.predikat.in_(SEHAT), 1), else_=0)


def latest_sehat():
    """Of the decided assessments aggregated: 1 if the latest (highest id) is sehat, else 0.

    `max(id * 2 + sehat)` carries that row's sehat bit along with its id, so the row need not be
    joined back; NULL when there is none (not dinilai).
    """
    return func.max(cast(Assessment.id, BigInteger) * 2 + sehat_bit()) % 2


def assessment_facts(iy: IndicatorYear):
    """Per cooperative: whether its latest decided assessment of the counted tahun buku is sehat."""
    return (
        select(Report.cooperative_id, latest_sehat().label("sehat"))
        .join(Assessment, Assessment.report_id == Report.id)
        .where(Report.tahun_buku == iy.assessed_tahun_buku, Assessment.status.in_(DECIDED))
        .group_by(Report.cooperative_id)
        .subquery()
    )


def assessment_of(iy: IndicatorYear):
    """The same fact for the cooperative of the enclosing query, as a correlated subquery."""
    report = aliased(Report)
    return (
        select(latest_sehat())
        .select_from(report)
        .join(Assessment, Assessment.report_id == report.id)
        .where(
            report.cooperative_id == Cooperative.id,
            report.tahun_buku == iy.assessed_tahun_buku,
            Assessment.status.in_(DECIDED),
        )
        .scalar_subquery()
    )


def per_cooperative(iy: IndicatorYear, criterion: str, dialect: str):
    """One row per cooperative on the register: its kecamatan, jenis and every fact counted.

    The cooperative's counted reports are joined row by row (an index range per cooperative) and
    grouped by cooperative. SQLite looks the assessment up per KSP/USP cooperative; PostgreSQL
    hash-joins the per-cooperative assessment facts instead.
    """
    ksp = or_(Cooperative.simpan_pinjam.is_(True), Cooperative.jenis.in_((Jenis.KSP, Jenis.USP)))
    founded = Cooperative.tanggal_badan_hukum.between(
        date(iy.founded_year, 1, 1), date(iy.founded_year, 12, 31)
    )

    def held(year: int):  # the joined rows are all in the years looked at: a range test per year
        return rat_held_between(year, year)

    if dialect == "sqlite":
        af, sehat = None, case((ksp, assessment_of(iy)), else_=None)
    else:
        af = assessment_facts(iy)
        sehat = func.max(af.c.sehat)
    query = (
        select(
            Cooperative.region_id,
            Cooperative.jenis,
            ksp.label("ksp"),
            founded.label("baru"),
            *(func.max(case((held(y), 1), else_=0)).label(f"held_{y}") for y in iy.window_years),
            func.max(case((and_(held(iy.year), grew(criterion)), 1), else_=0)).label("grew"),
            func.sum(case((held(iy.year), Report.volume_usaha), else_=0)).label("volume"),
            func.sum(case((held(iy.year - 1), Report.volume_usaha), else_=0)).label("lalu"),
            sehat.label("sehat"),
        )
        .select_from(Cooperative)
        .outerjoin(Report, and_(Report.cooperative_id == Cooperative.id, counted_rows(iy)))
        .where(
            or_(
                Cooperative.tanggal_badan_hukum.is_(None),
                Cooperative.tanggal_badan_hukum <= iy.registered_until,
            )
        )
        .group_by(Cooperative.id)
    )
    if af is not None:
        query = query.outerjoin(af, af.c.cooperative_id == Cooperative.id)
    return query.subquery()


def one(condition) -> object:
    return func.sum(case((condition, 1), else_=0))


def counts_query(iy: IndicatorYear, criterion: str, dialect: str = "sqlite") -> Select:
    """Counts per (kecamatan, jenis) of every figure the indicators need."""
    pc = per_cooperative(iy, criterion, dialect)
    aktif = and_(*(pc.c[f"held_{y}"] == 1 for y in iy.window_years))
    berkualitas = pc.c.grew == 1
    ksp = pc.c.ksp.is_(True)
    sehat = and_(ksp, pc.c.sehat == 1)
    counts = (
        select(
            pc.c.region_id,
            pc.c.jenis,
            func.count().label("binaan"),
            one(aktif).label("aktif"),
            one(berkualitas).label("berkualitas"),
            one(ksp).label("ksp_usp"),
            one(sehat).label("sehat"),
            one(and_(ksp, pc.c.sehat.is_not(None))).label("dinilai"),
            one(and_(berkualitas, sehat)).label("sehat_berkualitas"),
            one(pc.c.baru.is_(True)).label("koperasi_baru"),
            func.coalesce(func.sum(pc.c.volume), 0).label("volume_usaha"),
            func.coalesce(func.sum(pc.c.lalu), 0).label("volume_usaha_lalu"),
        )
        .group_by(pc.c.region_id, pc.c.jenis)
        .subquery()
    )
    return select(Region.kecamatan, counts.c.jenis, *(counts.c[name] for name in COUNTS)).join(
        Region, Region.id == counts.c.region_id
    )


def group_counts(year: int, window: int | None = None) -> pd.DataFrame:
    """One row per (kecamatan, jenis) with integer counts; jenis as its Indonesian label."""
    iy = indicator_year(year, window)
    dialect = db.session.get_bind().dialect.name
    query = counts_query(iy, str(get_setting("berkualitas_criterion")), dialect)
    if dialect == "postgresql":
        # JIT compiling this one-off aggregate costs more (about 1 s) than running it, and the
        # planner cannot tell that the per-cooperative rows fall into few groups: give the final
        # aggregate room to sort them in memory. (With 32MB it prefers hash joins over a bitmap
        # heap scan, which measured twice as slow at 200,000 cooperatives.)
        db.session.execute(text("SET LOCAL jit = off"))
        db.session.execute(text("SET LOCAL work_mem = '16MB'"))
    rows = db.session.execute(query).all()
    frame = pd.DataFrame(rows, columns=["kecamatan", "jenis", *COUNTS])
    frame["jenis"] = [JENIS_LABELS[Jenis(j)] for j in frame["jenis"]]
    for column in COUNTS:
        frame[column] = frame[column].map(int).astype("int64")
    return frame


def ratio(numerator: str, denominator: str) -> Callable[[Mapping], tuple]:
    return lambda c: (c[numerator], c[denominator])


def count(name: str) -> Callable[[Mapping], tuple]:
    return lambda c: (c[name], None)


# How each indicator is computed, keyed by its code; (numerator, denominator or None).
FORMULAS: dict[str, Callable[[Mapping], tuple]] = {
    "binaan": count("binaan"),
    "aktif": count("aktif"),
    "aktif_pct": ratio("aktif", "binaan"),
    "berkualitas": count("berkualitas"),
    "berkualitas_pct": ratio("berkualitas", "aktif"),
    "ksp_usp": count("ksp_usp"),
    "sehat": count("sehat"),
    "sehat_pct": ratio("sehat", "ksp_usp"),
    "dinilai_pct": ratio("dinilai", "ksp_usp"),
    "sehat_berkualitas": count("sehat_berkualitas"),
    "sehat_berkualitas_pct": ratio("sehat_berkualitas", "aktif"),
    "koperasi_baru": count("koperasi_baru"),
    "pertumbuhan_koperasi_pct": ratio("koperasi_baru", "binaan"),
    "volume_usaha": count("volume_usaha"),
    "volume_usaha_pdrb_pct": ratio("volume_usaha", "pdrb"),
    "pertumbuhan_volume_usaha_pct": lambda c: (
        c["volume_usaha"] - c["volume_usaha_lalu"],
        c["volume_usaha_lalu"],
    ),
}


def evaluate(code: str, counts: Mapping) -> tuple[int, int | None, Decimal | None]:
    """(numerator, denominator, value): a count is its own value, a ratio a percentage."""
    numerator, denominator = FORMULAS[code](counts)
    numerator = int(numerator)
    if denominator is None and code.endswith("_pct"):
        return numerator, None, None  # e.g. no PDRB entered yet: not computable, never 0
    if denominator is None:
        return numerator, None, Decimal(numerator)
    denominator = int(denominator)
    if denominator == 0:
        return numerator, denominator, None
    return numerator, denominator, pct(numerator, denominator)


def pct(numerator: int, denominator: int) -> Decimal:
    return (Decimal(numerator) * HUNDRED / Decimal(denominator)).quantize(CENT, ROUND_HALF_UP)

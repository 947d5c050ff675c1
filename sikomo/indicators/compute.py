"""Compute the Dinas indicators from the records: grouped queries, then formulas keyed by code.

The database does the per-cooperative work (GROUP BY); pandas only adds up the (kecamatan, jenis)
rows into the total, per-kecamatan and per-jenis figures. Nothing is read from typed-in totals.

Two sources give the same counts. The stored facts (facts.py: one row per cooperative and year)
are what the indicators read: all of them for 200,000 cooperatives in a fraction of a second. The
report rows themselves (`report_counts`) are read only for the rare cooperative whose older report
version counts instead of the newest one (flagged by the facts refresh, moved.py), and serve the
tests as the reference the facts must match.
"""

from collections.abc import Callable, Mapping
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
from sqlalchemy import Select, and_, case, func, or_, select, text, true
from sqlalchemy.orm import aliased

from sikomo.extensions import db
from sikomo.indicators import reporting
from sikomo.indicators.facts import DECIDED, grew, is_ksp, latest_sehat, settle
from sikomo.indicators.moved import moved, older_version_counts, years_looked_at
from sikomo.models import (
    JENIS_LABELS,
    Assessment,
    Cooperative,
    IndicatorFact,
    Jenis,
    Region,
    Report,
)
from sikomo.settings import get_setting
from sikomo.status import IndicatorYear, indicator_year, rat_held_between

REGISTER_COUNTS = ("binaan", "ksp_usp", "koperasi_baru")
# What the reports and assessments give, per cooperative on the register.
REPORT_COUNTS = (
    "aktif",
    "berkualitas",
    "sehat",
    "dinilai",
    "sehat_berkualitas",
    "volume_usaha",
    "volume_usaha_lalu",
)
# The province-wide totals stored in their own columns of IndicatorSeries.
STORED_TOTALS = (
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
# What the register gives about the RAT reports owed (reporting.py): stored in the group rows.
REPORTING_COUNTS = reporting.COUNTS
COUNTS = (*STORED_TOTALS, *REPORTING_COUNTS)
GROUP = ["region_id", "jenis"]
HUNDRED = Decimal(100)
CENT = Decimal("0.01")


def one(condition) -> object:
    return func.sum(case((condition, 1), else_=0))


def on_register(founded, iy: IndicatorYear):
    """On the register in the year: a badan hukum no later than its end (or none recorded)."""
    return or_(founded.is_(None), founded <= iy.registered_until)


def founded_in(iy: IndicatorYear):
    """Koperasi baru: a badan hukum dated in the year counted."""
    return Cooperative.tanggal_badan_hukum.between(
        date(iy.founded_year, 1, 1), date(iy.founded_year, 12, 31)
    )


def register_conditions(iy: IndicatorYear) -> dict:
    """Each register count's condition on a cooperative on the register in the year."""
    return {"binaan": true(), "ksp_usp": is_ksp(), "koperasi_baru": founded_in(iy)}


def register_counts(iy: IndicatorYear) -> Select:
    """Per (kecamatan, jenis): cooperatives on the register, KSP/USP among them, founded in Y."""
    wanted = register_conditions(iy)
    return (
        select(
            Cooperative.region_id,
            Cooperative.jenis,
            func.count().label("binaan"),
            *(one(wanted[name]).label(name) for name in REGISTER_COUNTS[1:]),
        )
        .where(on_register(Cooperative.tanggal_badan_hukum, iy))
        .group_by(Cooperative.region_id, Cooperative.jenis)
    )


def reporting_counts(iy: IndicatorYear) -> Select:
    """Per (kecamatan, jenis): the reports owed for the tahun buku of `iy`, sent and on time."""
    wanted = reporting.conditions(iy)
    return (
        select(
            Cooperative.region_id,
            Cooperative.jenis,
            *(one(wanted[name]).label(name) for name in REPORTING_COUNTS),
        )
        .where(reporting.expected(iy))
        .group_by(Cooperative.region_id, Cooperative.jenis)
    )


def fact_conditions(iy: IndicatorYear, criterion: str) -> dict:
    """Each report count's condition on a stored fact row of the year (members.py lists them)."""
    fact = IndicatorFact
    berkualitas = getattr(fact, f"grew_{criterion}").is_(True)
    ksp = fact.ksp.is_(True)
    sehat = and_(ksp, fact.sehat == 1)
    return {
        "aktif": fact.streak >= iy.window,
        "berkualitas": berkualitas,
        "sehat": sehat,
        "dinilai": and_(ksp, fact.sehat.is_not(None)),
        "sehat_berkualitas": and_(berkualitas, sehat),
    }


def fact_counts(iy: IndicatorYear, criterion: str, skip=None) -> Select:
    """Per (kecamatan, jenis): the report and assessment counts, from the stored facts."""
    fact = IndicatorFact
    wanted = fact_conditions(iy, criterion)
    query = (
        select(
            fact.region_id,
            fact.jenis,
            *(one(condition).label(name) for name, condition in wanted.items()),
            func.coalesce(func.sum(fact.volume), 0).label("volume_usaha"),
            func.coalesce(func.sum(fact.volume_prev), 0).label("volume_usaha_lalu"),
        )
        .where(fact.year == iy.year, on_register(fact.tanggal_badan_hukum, iy))
        .group_by(fact.region_id, fact.jenis)
    )
    return query if skip is None else query.where(fact.cooperative_id.not_in(skip))


def counted_rows(iy: IndicatorYear):
    """The report rows that count for `iy`: RAT held in the years looked at, and of each
    (cooperative, tahun buku) only the newest counted version whose RAT falls in those years.

    That is almost always the row flagged `counted_latest`; the rare older version whose newer
    counted versions all fall outside those years is found by the NOT EXISTS (moved.py), which
    only runs for rows that are not flagged.
    """
    return and_(
        Report.tanggal_rat.between(*years_looked_at(iy)),
        or_(Report.counted_latest.is_(True), older_version_counts(iy)),
    )


def assessment_of(iy: IndicatorYear):
    """Whether the enclosing query's cooperative's latest decided assessment counted is sehat."""
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


def per_cooperative(iy: IndicatorYear, criterion: str, only=None):
    """One row per cooperative on the register, from its report rows: every fact counted."""
    ksp = is_ksp()
    founded = founded_in(iy)

    def held(year: int):  # the joined rows are all in the years looked at: a range test per year
        return rat_held_between(year, year)

    query = (
        select(
            Cooperative.id.label("cooperative_id"),
            Cooperative.region_id,
            Cooperative.jenis,
            ksp.label("ksp"),
            founded.label("baru"),
            *(func.max(case((held(y), 1), else_=0)).label(f"held_{y}") for y in iy.window_years),
            func.max(case((and_(held(iy.year), grew(criterion)), 1), else_=0)).label("grew"),
            func.sum(case((held(iy.year), Report.volume_usaha), else_=0)).label("volume"),
            func.sum(case((held(iy.year - 1), Report.volume_usaha), else_=0)).label("lalu"),
            case((ksp, assessment_of(iy)), else_=None).label("sehat"),
        )
        .select_from(Cooperative)
        .outerjoin(Report, and_(Report.cooperative_id == Cooperative.id, counted_rows(iy)))
        .where(on_register(Cooperative.tanggal_badan_hukum, iy))
        .group_by(Cooperative.id)
    )
    return (query if only is None else query.where(Cooperative.id.in_(only))).subquery()


def report_conditions(pc, iy: IndicatorYear) -> dict:
    """`fact_conditions` on the rows of `per_cooperative` (`pc`), read from the report rows."""
    berkualitas = pc.c.grew == 1
    ksp = pc.c.ksp.is_(True)
    sehat = and_(ksp, pc.c.sehat == 1)
    return {
        "aktif": and_(*(pc.c[f"held_{y}"] == 1 for y in iy.window_years)),
        "berkualitas": berkualitas,
        "sehat": sehat,
        "dinilai": and_(ksp, pc.c.sehat.is_not(None)),
        "sehat_berkualitas": and_(berkualitas, sehat),
    }


def report_counts(iy: IndicatorYear, criterion: str, only=None) -> Select:
    """Per (kecamatan, jenis): every count, from the report rows (of `only` cooperatives)."""
    pc = per_cooperative(iy, criterion, only)
    wanted = report_conditions(pc, iy)
    return select(
        pc.c.region_id,
        pc.c.jenis,
        func.count().label("binaan"),
        one(wanted["aktif"]).label("aktif"),
        one(wanted["berkualitas"]).label("berkualitas"),
        one(pc.c.ksp.is_(True)).label("ksp_usp"),
        one(wanted["sehat"]).label("sehat"),
        one(wanted["dinilai"]).label("dinilai"),
        one(wanted["sehat_berkualitas"]).label("sehat_berkualitas"),
        one(pc.c.baru.is_(True)).label("koperasi_baru"),
        func.coalesce(func.sum(pc.c.volume), 0).label("volume_usaha"),
        func.coalesce(func.sum(pc.c.lalu), 0).label("volume_usaha_lalu"),
    ).group_by(pc.c.region_id, pc.c.jenis)


def fetch(query: Select, columns) -> pd.DataFrame:
    frame = pd.DataFrame(db.session.execute(query).all(), columns=[*GROUP, *columns])
    frame[list(columns)] = frame[list(columns)].map(int).astype("int64")
    return frame


def labelled(frame: pd.DataFrame) -> pd.DataFrame:
    """Region ids as kecamatan names and jenis as its Indonesian label, sorted by both."""
    names = dict(db.session.execute(select(Region.id, Region.kecamatan)).all())
    frame = frame.assign(
        kecamatan=frame["region_id"].map(names),
        jenis=[JENIS_LABELS[Jenis(j)] for j in frame["jenis"]],
    )
    columns = ["kecamatan", "jenis", *COUNTS]
    return frame[columns].sort_values(["kecamatan", "jenis"], ignore_index=True)


def group_counts(year: int, window: int | None = None) -> pd.DataFrame:
    """One row per (kecamatan, jenis) with integer counts; jenis as its Indonesian label."""
    return labelled(raw_counts(year, window))


def raw_counts(year: int, window: int | None = None) -> pd.DataFrame:
    """`group_counts` by region id and jenis code, as stored (series.py)."""
    iy = indicator_year(year, window)
    criterion = str(get_setting("berkualitas_criterion"))
    settle(db.session())
    if db.session.get_bind().dialect.name == "postgresql":
        # JIT compiling these one-off aggregates costs more than running them.
        db.session.execute(text("SET LOCAL jit = off"))
    skip = moved(iy) if db.session.scalar(select(moved(iy).exists())) else None  # rarely any
    parts = [fetch(fact_counts(iy, criterion, skip), REPORT_COUNTS)]
    if skip is not None:
        parts.append(
            fetch(report_counts(iy, criterion, only=skip), STORED_TOTALS)[parts[0].columns]
        )
    reported = pd.concat(parts).groupby(GROUP, as_index=False).sum()
    frame = fetch(register_counts(iy), REGISTER_COUNTS).merge(reported, how="left", on=GROUP)
    return with_reporting(frame, iy)


def with_reporting(frame: pd.DataFrame, iy: IndicatorYear) -> pd.DataFrame:
    """The register's rows with the reporting counts of `iy` added (0 where none)."""
    owed = fetch(reporting_counts(iy), REPORTING_COUNTS)
    frame = frame.merge(owed, how="left", on=GROUP)
    filled = [*REPORT_COUNTS, *REPORTING_COUNTS]
    frame[filled] = frame[filled].fillna(0).astype("int64")
    return frame


def totals(frame: pd.DataFrame) -> dict[str, int]:
    """The province-wide counts of a `group_counts` frame."""
    summed = frame[list(COUNTS)].sum()
    return {c: int(summed[c]) for c in COUNTS}


def reference_counts(year: int, window: int | None = None) -> pd.DataFrame:
    """`group_counts` read from the report rows alone, without the stored facts."""
    iy = indicator_year(year, window)
    query = report_counts(iy, str(get_setting("berkualitas_criterion")))
    return labelled(with_reporting(fetch(query, STORED_TOTALS), iy))


def ratio(numerator: str, denominator: str) -> Callable[[Mapping], tuple]:
    def formula(c):
        return c[numerator], c[denominator]

    formula.counts = (numerator, denominator)  # type: ignore[attr-defined]
    return formula


def count(name: str) -> Callable[[Mapping], tuple]:
    def formula(c):
        return c[name], None

    formula.counts = (name, None)  # type: ignore[attr-defined]
    return formula


def counts_of(code: str) -> tuple[str | None, str | None]:
    """The counts an indicator's numerator and denominator are (for the lists behind them)."""
    return getattr(FORMULAS[code], "counts", (None, None))


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
    "diharapkan": count("diharapkan"),
    "masuk": count("masuk"),
    "masuk_pct": ratio("masuk", "diharapkan"),
    "tepat_waktu": count("tepat_waktu"),
    "tepat_waktu_pct": ratio("tepat_waktu", "diharapkan"),
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

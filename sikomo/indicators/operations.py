"""Indicator services: definitions, targets, PDRB and settings (audited), and the indicator report."""

from bisect import bisect_right
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select

from sikomo import audit
from sikomo.extensions import db
from sikomo.indicators.capaian import capaian, indicator_data, kategori
from sikomo.indicators.compliance import EVERYWHERE, Scope
from sikomo.indicators.compute import COUNTS, FORMULAS, counts_of, evaluate
from sikomo.indicators.coverage import known
from sikomo.indicators.series import count_rows, shown, yearly_counts
from sikomo.models import (
    JENIS_LABELS,
    IndicatorDefinition,
    IndicatorDirection,
    Pdrb,
    Region,
    Report,
    Target,
)
from sikomo.settings import get_setting, set_setting
from sikomo.status import counted_report

BY_CHOICES = ("kecamatan", "jenis")
DEFINITION_FIELDS = ("nama", "pembilang", "penyebut", "satuan", "arah", "sumber", "iku")


@dataclass(frozen=True)
class Definition:
    code: str
    nama: str
    pembilang: str
    penyebut: str | None
    satuan: str
    arah: IndicatorDirection
    sumber: str | None
    iku: bool


def file_definitions() -> list[Definition]:
    rows = indicator_data()["indikator"]
    return [
        Definition(
            code=r["code"],
            nama=r["nama"],
            pembilang=r["pembilang"],
            penyebut=r.get("penyebut"),
            satuan=r["satuan"],
            arah=IndicatorDirection(r.get("arah", "naik")),
            sumber=r.get("sumber"),
            iku=bool(r.get("iku", False)),
        )
        for r in rows
    ]


def definitions() -> list[Definition]:
    """The stored definitions in order, then those the shipped file adds that are not stored yet
    (every one until `load_definitions` has run)."""
    rows = db.session.scalars(select(IndicatorDefinition).order_by(IndicatorDefinition.urutan))
    stored = [
        Definition(**{"code": r.code, **{f: getattr(r, f) for f in DEFINITION_FIELDS}})
        for r in rows
    ]
    have = {d.code for d in stored}
    shipped = [d for d in file_definitions() if d.code not in have]
    return [d for d in (*stored, *shipped) if d.code in FORMULAS]


def load_definitions(actor) -> int:
    """Add the shipped definitions that are missing (a district's edits are kept); return how many."""
    have = set(db.session.scalars(select(IndicatorDefinition.code)))
    added = 0
    for position, item in enumerate(file_definitions()):
        if item.code in have:
            continue
        row = IndicatorDefinition(code=item.code, urutan=position)
        for field in DEFINITION_FIELDS:
            setattr(row, field, getattr(item, field))
        db.session.add(row)
        added += 1
    if added:
        audit.record(actor, "indicator.load_definitions", None, None, {"added": added})
    db.session.commit()
    return added


def update_definition(actor, code: str, values: dict) -> IndicatorDefinition:
    if db.session.get(IndicatorDefinition, code) is None:
        load_definitions(actor)
    row = db.session.get(IndicatorDefinition, code)
    before = audit.snapshot(row)
    for field in DEFINITION_FIELDS:
        if field in values:
            setattr(row, field, values[field])
    audit.record(actor, "indicator.update_definition", row, before, audit.snapshot(row))
    db.session.commit()
    return row


def load_demo_targets(actor) -> int:
    """The LKjIP 2025 targets and PDRB ADHB shipped in the data file, where none is set yet."""
    data, added = indicator_data(), 0
    for item in data.get("target", []):
        if db.session.get(Target, (item["code"], item["tahun"])) is None:
            db.session.add(
                Target(
                    indicator_code=item["code"], tahun=item["tahun"], nilai=Decimal(item["nilai"])
                )
            )
            added += 1
    for item in data.get("pdrb", []):
        if db.session.get(Pdrb, item["tahun"]) is None:
            db.session.add(Pdrb(tahun=item["tahun"], nilai=int(item["nilai"])))
            added += 1
    if added:
        audit.record(actor, "indicator.load_demo_targets", None, None, {"added": added})
    db.session.commit()
    return added


def set_target(actor, code: str, tahun: int, nilai: Decimal | None) -> None:
    """Set (or with None remove) the target of an indicator for a year."""
    row = db.session.get(Target, (code, tahun))
    before = {"nilai": str(row.nilai)} if row else None
    if nilai is None:
        if row is not None:
            db.session.delete(row)
    else:
        row = row or Target(indicator_code=code, tahun=tahun)
        row.nilai = nilai
        db.session.add(row)
    after = {"nilai": str(nilai)} if nilai is not None else None
    audit.record(
        actor, "indicator.set_target", None, before, {"code": code, "tahun": tahun, **(after or {})}
    )
    db.session.commit()


def set_pdrb(actor, tahun: int, nilai: int | None) -> None:
    row = db.session.get(Pdrb, tahun)
    before = {"tahun": tahun, "nilai": row.nilai} if row else None
    if nilai is None:
        if row is not None:
            db.session.delete(row)
    else:
        row = row or Pdrb(tahun=tahun)
        row.nilai = nilai
        db.session.add(row)
    audit.record(actor, "indicator.set_pdrb", None, before, {"tahun": tahun, "nilai": nilai})
    db.session.commit()


def change_settings(actor, values: dict) -> None:
    before = {key: get_setting(key) for key in values}
    for key, value in values.items():
        set_setting(key, value)
    audit.record(actor, "indicator.settings", None, before, values)
    db.session.commit()


def pdrb_table() -> list[tuple[int, int]]:
    """Every (year, value) of PDRB ADHB entered, oldest first."""
    return [(r.tahun, r.nilai) for r in db.session.scalars(select(Pdrb).order_by(Pdrb.tahun))]


def pdrb_in(table: list[tuple[int, int]], year: int) -> tuple[int, int] | None:
    """`pdrb_for(year)` looked up in a `pdrb_table()`."""
    position = bisect_right(table, year, key=lambda row: row[0])
    return table[position - 1] if position else None


def pdrb_for(year: int) -> tuple[int, int] | None:
    """(year, value) of the PDRB ADHB of `year`, or of the latest published year before it."""
    return pdrb_in(pdrb_table(), year)


def targets_for(year: int) -> dict[str, Decimal]:
    rows = db.session.scalars(select(Target).where(Target.tahun == year))
    return {r.indicator_code: Decimal(r.nilai) for r in rows}


def all_targets() -> dict[tuple[str, int], Decimal]:
    return {
        (r.indicator_code, r.tahun): Decimal(r.nilai) for r in db.session.scalars(select(Target))
    }


def available_years() -> list[int]:
    """Years in which a counted report says a RAT was held, oldest first."""

    def first(extreme):  # alone in its query, each reads one entry of an index on the date
        return select(extreme(Report.tanggal_rat)).where(counted_report()).scalar_subquery()

    dates = db.session.execute(select(first(func.min), first(func.max))).one()
    if dates[0] is None:
        return []
    first, last = (int(str(d)[:4]) for d in dates)
    return list(range(first, last + 1))


def indicator_list(
    counts: dict, defs: list[Definition], targets: dict[str, Decimal], reaches=None
) -> list[dict]:
    """Each indicator's figures; one whose years the records do not reach (`reaches(code)`
    false, see coverage.py) has none: "belum ada data", never 0."""
    rows = []
    for item in defs:
        numerator, denominator, value = evaluate(item.code, counts)
        has_data = reaches is None or reaches(item.code)
        if not has_data:
            numerator = denominator = value = None
        target = targets.get(item.code)
        achieved = capaian(value, target, item.arah == IndicatorDirection.TURUN)
        rows.append(
            {
                "code": item.code,
                "name": item.nama,
                "numerator": numerator,
                "denominator": denominator,
                "counts": counts_of(item.code),
                "has_data": has_data,
                "value": value,
                "unit": item.satuan,
                "target": target,
                "capaian": achieved,
                "kategori_capaian": kategori(achieved),
            }
        )
    return rows


def reach(year: int, years: list[int] | None = None):
    """`reaches(code)` for `indicator_list`: whether the records reach `code` of `year`."""
    years = available_years() if years is None else years
    window = int(get_setting("aktif_window"))
    return lambda code: known(code, year, years, window)


def summed(rows: list[dict]) -> dict[str, int]:
    """The counts of `rows` added up (the province-wide counts of a year's group rows)."""
    return {c: sum(int(row[c]) for row in rows) for c in COUNTS}


def group_names(by: str) -> list[str]:
    if by == "kecamatan":
        return list(db.session.scalars(select(Region.kecamatan).order_by(Region.kecamatan)))
    return list(JENIS_LABELS.values())


def indicator_report(
    year: int, by: str | None = None, rows: list[dict] | None = None, years: list[int] | None = None
) -> dict:
    """All indicators of `year` with targets and capaian; with `by`, the same list per group.

    `rows` are the year's counts per (kecamatan, jenis) as dicts (`group_counts` records); by
    default the stored ones (series.py). `years`: those with records (`available_years`).
    """
    rows = count_rows(year) if rows is None else rows
    pdrb = pdrb_for(year)
    nilai = pdrb and pdrb[1]
    defs, reaches = definitions(), reach(year, years)
    report = {
        "year": year,
        "pdrb": {"tahun": pdrb[0], "nilai": pdrb[1]} if pdrb else None,
        "indicators": indicator_list(
            {**summed(rows), "pdrb": nilai}, defs, targets_for(year), reaches
        ),
        "by": {},
    }
    if by:
        for group in breakdown(rows, by):
            report["by"][group["name"]] = indicator_list(
                {**group, "pdrb": nilai}, defs, {}, reaches
            )
    return report


def group_keys(by: str) -> dict[str, object]:
    """{group name: what the register's filter asks for it (region id, jenis code)}."""
    if by == "kecamatan":
        return dict(db.session.execute(select(Region.kecamatan, Region.id)).all())
    return {label: jenis.value for jenis, label in JENIS_LABELS.items()}


def breakdown(rows: list[dict], by: str, only: object = None) -> list[dict]:
    """Counts per kecamatan or jenis (`name`, and `key` for the register's filter), every group
    present (zeros where none; with `only`, the group of that key alone), in name order."""
    keys = group_keys(by)
    groups = {name: dict.fromkeys(COUNTS, 0) for name in group_names(by)}
    for row in rows:
        counts = groups.setdefault(row[by], dict.fromkeys(COUNTS, 0))
        for c in COUNTS:
            counts[c] += int(row[c])
    table = [{"name": name, "key": keys.get(name), **counts} for name, counts in groups.items()]
    return [row for row in table if only is None or row["key"] == only]


def trends(
    years: list[int],
    given: dict[int, dict[str, int]] | None = None,
    scope: Scope = EVERYWHERE,
) -> dict:
    """Per indicator code, the value and target of each year (oldest first) in the scope.

    The counts of a year in `given` are used as they are, the others come from the stored series
    (series.py); targets, PDRB and definitions are read now, so an edit to them shows at once.
    A figure the records do not reach has the value None (coverage.py).
    """
    counts = yearly_counts(years, given, scope)
    defs, targets, pdrb = definitions(), all_targets(), pdrb_table()
    series: dict[str, list[dict]] = {}
    for year in years:
        published = pdrb_in(pdrb, year)
        figures = {**counts[year], "pdrb": published and published[1]}
        for item in indicator_list(figures, defs, {}, reach(year, years)):
            series.setdefault(item["code"], []).append(
                {
                    "year": year,
                    "value": item["value"],
                    "has_data": item["has_data"],
                    "target": targets.get((item["code"], year)),
                }  # fmt: skip
            )
    return series


def compliance(year: int, scope: Scope = EVERYWHERE) -> list[dict]:
    """Per kecamatan: no report for the counted tahun buku, KSP/USP not assessed, review > 30 days."""
    return shown(year).compliance(scope)

"""What the peer comparison and the early warnings read, loaded for every cooperative at once.

Two queries make a year's frame: the register (with kecamatan and kabupaten), and the report
versions of the tahun buku and the two before it — every version of the year itself (how late
its report came, sikomo/lateness.py), only the newest counted version (`counted_latest`) of the
years before — each with the line items the ratios read from its `data` and, for the newest
counted version, the predikat of the latest decided assessment of its tahun buku. The line items
are read from the JSON in the database: one `jsonb_to_record` per row on PostgreSQL (the document
is decompressed once, not once per key), one multi-path `json_extract` on SQLite.
"""

import json
from collections.abc import Sequence

import numpy as np
import pandas as pd
from sqlalchemy import BigInteger, Text, case, cast, column, func, or_, select, true
from sqlalchemy.orm import aliased

from sikomo.extensions import db
from sikomo.indicators.facts import without_jit
from sikomo.models import Assessment, AssessmentStatus, Cooperative, Predikat, Region, Report
from sikomo.review.values import PREDIKAT_RANK
from sikomo.supervision.config import Config

DECIDED = (AssessmentStatus.APPROVED, AssessmentStatus.IMPORTED)
REGISTER_COLUMNS = ("cooperative_id", "nama", "nik", "region_id", "kecamatan", "kabupaten",
                    "jenis", "simpan_pinjam", "tanggal_badan_hukum")  # fmt: skip
REPORT_COLUMNS = ("report_id", "cooperative_id", "tahun_buku", "version", "status", "imported",
                  "submitted_at", "tanggal_rat", "counted_latest", "total_aset", "total_aset_lalu",
                  "volume_usaha", "volume_usaha_lalu", "predikat")  # fmt: skip
BY_RANK = {rank: p.value for p, rank in PREDIKAT_RANK.items()}
REPORT_FIGURES = ("total_aset", "total_aset_lalu", "volume_usaha", "volume_usaha_lalu")


def register(ids: Sequence[int] | None = None) -> pd.DataFrame:
    """One row per cooperative on the register (or of `ids`)."""
    query = select(
        Cooperative.id.label("cooperative_id"), Cooperative.nama, Cooperative.nik,
        Cooperative.region_id, Region.kecamatan, Region.kabupaten, Cooperative.jenis,
        Cooperative.simpan_pinjam, Cooperative.tanggal_badan_hukum,
    ).join(Region, Region.id == Cooperative.region_id)  # fmt: skip
    if ids is not None:
        query = query.where(Cooperative.id.in_(list(ids)))
    frame = pd.DataFrame(db.session.execute(query).all(), columns=list(REGISTER_COLUMNS))
    frame["jenis"] = frame["jenis"].map(lambda j: getattr(j, "value", j))
    return frame


def register_of(cooperatives) -> pd.DataFrame:
    """The register frame of cooperatives already loaded (with their region): no query."""
    rows = [(c.id, c.nama, c.nik, c.region_id, c.region.kecamatan, c.region.kabupaten,
             c.jenis.value, c.simpan_pinjam, c.tanggal_badan_hukum) for c in cooperatives]  # fmt: skip
    return pd.DataFrame(rows, columns=list(REGISTER_COLUMNS))


def latest_predikat():
    """The rank (0 best) of the predikat of the latest decided assessment of the row's
    cooperative and tahun buku: max(id × 4 + rank) carries the latest row's rank along with its
    id, so the subquery is an aggregate over two index lookups, never a scan in id order."""
    other = aliased(Report)
    rank = case(*((Assessment.predikat == p, PREDIKAT_RANK[p]) for p in Predikat), else_=None)
    return (
        select(func.max(cast(Assessment.id, BigInteger) * 4 + rank) % 4)
        .join(other, other.id == Assessment.report_id)
        .where(
            other.cooperative_id == Report.cooperative_id,
            other.tahun_buku == Report.tahun_buku,
            Assessment.status.in_(DECIDED),
        )
        .correlate(Report)
        .scalar_subquery()
    )


def json_keys(cfg: Config) -> list[str]:
    """The line items read from the JSON: those without a column of their own."""
    return [k for k in cfg.line_items if k not in REPORT_COLUMNS]


def base_columns() -> list:
    return [
        Report.id.label("report_id"), Report.cooperative_id, Report.tahun_buku, Report.version,
        Report.status, Report.imported, Report.submitted_at, Report.tanggal_rat,
        Report.counted_latest, Report.total_aset, Report.total_aset_lalu, Report.volume_usaha,
        Report.volume_usaha_lalu,
    ]  # fmt: skip


def when_latest(value):
    """`value` on the newest counted version only (CASE is lazy: nothing is read for others)."""
    return case((Report.counted_latest.is_(True), value), else_=None)


def reports_query(cfg: Config, year: int, first: int, ids: Sequence[int] | None, dialect: str):
    """Report versions of tahun buku `first` .. `year`: all of `year`, the counted newest before."""
    keys = json_keys(cfg)
    columns = [*base_columns(), when_latest(latest_predikat()).label("predikat")]
    if dialect == "postgresql":
        record = (
            func.jsonb_to_record(when_latest(Report.data))
            .table_valued(*(column(k, Text) for k in keys))
            .render_derived(with_types=True)
            .lateral("items")
        )
        query = select(*columns, *(record.c[k] for k in keys)).select_from(Report)
        query = query.outerjoin(record, true())
    else:
        extracted = func.json_extract(Report.data, *(f"$.{k}" for k in keys))
        query = select(*columns, when_latest(extracted).label("items"))
    query = query.where(
        Report.tahun_buku.between(first, year),
        or_(Report.counted_latest.is_(True), Report.tahun_buku == year),
    )
    if ids is not None:
        query = query.where(Report.cooperative_id.in_(list(ids)))
    return query


def numbers(rows: list) -> np.ndarray:
    """Rows of figures as floats (None: NaN); a figure that is not a number is blank."""
    try:
        return np.array(rows, dtype="float64").reshape(len(rows), -1)
    except (TypeError, ValueError):
        frame = pd.DataFrame(rows).apply(pd.to_numeric, errors="coerce")
        return frame.to_numpy(dtype="float64")


def reports(cfg: Config, year: int, first: int, ids: Sequence[int] | None = None) -> pd.DataFrame:
    """The report versions of `first` .. `year` with their line items as numbers (NaN: blank)."""
    dialect = db.session.get_bind().dialect.name
    keys = json_keys(cfg)
    without_jit(db.session.connection())  # PostgreSQL JIT-compiles it for longer than it runs
    rows = db.session.execute(reports_query(cfg, year, first, ids, dialect)).all()
    width = len(REPORT_COLUMNS)
    if dialect == "postgresql":
        items = [row[width:] for row in rows]
    else:
        empty = [None] * len(keys)
        items = [json.loads(row[-1]) if row[-1] else empty for row in rows]
    frame = pd.DataFrame([row[:width] for row in rows], columns=list(REPORT_COLUMNS))
    figures = numbers(items) if rows else np.zeros((0, len(keys)))
    extra = {key: figures[:, i] for i, key in enumerate(keys)}
    for key in ("total_aset", "total_aset_lalu", "volume_usaha", "volume_usaha_lalu"):
        extra[key] = numbers([[v] for v in frame[key]])[:, 0] if rows else np.zeros(0)
    frame = frame.drop(columns=list(REPORT_FIGURES)).assign(**extra)
    frame["status"] = [getattr(s, "value", s) for s in frame["status"]]
    frame["predikat"] = [None if pd.isna(r) else BY_RANK[int(r)] for r in frame["predikat"]]
    return frame

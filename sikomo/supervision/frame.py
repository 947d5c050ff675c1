"""What the peer comparison and the early warnings read, loaded for every cooperative at once.

A year's frame is four narrow reads, each a range of an index or a small table, none joining a
row per cooperative and none reading a report's JSON:

- `register`: each cooperative's region, jenis and date of badan hukum (the names are read only
  for the flags shown, `names`);
- `counted`: the newest counted version (`counted_latest`) of each tahun buku of the window, as
  its line-item vector (figures.py) and whether it has a RAT date, with the predikat of the
  latest decided assessment of that tahun buku;
- `versions`: every version of the year itself (how late its report came, sikomo/lateness.py).

Rows come as the driver gives them, dates as ISO text, and pandas reads each column at once
(rules.py): one Python object per value is what a frame of 200,000 cooperatives costs.
"""

from collections.abc import Sequence

import numpy as np
import pandas as pd
from sqlalchemy import BigInteger, String, case, cast, func, select, true

from sikomo.extensions import db
from sikomo.indicators.facts import without_jit
from sikomo.models import (
    Assessment,
    AssessmentStatus,
    Cooperative,
    Predikat,
    Region,
    Report,
)
from sikomo.review.values import PREDIKAT_RANK
from sikomo.supervision import figures
from sikomo.supervision.config import Config
from sikomo.supervision.rules import Counted

DECIDED = (AssessmentStatus.APPROVED, AssessmentStatus.IMPORTED)
YEARS = 10_000  # cooperative id × YEARS + tahun buku: one number per counted report
REGISTER_COLUMNS = ("cooperative_id", "region_id", "kecamatan", "kabupaten", "jenis",
                    "simpan_pinjam", "tanggal_badan_hukum")  # fmt: skip
VERSION_COLUMNS = ("cooperative_id", "tahun_buku", "version", "status", "imported",
                   "submitted_at", "tanggal_rat")  # fmt: skip


def fetch(query) -> list[tuple]:
    """The rows of a query as the driver gives them, on the session's own connection: no
    SQLAlchemy row or type processing, which costs more than the database's own reading at
    this size. The query holds only numbers and codes, rendered inline, and no `%` (psycopg
    would read the compiled `%%` as it stands). These reads bypass SQLAlchemy's cursor events,
    so statement counters (tests/statements.py) do not see them."""
    connection = db.session.connection()
    sql = query.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True})
    binary = {"binary": True} if connection.dialect.name == "postgresql" else {}  # raw bytea
    cursor = connection.connection.cursor(**binary)
    try:
        cursor.execute(str(sql))
        return cursor.fetchall()
    finally:
        cursor.close()


def register(ids: Sequence[int] | None = None) -> pd.DataFrame:
    """One row per cooperative on the register (or of `ids`), by id."""
    query = select(Cooperative.id, Cooperative.region_id, Cooperative.jenis,
                   Cooperative.simpan_pinjam, text(Cooperative.tanggal_badan_hukum))  # fmt: skip
    if ids is not None:
        query = query.where(Cooperative.id.in_(list(ids)))
    rows = fetch(query.order_by(Cooperative.id))
    columns = [c for c in REGISTER_COLUMNS if c not in ("kecamatan", "kabupaten")]
    frame = pd.DataFrame(rows, columns=columns)
    regions = {r.id: r for r in db.session.scalars(select(Region))}
    for key in ("kecamatan", "kabupaten"):
        frame[key] = frame["region_id"].map({i: getattr(r, key) for i, r in regions.items()})
    return frame[list(REGISTER_COLUMNS)]


def register_of(cooperatives) -> pd.DataFrame:
    """The register frame of cooperatives already loaded (with their region): no query."""
    rows = [(c.id, c.region_id, c.region.kecamatan, c.region.kabupaten, c.jenis.value,
             c.simpan_pinjam, c.tanggal_badan_hukum) for c in cooperatives]  # fmt: skip
    return pd.DataFrame(rows, columns=list(REGISTER_COLUMNS))


def names(ids: Sequence[int]) -> pd.DataFrame:
    """Name and NIK of these cooperatives, indexed by id (for the flags a page shows)."""
    query = select(Cooperative.id, Cooperative.nama, Cooperative.nik)
    rows = fetch(query.where(Cooperative.id.in_(list(ids)))) if ids else []
    return pd.DataFrame(rows, columns=["cooperative_id", "nama", "nik"]).set_index("cooperative_id")


def text(column):
    """A date or moment as ISO text: pandas parses a column of such strings at once, faster
    than it converts the driver's date objects one by one (rules.py reads them)."""
    return cast(column, String)


def in_window(query, year: int, first: int, ids: Sequence[int] | None):
    query = query.where(Report.tahun_buku.between(first, year))
    return query.where(Report.cooperative_id.in_(list(ids))) if ids is not None else query


def ranks(year: int, first: int, ids: Sequence[int] | None) -> pd.DataFrame:
    """(cooperative_id, tahun_buku, rank) of the latest decided assessment of each tahun buku
    that has one: max(id × 4 + rank) carries the latest row's rank along with its id."""
    rank = case(*((Assessment.predikat == p, PREDIKAT_RANK[p]) for p in Predikat), else_=None)
    query = (
        select(
            Report.cooperative_id,
            Report.tahun_buku,
            func.max(cast(Assessment.id, BigInteger) * 4 + rank),
        )
        .select_from(Assessment)
        .join(Report, Report.id == Assessment.report_id)
        .where(Assessment.status.in_(DECIDED), Assessment.predikat.is_not(None))
        .group_by(Report.cooperative_id, Report.tahun_buku)
    )
    rows = fetch(in_window(query, year, first, ids))
    found = pd.DataFrame(rows, columns=["cooperative_id", "tahun_buku", "rank"], dtype="int64")
    return found.assign(rank=found["rank"] % 4)


def counted(cfg: Config, year: int, first: int, ids: Sequence[int] | None = None) -> Counted:
    """The counted reports of tahun buku `first` .. `year` with their line items; a vector
    missing or of another layout is written first, from the report's JSON (figures.fill)."""
    without_jit(db.session.connection())  # PostgreSQL JIT-compiles it for longer than it runs
    stale = figures.of_another_layout(cfg)
    query = select(
        case((stale, Report.id), else_=None),  # the id only where the vector must be written
        Report.cooperative_id, Report.tahun_buku, Report.tanggal_rat.is_not(None),
        case((stale, None), else_=Report.figures),
    ).where(Report.counted_latest == true())  # fmt: skip  # "= true" is an index condition
    rows = fetch(in_window(query, year, first, ids))
    vectors = [row[4] for row in rows]
    missing = [row[0] for row in rows if row[0] is not None]
    if missing:
        filled = figures.fill(cfg, missing, limit=figures.FILL_LIMIT)
        vectors = [filled.get(row[0], v) for row, v in zip(rows, vectors, strict=True)]
        without_jit(db.session.connection())  # a commit ended the transaction that set it
    names = figures.keys(cfg)
    cids, years, held = (np.fromiter((row[i] for row in rows), "float64", len(rows))
                         for i in (1, 2, 3))  # fmt: skip
    # a year's predikat is compared with the year before's: the window's first year is read
    # for its ratios only
    found = ranks(year, first + 1, ids)
    at = pd.Index(found["cooperative_id"] * YEARS + found["tahun_buku"]).get_indexer(
        cids * YEARS + years
    )
    rank = np.append(found["rank"].to_numpy(dtype="float64"), np.nan)[at]  # -1: none, NaN
    return Counted(cids.astype("int64"), years.astype("int64"), held, rank,
                   figures.unpack(vectors, len(names)), names)  # fmt: skip


def versions(year: int, first: int | None = None, ids: Sequence[int] | None = None) -> pd.DataFrame:
    """Every version of the reports of `first` (default: `year`) .. `year`: statuses as stored,
    moments as the driver reads them."""
    query = select(Report.cooperative_id, Report.tahun_buku, Report.version, Report.status,
                   Report.imported, text(Report.submitted_at), text(Report.tanggal_rat))  # fmt: skip
    rows = fetch(in_window(query, year, year if first is None else first, ids))
    return pd.DataFrame(rows, columns=list(VERSION_COLUMNS))

"""The line items a year's frame reads, kept on each report version as one float64 vector.

Taking the ratios' 29 line items out of every report's JSON made a district's early warnings
slow (30 s for 20,000 cooperatives), and reading them as columns would still make millions of
Python numbers. So each version's items (`keys(cfg)`: the report figures, then the ratios' line
items) are kept in `Report.figures` as float64 bytes (NaN: blank), carried in the year index
(ix_report_year_frame), and a year of 200,000 reports becomes one array with one `np.frombuffer`.

Written with the report (the mapper listener below sets them with the data it is computed from,
in the same INSERT or UPDATE, so they are never stale); `fill` writes the vectors a read finds
missing or of another layout — reports loaded in bulk without the ORM, or written before
rasio.toml changed — taking the items out of the JSON in the database: one `jsonb_to_record`
per row on PostgreSQL (the document is decompressed once, not once per key), one multi-path
`json_extract` on SQLite.
"""

import hashlib
import json
from collections.abc import Sequence

import numpy as np
from flask import current_app
from sqlalchemy import Text, bindparam, column, event, func, or_, select, true, update
from sqlalchemy.orm.attributes import get_history

from sikomo.extensions import db
from sikomo.models import Report
from sikomo.supervision.attribution import number
from sikomo.supervision.config import Config, config

FIGURES = ("total_aset", "total_aset_lalu", "volume_usaha", "volume_usaha_lalu")
CHUNK = 5_000  # reports filled per statement (and per commit)
FILL_LIMIT = 5_000  # vectors a page stores before answering; refresh-scores stores the rest


def keys(cfg: Config) -> tuple[str, ...]:
    """The line items of a vector, in its order."""
    return tuple(dict.fromkeys([*FIGURES, *cfg.line_items]))


def layout(cfg: Config) -> str:
    return hashlib.sha256(",".join(keys(cfg)).encode()).hexdigest()[:16]


def of_another_layout(cfg: Config):
    """SQL: the report's vector is missing or of another layout than `cfg`'s (to be written)."""
    return or_(Report.figures_layout.is_(None), Report.figures_layout != layout(cfg))


def pack(values: Sequence) -> bytes:
    """Figures as a vector: a blank, or anything that is not a finite number, is NaN."""
    numbers = (number(v) for v in values)
    return np.array([np.nan if v is None else v for v in numbers], dtype="<f8").tobytes()


def unpack(vectors: Sequence[bytes | None], width: int) -> np.ndarray:
    """(rows, width) floats; a row without a vector is all NaN."""
    blank = np.full(width, np.nan, dtype="<f8").tobytes()
    joined = b"".join(blank if v is None else v for v in vectors)
    return np.frombuffer(joined, dtype="<f8").reshape(len(vectors), width)


@event.listens_for(Report, "before_insert")
def _vector_of_new_data(mapper, connection, target: Report) -> None:
    write_vector(target)


@event.listens_for(Report, "before_update")
def _vector_of_changed_data(mapper, connection, target: Report) -> None:
    """Only when the data changed: a report touched otherwise (its status, a relationship)
    keeps its row as it was, version included."""
    if get_history(target, "data").has_changes():
        write_vector(target)


def write_vector(report: Report) -> None:
    cfg = config()
    report.figures = pack([(report.data or {}).get(k) for k in keys(cfg)])
    report.figures_layout = layout(cfg)


def items_query(report_ids: Sequence[int], names: Sequence[str], dialect: str):
    """(id, the line items) of each report, out of its JSON."""
    if dialect == "postgresql":
        record = (
            func.jsonb_to_record(Report.data)
            .table_valued(*(column(k, Text) for k in names))
            .render_derived(with_types=True)
            .lateral("items")
        )
        query = select(Report.id, *(record.c[k] for k in names)).select_from(Report)
        query = query.join(record, true())
    else:
        query = select(Report.id, func.json_extract(Report.data, *(f"$.{k}" for k in names)))
    return query.where(Report.id.in_(list(report_ids)))


def fill(cfg: Config, report_ids: Sequence[int], limit: int | None = None) -> dict[int, bytes]:
    """The vectors of these reports from their JSON; {report id: vector}. Written too, each
    chunk committed on its own (a read's session holds nothing else), so the next read finds
    them — unless there are more than `limit` (a page: FILL_LIMIT), which are computed for the
    caller only until `flask refresh-scores` (fill_missing) stores them all. A report written
    meanwhile keeps the vector of its own write (only another layout is replaced)."""
    names, code = keys(cfg), layout(cfg)
    dialect = db.session.get_bind().dialect.name
    ids = list(report_ids)
    store = limit is None or len(ids) <= limit
    if not store:
        current_app.logger.warning(
            "%d laporan tanpa angka peringatan dini: jalankan flask refresh-scores", len(ids)
        )
    write = (
        update(Report.__table__)
        .where(Report.id == bindparam("report_id"), of_another_layout(cfg))
        # a derived value, not an edit: the report's own timestamp stays
        .values(figures=bindparam("vector"), figures_layout=code, updated_at=Report.updated_at)
    )
    vectors: dict[int, bytes] = {}
    for start in range(0, len(ids), CHUNK):
        rows = db.session.execute(items_query(ids[start : start + CHUNK], names, dialect)).all()
        for row in rows:
            values = row[1:] if dialect == "postgresql" else json.loads(row[1] or "null")
            vectors[row[0]] = pack(values or [None] * len(names))
        if store and rows:
            db.session.connection().execute(
                write, [{"report_id": row[0], "vector": vectors[row[0]]} for row in rows]
            )
            db.session.commit()
    return vectors


def fill_missing(cfg: Config | None = None) -> int:
    """Write every report version's vector that is missing or of another layout — after an
    upgrade, a bulk load or a change of rasio.toml — so no page fills thousands; the number."""
    cfg = cfg or config()
    query = select(Report.id).where(of_another_layout(cfg)).order_by(Report.id)
    ids = list(db.session.scalars(query))
    fill(cfg, ids)
    return len(ids)

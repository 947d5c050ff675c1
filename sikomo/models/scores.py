"""The engine's reading of one report version, stored once: derived data, like IndicatorFact.

Two tables: `ReportScore` holds the narrow columns the review queue filters, sorts and counts
by, `ReportResult` the queue row and the full explained result (JSON, about 50 KB). Kept apart,
no queue query ever reads a wide row, whatever plan the database chooses.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, deferred, mapped_column

from sikomo.extensions import db
from sikomo.models.base import Jenis, JSONType, ReportStatus, str_enum, utcnow

# What the queue filters on besides its sort keys, in every covering index below.
FILTERED = ("engine_version", "region_id", "jenis", "tahun_buku", "rank_best", "rank_worst",
            "flags")  # fmt: skip


class ReportScore(db.Model):
    """What the review queue shows and sorts by for one report version.

    Written by sikomo/review/scores.py when a row is missing or was computed by another engine
    (`engine_version`: the rulesets, the report schema and the stored format); dropped by its
    flush listener whenever the report, its review, an assessment or the cooperative changes,
    for every report of that cooperative (last year's figures and predikat feed this year's).
    So the report's status and tahun buku and its cooperative's kecamatan and jenis, copied
    here, are those of the report while the row exists.
    """

    report_id: Mapped[int] = mapped_column(
        ForeignKey("report.id", ondelete="CASCADE"), primary_key=True
    )
    engine_version: Mapped[str] = mapped_column(String(80))
    status: Mapped[ReportStatus] = mapped_column(str_enum(ReportStatus))
    tahun_buku: Mapped[int] = mapped_column(Integer)
    region_id: Mapped[int] = mapped_column(Integer)
    jenis: Mapped[Jenis] = mapped_column(str_enum(Jenis))
    risk: Mapped[int] = mapped_column(Integer)  # flag weights + predikat severity
    # Since when the report waits (submitted, else last changed): the queue's second sort key.
    waiting: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    flags: Mapped[str] = mapped_column(String(100))  # " turun rasio ": codes between spaces
    # Predikat ranks (0 best) the report can have: both equal once decided or complete, the
    # provisional range otherwise; None when there is none (not scored, refused, no range).
    rank_best: Mapped[int | None] = mapped_column(Integer)
    rank_worst: Mapped[int | None] = mapped_column(Integer)
    # What the queue's other sort orders read: the engine's total (the lower end of a provisional
    # range: a blank never sorts a report as safer; the decided score once decided), the name.
    score: Mapped[float | None] = mapped_column(Float)
    nama: Mapped[str | None] = mapped_column(String(200))
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


def _queue_order(*leading: str, then: tuple[str, ...] = ()) -> list:
    columns = ReportScore.__table__.c
    order = [columns.risk.desc(), columns.waiting, columns.report_id]
    return [
        *(columns[c] for c in leading),
        *order,
        *(columns[c] for c in then),
        *(columns[c] for c in FILTERED),
    ]


# Covering indexes, so the queue never reads a row: one status's rows in queue order, and every
# row in queue order (all statuses, a page of which is the first rows that match).
Index("ix_report_score_status_order", *_queue_order("status"))
Index("ix_report_score_order", *_queue_order(then=("status",)))
# One status's rows in each other sort order (sikomo/review/queue.py SORTS), a page read in order.
Index(
    "ix_report_score_status_waiting", ReportScore.status, ReportScore.waiting, ReportScore.report_id
)
Index("ix_report_score_status_score", ReportScore.status, ReportScore.score, ReportScore.report_id)
Index("ix_report_score_status_nama", ReportScore.status, ReportScore.nama, ReportScore.report_id)
# ... and every status's rows (status=semua) in waiting or name order, the status and engine read
# from the index, so a page stops after its rows. A score order over every status sorts in memory:
# its unscored rows go last either way (NULLS LAST), which no plain index keeps in both databases.
Index("ix_report_score_waiting_all", ReportScore.waiting, ReportScore.report_id,
      ReportScore.status, ReportScore.engine_version)  # fmt: skip
Index("ix_report_score_nama_all", ReportScore.nama, ReportScore.report_id, ReportScore.status,
      ReportScore.engine_version)  # fmt: skip
# What `scores.stored_count` counts: a table scan of 100,000 rows costs three times as much.
Index("ix_report_score_count", ReportScore.status, ReportScore.engine_version)


class ReportResult(db.Model):
    """The wide half of a stored row: written and dropped with its `ReportScore`."""

    report_id: Mapped[int] = mapped_column(
        ForeignKey("report.id", ondelete="CASCADE"), primary_key=True
    )
    summary: Mapped[dict[str, Any]] = mapped_column(JSONType)  # the queue row, see scores.py
    # The engine's full explained result (scoring.Assessment.to_dict), None when not scored.
    result: Mapped[dict[str, Any] | None] = deferred(mapped_column(JSONType))

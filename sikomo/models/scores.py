"""The engine's reading of one report version, stored once: derived data, like IndicatorFact."""

from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, deferred, mapped_column

from sikomo.extensions import db
from sikomo.models.base import JSONType, utcnow


class ReportScore(db.Model):
    """What the review queue shows and sorts by for one report version, and the full live result.

    Written by sikomo/review/scores.py when a row is missing or was computed by another engine
    (`engine_version`: the rulesets, the report schema and the stored format); dropped by its
    flush listener whenever the report, its review, an assessment or the cooperative changes,
    for every report of that cooperative (last year's figures and predikat feed this year's).
    """

    # The queue joins every matching report to its row and sorts: a covering index, so the
    # join never reads the wide rows (summary, result).
    __table_args__ = (
        Index("ix_report_score_queue", "report_id", "engine_version", "risk", "waiting",
              "rank_best", "rank_worst", "flags"),
    )  # fmt: skip

    report_id: Mapped[int] = mapped_column(
        ForeignKey("report.id", ondelete="CASCADE"), primary_key=True
    )
    engine_version: Mapped[str] = mapped_column(String(80))
    risk: Mapped[int] = mapped_column(Integer)  # flag weights + predikat severity
    # Since when the report waits (submitted, else last changed): the queue's second sort key,
    # copied here so the sort never reads the wide report rows.
    waiting: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    flags: Mapped[str] = mapped_column(String(100))  # " turun rasio ": codes between spaces
    # Predikat ranks (0 best) the report can have: both equal once decided or complete, the
    # provisional range otherwise; None when there is none (not scored, refused, no range).
    rank_best: Mapped[int | None] = mapped_column(Integer)
    rank_worst: Mapped[int | None] = mapped_column(Integer)
    summary: Mapped[dict[str, Any]] = mapped_column(JSONType)  # the queue row, see scores.py
    # The engine's full explained result (scoring.Assessment.to_dict), None when not scored.
    result: Mapped[dict[str, Any] | None] = deferred(mapped_column(JSONType))
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

"""Derived data the Dinas indicators keep beside the facts: moved flags and the yearly counts.

Both are written by sikomo/indicators (facts.py, series.py) and can be recomputed from the
reports at any time (`flask --app sikomo indicator-facts`).
"""

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from sikomo.extensions import db
from sikomo.models.base import JSONType


class IndicatorMoved(db.Model):
    """A cooperative an older report version of which counts for `year` with `aktif_window`
    instead of the newest one (a correction moved the RAT out of the years looked at).

    Kept with the facts, for every window the settings allow (sikomo/indicators/moved.py); the
    indicators compute these few cooperatives from their report rows.
    """

    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    aktif_window: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(
        ForeignKey("cooperative.id", ondelete="CASCADE"), primary_key=True
    )


class IndicatorSeries(db.Model):
    """One indicator year: the province-wide counts every indicator is computed from, and the
    counts per kecamatan and jenis they are the sum of.

    `generation` goes up with every commit that can change the year's counts (stale.py); the
    counts hold while `computed_generation` equals it and the settings they were computed with
    are the current ones (series.py). Targets, PDRB and definitions are applied to them when
    read, never stored.
    """

    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    generation: Mapped[int] = mapped_column(Integer, default=0)
    computed_generation: Mapped[int | None] = mapped_column(Integer)
    aktif_window: Mapped[int | None] = mapped_column(Integer)
    berkualitas_criterion: Mapped[str | None] = mapped_column(String(32))
    computed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The totals of compute.COUNTS; volume usaha in rupiah.
    binaan: Mapped[int | None] = mapped_column(Integer)
    aktif: Mapped[int | None] = mapped_column(Integer)
    berkualitas: Mapped[int | None] = mapped_column(Integer)
    ksp_usp: Mapped[int | None] = mapped_column(Integer)
    sehat: Mapped[int | None] = mapped_column(Integer)
    dinilai: Mapped[int | None] = mapped_column(Integer)
    sehat_berkualitas: Mapped[int | None] = mapped_column(Integer)
    koperasi_baru: Mapped[int | None] = mapped_column(Integer)
    volume_usaha: Mapped[int | None] = mapped_column(BigInteger)
    volume_usaha_lalu: Mapped[int | None] = mapped_column(BigInteger)
    # The rows they add up from: [region id, jenis code, *COUNTS] per (kecamatan, jenis).
    groups: Mapped[list | None] = mapped_column(JSONType)
    # The compliance board's counts of the year: [region id, tanpa laporan, KSP/USP belum dinilai].
    owed: Mapped[list | None] = mapped_column(JSONType)

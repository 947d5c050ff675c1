"""Derived data the Dinas indicators keep beside the facts: the moved flags.

Written by sikomo/indicators/facts.py and recomputed from the reports at any time
(`flask --app sikomo indicator-facts`).
"""

from sqlalchemy import ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column

from sikomo.extensions import db


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

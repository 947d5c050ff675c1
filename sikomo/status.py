"""Which records count for indicator year Y.

The indicator year is the year in which RATs are *held*, as the LKjIP counts it: RATs held in 2026
approve the books of tahun buku 2025. `indicator_year` is the one place that maps a year to the
records that count for it; a district that counts differently changes only that function (and
then recomputes the stored facts that follow it: `flask --app sikomo indicator-facts`).
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, func, or_, select

from sikomo.extensions import db
from sikomo.models import COUNTED_REPORT_STATUSES, Report
from sikomo.settings import get_setting


@dataclass(frozen=True)
class IndicatorYear:
    """The records that count for indicator year `year`."""

    year: int
    window: int  # aktif: RAT held in each of these many consecutive years ending at `year`
    assessed_tahun_buku: int  # sehat / dinilai: approved assessments of this tahun buku
    founded_year: int  # koperasi baru: badan hukum dated in this year
    registered_until: date  # binaan: on the register (badan hukum) no later than this date
    reported_tahun_buku: int  # pelaporan: the tahun buku whose RAT report is due in `year`
    expected_until: date  # laporan diharapkan: on the register by the end of that tahun buku

    @property
    def window_years(self) -> range:
        return range(self.year - self.window + 1, self.year + 1)


def indicator_year(year: int, window: int | None = None) -> IndicatorYear:
    """Map indicator year Y to what counts: RATs held in Y (normally tahun buku Y-1)."""
    window = window if window is not None else int(get_setting("aktif_window"))
    return IndicatorYear(
        year=year,
        window=window,
        assessed_tahun_buku=year - 1,
        founded_year=year,
        registered_until=date(year, 12, 31),
        reported_tahun_buku=year - 1,
        expected_until=date(year - 1, 12, 31),
    )


def indicator_year_assessing(tahun_buku: int) -> int:
    """The indicator year whose sehat and dinilai count the assessments of `tahun_buku`.

    The inverse of `indicator_year`, for a mapping that shifts by a fixed number of years.
    """
    return 2 * tahun_buku - indicator_year(tahun_buku, window=1).assessed_tahun_buku


def counted_report() -> ColumnElement[bool]:
    """A report counts once submitted, approved or imported, never as a draft or returned."""
    return or_(Report.status.in_(COUNTED_REPORT_STATUSES), Report.imported.is_(True))


def rat_held_between(first_year: int, last_year: int) -> ColumnElement[bool]:
    return Report.tanggal_rat.between(date(first_year, 1, 1), date(last_year, 12, 31))


def reference_year() -> int | None:
    """The latest year in which a counted report says a RAT was held: today's status year."""
    latest = db.session.scalar(select(func.max(Report.tanggal_rat)).where(counted_report()))
    if latest is None:
        return None
    return latest.year if isinstance(latest, date) else int(str(latest)[:4])

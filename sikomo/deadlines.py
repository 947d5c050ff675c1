"""When a RAT report is due, and how late it came: the arithmetic every page and reminder shares.

A tahun buku's RAT must be held by a day of the following year (the `batas_rat` setting, month-day,
default 30 June: six months after the book year, UU 25/1992) and reported within `batas_lapor_hari`
days after the meeting (default 30, as the ministry's ODS requires). A report whose RAT date is
unknown or not yet held is due `batas_lapor_hari` days after the last RAT day."""

from datetime import UTC, date, datetime, timedelta

from sikomo.format import WIB
from sikomo.settings import get_setting


def parse_month_day(text: str) -> tuple[int, int]:
    """'06-30' -> (6, 30); raises ValueError on anything that is not a day of a year."""
    month, day = (int(part) for part in str(text).split("-"))
    date(2024, month, day)  # a leap year, so 02-29 is accepted (it falls to 28 in other years)
    return month, day


def rat_deadline(tahun_buku: int, setting: str | None = None) -> date:
    """The last day to hold the RAT of `tahun_buku`."""
    month, day = parse_month_day(setting or get_setting("batas_rat"))
    year = tahun_buku + 1
    try:
        return date(year, month, day)
    except ValueError:  # 29 February in a common year
        return date(year, month, day - 1)


def report_due(tahun_buku: int, tanggal_rat: date | None, days: int | None = None) -> date:
    """The last day to submit the report of `tahun_buku` whose RAT was held on `tanggal_rat`."""
    days = get_setting("batas_lapor_hari") if days is None else days
    start = tanggal_rat if tanggal_rat is not None else rat_deadline(tahun_buku)
    return start + timedelta(days=days)


def local_day(moment: datetime) -> date:
    """The WIB calendar day of a moment: a report sent at 23:30 WIB came in that day."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(WIB).date()


def today() -> date:
    return datetime.now(WIB).date()


def days_late(due: date, submitted_at: datetime | None, on: date | None = None) -> int:
    """Days past `due` at submission, or (not yet submitted) on `on`/today; 0 when on time.

    Submitting on the due day itself is on time."""
    day = local_day(submitted_at) if submitted_at is not None else (on or today())
    return max((day - due).days, 0)

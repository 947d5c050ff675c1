"""Reporting rates: which cooperatives owe the RAT report of a tahun buku, which sent it, and when.

For indicator year Y (RATs held in Y) the report owed is that of tahun buku Y - 1
(`IndicatorYear.reported_tahun_buku`), as for sehat and dinilai:

- diharapkan: on the register by the end of that tahun buku (a badan hukum dated no later than
  31 December, or none recorded): a cooperative founded after it has no such book year;
- masuk: of those, one with a version of that report sent to the Dinas (diajukan, disetujui or
  dikembalikan: returned for correction it was still sent) or imported; a draft is not. Each
  cooperative counts once whatever its versions;
- tepat waktu: of those, one with a version submitted on or before its due date
  (sikomo/deadlines.py: its RAT date, else the RAT deadline, plus batas_lapor_hari days), by the
  WIB calendar day of the submission. An imported version records when it was loaded, not when
  the cooperative reported, so it makes a report masuk but never tepat waktu.

Each is a condition on the enclosing query's cooperative, so the counts (GROUP BY kecamatan and
jenis) and the list behind each count (members.py) are the same SQL. The same rule decides what
a report's page shows (sikomo/lateness.py).
"""

from sqlalchemy import Date, and_, func, literal, not_, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from sikomo.deadlines import rat_deadline
from sikomo.models import Cooperative, Report, ReportStatus
from sikomo.settings import get_setting
from sikomo.status import IndicatorYear

SENT_STATUSES = (ReportStatus.DIAJUKAN, ReportStatus.DISETUJUI, ReportStatus.DIKEMBALIKAN)
COUNTS = ("diharapkan", "masuk", "tepat_waktu")
JAKARTA_HOURS = 7  # WIB has no daylight saving: UTC+7 all year


class wib_day_before(FunctionElement):  # noqa: N801  (an SQL function's name)
    """The WIB calendar day of a stored moment, `days` days earlier: date(moment) - days."""

    type = Date()
    inherit_cache = True


@compiles(wib_day_before, "sqlite")
def _wib_day_sqlite(element, compiler, **kw):
    moment, days = element.clauses
    return (
        f"date({compiler.process(moment, **kw)}, '+{JAKARTA_HOURS} hours', "
        f"'-' || {compiler.process(days, **kw)} || ' days')"
    )


@compiles(wib_day_before, "postgresql")
def _wib_day_postgresql(element, compiler, **kw):
    moment, days = element.clauses
    return (
        f"(CAST(({compiler.process(moment, **kw)} AT TIME ZONE 'Asia/Jakarta') AS DATE)"
        f" - CAST({compiler.process(days, **kw)} AS INTEGER))"
    )


def expected(iy: IndicatorYear):
    """On the register by the end of the tahun buku reported in `iy`."""
    founded = Cooperative.tanggal_badan_hukum
    return or_(founded.is_(None), founded <= iy.expected_until)


def sent_version(tahun_buku: int):
    """A version of a report of `tahun_buku` that was sent to the Dinas (or imported)."""
    return and_(
        Report.tahun_buku == tahun_buku,
        or_(Report.status.in_(SENT_STATUSES), Report.imported.is_(True)),
    )


def on_time_version(tahun_buku: int, days: int | None = None, batas_rat: str | None = None):
    """A version of a report of `tahun_buku` submitted by its due date (WIB day)."""
    days = int(get_setting("batas_lapor_hari")) if days is None else days
    last_rat_day = literal(rat_deadline(tahun_buku, batas_rat), Date)
    return and_(
        Report.tahun_buku == tahun_buku,
        Report.status.in_(SENT_STATUSES),
        Report.imported.is_(False),
        Report.submitted_at.is_not(None),
        wib_day_before(Report.submitted_at, literal(days))
        <= func.coalesce(Report.tanggal_rat, last_rat_day),
    )


def sent(tahun_buku: int):
    """The enclosing query's cooperative sent (or the Dinas imported) its report of `tahun_buku`.

    An IN over the reports of the tahun buku: read once per query, not once per cooperative."""
    return Cooperative.id.in_(select(Report.cooperative_id).where(sent_version(tahun_buku)))


def on_time(tahun_buku: int, days: int | None = None, batas_rat: str | None = None):
    """A version of the cooperative's report of `tahun_buku` was submitted by its due date."""
    versions = select(Report.cooperative_id).where(on_time_version(tahun_buku, days, batas_rat))
    return Cooperative.id.in_(versions)


def conditions(iy: IndicatorYear) -> dict:
    """Each count's condition on a cooperative of the register (the enclosing query's row)."""
    tahun_buku = iy.reported_tahun_buku
    return {
        "diharapkan": expected(iy),
        "masuk": and_(expected(iy), sent(tahun_buku)),
        "tepat_waktu": and_(expected(iy), on_time(tahun_buku)),
    }


def belum_masuk(iy: IndicatorYear):
    """Expected to report the tahun buku of `iy` and sent nothing (yet)."""
    return and_(expected(iy), not_(sent(iy.reported_tahun_buku)))

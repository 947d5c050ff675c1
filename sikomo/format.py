"""Indonesian number and date formatting, registered as Jinja filters."""

from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

WIB = ZoneInfo("Asia/Jakarta")  # the district's clock: what people read dates and times in

BULAN = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)


def angka(value, digits: int = 0) -> str:
    """Format a number with '.' thousands and ',' decimals: 1234567.5 -> '1.234.567,5'."""
    if value is None or value == "":
        return "–"
    if type(value) is int and digits == 0:  # most amounts: no rounding to do
        return f"{value:,}".replace(",", ".")
    number = Decimal(str(value)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    text = f"{number:,.{digits}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def rupiah(value) -> str:
    """Integer rupiah: 487479523077 -> 'Rp 487.479.523.077'; a loss keeps its minus sign."""
    if value is None or value == "":
        return "–"
    number = int(value)
    sign = "-" if number < 0 else ""
    return f"{sign}Rp {angka(abs(number))}"


SCALES = ((10**12, "triliun"), (10**9, "miliar"), (10**6, "juta"))
HUNDREDTH = Decimal("0.01")


def _scaled(number: int) -> tuple[Decimal, str] | None:
    """The amount in the largest word it reaches once rounded to hundredths (999.999.999 is
    'Rp 1 miliar', not 'Rp 1.000 juta'); None below a million."""
    for size, word in SCALES:
        amount = (Decimal(abs(number)) / size).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)
        if amount >= 1:
            return amount, word
    return None


def rupiah_singkat(value) -> str:
    """Rupiah as people say it: 85000000 -> 'Rp 85 juta', 2050000000 -> 'Rp 2,05 miliar'
    (two decimals at most, rounded); below a million the exact amount, like `rupiah`."""
    if value is None or value == "":
        return "–"
    number = int(value)
    scaled = _scaled(number)
    if scaled is None:
        return rupiah(number)
    text = angka(scaled[0], 2).rstrip("0").rstrip(",")
    return f"{'-' if number < 0 else ''}Rp {text} {scaled[1]}"


def is_round(value) -> bool:
    """True when `rupiah_singkat` says the amount exactly (85 juta), not rounded (85,01 juta)."""
    number = int(value)
    scaled = _scaled(number)
    if scaled is None:
        return True
    size = dict((w, s) for s, w in SCALES)[scaled[1]]
    return scaled[0] * size == abs(number)


def persen(value, digits: int = 2) -> str:
    """A percentage already multiplied by 100: 45.2134 -> '45,21 %'."""
    if value is None or value == "":
        return "–"
    return f"{angka(value, digits)} %"


def tanggal(value) -> str:
    """A date in Indonesian: 2026-11-28 -> '28 November 2026'."""
    if value is None or value == "":
        return "–"
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    if isinstance(value, datetime):
        value = local(value).date()
    return f"{value.day} {BULAN[value.month - 1]} {value.year}"


def local(moment: datetime) -> datetime:
    """A stored moment on the district's clock (a naive one was stored in UTC)."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(WIB)


def waktu(moment: datetime | None) -> str:
    """A moment in WIB: '3 Desember 2026 13:05 WIB'."""
    if moment is None:
        return "–"
    at = local(moment)
    return f"{tanggal(at)} {at:%H:%M} WIB"


# url_for's own keywords: a query argument by one of these names would break (or redirect) a link.
RESERVED = {"endpoint", "values"}


def link_args(args, **changes) -> dict:
    """A page's query arguments for url_for with `changes`, without what url_for would take as
    its own keywords (e.g. ?endpoint=x, ?_method=x), so no typed URL breaks a page's links."""
    kept = {k: v for k, v in dict(args).items() if k not in RESERVED and not k.startswith("_")}
    return kept | changes


def init_app(app) -> None:
    app.add_template_global(link_args, "link_args")
    for name, func in {
        "angka": angka,
        "rupiah": rupiah,
        "rupiah_singkat": rupiah_singkat,
        "persen": persen,
        "tanggal": tanggal,
        "waktu": waktu,
    }.items():
        app.add_template_filter(func, name)

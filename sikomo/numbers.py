"""Read rupiah amounts and counts as people type them: 1234567, 1.234.567 or Rp 1.234.567."""

import re
from decimal import Decimal

from scoring.schema import MAX_AMOUNT

_AMOUNT = re.compile(
    r"^(?P<sign>-)?\s*(?:rp\.?\s*)?(?P<digits>\d{1,3}(?:\.\d{3})+|\d+)(?:,0+)?$", re.IGNORECASE
)


class AmountError(ValueError):
    """The text is not a whole amount; the message says why, in Indonesian."""


def parse_amount(text: object, signed: bool = False) -> int | None:
    """Return the integer amount, None for a blank, or raise AmountError with a clear message."""
    if text is None:
        return None
    if isinstance(text, bool):
        raise AmountError("harus berupa angka")
    if isinstance(text, int):
        value = text
    elif isinstance(text, float):
        if text != text:  # NaN: an empty spreadsheet cell
            return None
        if not text.is_integer():
            raise AmountError("harus bilangan bulat (tanpa sen)")
        value = int(text)
    else:
        value = _parse_text(str(text))
        if value is None:
            return None
    if value < 0 and not signed:
        raise AmountError("tidak boleh negatif")
    if abs(value) > MAX_AMOUNT:
        raise AmountError("melebihi batas Rp 1.000.000.000.000.000")
    return value


def _parse_text(raw: str) -> int | None:
    if raw.isascii() and raw.isdigit():  # most cells of an import: plain digits
        return int(raw)
    cleaned = raw.strip().replace("\u00a0", " ")
    if cleaned == "":
        return None
    negative = cleaned.startswith("(") and cleaned.endswith(")")
    if negative:
        cleaned = "-" + cleaned[1:-1].strip()
    match = _AMOUNT.match(cleaned)
    if not match:
        if re.search(r",\d*[1-9]", cleaned):
            raise AmountError("harus bilangan bulat (tanpa sen)")
        raise AmountError("tulis angka seperti 1234567, 1.234.567 atau Rp 1.234.567")
    value = int(match["digits"].replace(".", ""))
    return -value if match["sign"] else value


_DECIMAL = re.compile(r"^(?P<sign>-)?(?P<whole>\d{1,3}(?:\.\d{3})+|\d+)(?:,(?P<frac>\d+))?$")


def parse_decimal(text: object, places: int = 2, signed: bool = False) -> Decimal | None:
    """A number with a decimal comma as Indonesians write it: 45,5 · 1.234,56 · 45,21 % · Rp 1.250.

    None for a blank; AmountError for anything else, including 45.5 (a dot groups thousands here,
    so it would be read as 455 elsewhere), NaN, Infinity, and more than `places` decimals."""
    if text is None:
        return None
    if isinstance(text, bool):
        raise AmountError("harus berupa angka")
    if isinstance(text, int | Decimal):
        value = Decimal(text)
    else:
        cleaned = " ".join(str(text).replace("\u00a0", " ").split())
        if cleaned == "":
            return None
        cleaned = re.sub(r"^(-?)\s*rp\.?\s*", r"\1", cleaned, flags=re.IGNORECASE)
        cleaned = cleaned.removesuffix("%").strip()
        match = _DECIMAL.match(cleaned)
        if not match:
            if re.fullmatch(r"-?\d+\.\d{1,2}|-?\d+\.\d{4,}", cleaned):
                raise AmountError("pakai koma untuk desimal, misalnya 45,5")
            raise AmountError("tulis angka seperti 45, 45,5 atau 1.234,56")
        frac = f".{match['frac']}" if match["frac"] else ""
        value = Decimal(f"{match['sign'] or ''}{match['whole'].replace('.', '')}{frac}")
    if not value.is_finite():
        raise AmountError("harus berupa angka")
    if -value.as_tuple().exponent > places and value != value.quantize(Decimal(1).scaleb(-places)):
        raise AmountError(f"paling banyak {places} angka di belakang koma")
    if value < 0 and not signed:
        raise AmountError("tidak boleh negatif")
    if abs(value) > MAX_AMOUNT:
        raise AmountError("melebihi batas 1.000.000.000.000.000")
    return value


MAX_PAGE = 100_000  # far past any list's end, and an offset every database takes


def page_arg(args, name: str = "page") -> int:
    """A list's page number from the query string: 1 when missing or not a number, and never
    beyond MAX_PAGE (a page of 10^40 would overflow the database's OFFSET)."""
    text = (args.get(name) or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 6:
        return MAX_PAGE if text.isascii() and text.isdigit() else 1
    return min(max(int(text), 1), MAX_PAGE)

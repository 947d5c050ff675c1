"""Read rupiah amounts and counts as people type them: 1234567, 1.234.567 or Rp 1.234.567."""

import re

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

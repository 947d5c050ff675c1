"""Parsing of registry values typed by people: jenis, yes/no, dates, NIK."""

import re
from datetime import date, datetime

from sikomo.models import JENIS_LABELS, Jenis

TRUE_WORDS = {"ya", "y", "true", "1", "benar"}
FALSE_WORDS = {"tidak", "t", "false", "0", "salah", ""}
NIK_RE = re.compile(r"^\d{16}$")


def parse_jenis(text: str) -> Jenis | None:
    """Accept a code (`ksp`) or its Indonesian label (`Simpan Pinjam`) in any case."""
    key = " ".join(str(text).strip().lower().replace("_", " ").split())
    for jenis in Jenis:
        if key in (jenis.value.replace("_", " "), JENIS_LABELS[jenis].lower()):
            return jenis
    return None


def parse_bool(text) -> bool | None:
    key = str(text).strip().lower()
    if key.endswith(".0"):  # spreadsheets turn 1 into 1.0
        key = key[:-2]
    if key in TRUE_WORDS:
        return True
    if key in FALSE_WORDS:
        return False
    return None


def parse_date(text) -> date | None:
    """Parse ISO `2020-01-31` (a time after it is ignored), `31-01-2020` or `31/01/2020`."""
    if isinstance(text, datetime):
        return text.date()
    if isinstance(text, date):
        return text
    value = str(text).strip()
    for fmt, width in (("%Y-%m-%d", 10), ("%d-%m-%Y", 10), ("%d/%m/%Y", 10)):
        try:
            return datetime.strptime(value[:width], fmt).date()
        except ValueError:
            continue
    raise ValueError(value)


def valid_nik(text: str) -> bool:
    return bool(NIK_RE.match(text))

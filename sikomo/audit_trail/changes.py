"""An audit event's before and after as a reader reads them: one line per key, labelled in
Indonesian, "before → after" with values formatted (rupiah, dates in WIB, status and predikat
labels); a key nobody labelled is humanised, and nothing is ever shown as JSON."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import scoring
from sikomo.audit_trail.labels import column_label, humanise, words
from sikomo.format import angka, rupiah, tanggal, waktu
from sikomo.models import AssessmentStatus, Jenis, ReportStatus, Role
from sikomo.review.values import predikat_label

ARROW = "→"
NOTHING = "–"
MAX_TEXT = 300  # a long note is cut on the page and in the export; the row keeps it whole


@dataclass(frozen=True)
class Change:
    label: str
    before: str | None  # None: the event recorded no "before" (a creation, a detail)
    after: str | None  # None: the event recorded no "after" (a removal)

    def text(self) -> str:
        if self.before is None:
            return f"{self.label}: {self.after or NOTHING}"
        return f"{self.label}: {self.before} {ARROW} {self.after or NOTHING}"


def changes(before: Any, after: Any) -> list[Change]:
    """The lines of one event; a key whose value did not change is left out."""
    old, new = _as_dict(before), _as_dict(after)
    keys = list(new or {}) + [k for k in (old or {}) if k not in (new or {})]
    found: list[Change] = []
    for key in keys:
        was, now = (old or {}).get(key), (new or {}).get(key)
        if key in words().hidden or (old is not None and was == now):
            continue
        if key in words().nested and isinstance(was or {}, dict) and isinstance(now or {}, dict):
            found += _nested(key, was or {}, now or {}, old is None, new is None)
        else:
            shown_before = None if old is None else show(key, was)
            found.append(
                Change(column_label(key), shown_before, None if new is None else show(key, now))
            )
    return found


def text(before: Any, after: Any) -> str:
    """The lines joined for one cell of an export."""
    return "; ".join(c.text() for c in changes(before, after))


def _as_dict(value: Any) -> dict | None:
    if value is None or isinstance(value, dict):
        return value
    return {"nilai": value}


def _nested(key: str, was: dict, now: dict, no_before: bool, no_after: bool) -> list[Change]:
    names = words().indicators if key == "not_applicable" else words().items
    rows = []
    for code in list(now) + [c for c in was if c not in now]:
        if was.get(code) == now.get(code):
            continue
        name = names.get(code) or humanise(code)
        label = f"{words().nested[key]}: {name.rstrip('.')}"
        rows.append(Change(label, None if no_before else _entry(key, was.get(code)),
                           None if no_after else _entry(key, now.get(code))))  # fmt: skip
    return rows


def _entry(key: str, value: Any) -> str:
    if key == "correction_notes" and isinstance(value, dict):
        return _cut(value.get("note") or NOTHING)
    if key == "answers_pengawas" and value is None:
        return "ikuti pengurus"
    return show(key, value)


def show(key: str, value: Any) -> str:
    """One value as text, formatted by what its key holds."""
    if value is None or value == "" or value == [] or value == {}:
        return NOTHING
    if isinstance(value, bool):
        return "Ya" if value else "Tidak"
    kind = _kind(key)
    if isinstance(value, dict):
        inner = (
            f"{column_label(k)}: {show(k, v)}" for k, v in value.items() if k not in words().hidden
        )
        return "; ".join(inner) or NOTHING
    if isinstance(value, list | tuple):
        return ", ".join(show(key, v) for v in value)
    shown = _formatted(kind, key, value)
    return _cut(shown if shown is not None else _plain(key, value))


def _kind(key: str) -> str:
    if key in words().formats:
        return words().formats[key]
    if key in words().money:
        return "rupiah"
    if key.endswith("_at"):
        return "waktu"
    return "tanggal" if key.startswith("tanggal_") else ""


def _formatted(kind: str, key: str, value: Any) -> str | None:
    """The value by its key's format, or None when it is not of that format after all."""
    try:
        if kind == "rupiah" and isinstance(value, int | float | str):
            return rupiah(int(Decimal(str(value))))
        if kind == "waktu" and isinstance(value, str):
            return waktu(datetime.fromisoformat(value))
        if kind == "tanggal" and isinstance(value, str):
            return tanggal(date.fromisoformat(value[:10]))
        if kind == "skor":
            return angka(Decimal(str(value)), 2)
        if kind == "angka":
            number = Decimal(str(value))
            return angka(number, 0 if number == number.to_integral_value() else 2)
        if kind == "sidik" and isinstance(value, str):
            return f"{value[:12]}…"
    except (ValueError, InvalidOperation, ArithmeticError):
        return None
    return {"status": _status, "predikat": predikat_label, "peran": _role, "jenis": _jenis}.get(
        kind, lambda v: None
    )(value)


def _plain(key: str, value: Any) -> str:
    if isinstance(value, float):
        return angka(value, 2)
    if isinstance(value, int):
        return angka(value)
    text = str(value)
    if key == "ruleset_id":
        known = scoring.builtin_rulesets().get(text)
        return known.name if known is not None else text
    return words().words.get(text, text)


def _status(value: Any) -> str:
    for kind in (ReportStatus, AssessmentStatus):
        try:
            return kind(value).label
        except ValueError:
            continue
    return humanise(str(value))


def _role(value: Any) -> str:
    try:
        return Role(value).label
    except ValueError:
        return str(value)


def _jenis(value: Any) -> str:
    try:
        return Jenis(value).label
    except ValueError:
        return str(value)


def _cut(text: str) -> str:
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"

"""The canonical RAT report schema, loaded from report_schema.toml, and report validation."""

from __future__ import annotations

import datetime as dt
import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from .errors import ReportError

SCHEMA_PATH = Path(__file__).with_name("report_schema.toml")
NUMERIC_KINDS = frozenset({"money", "signed_money", "count"})
KUESIONER = "kuesioner"
KUESIONER_PREFIX = "kuesioner."
# The largest amount a cooperative can report: sums of a few such stay exact in float (D19).
MAX_AMOUNT = 10**15


@dataclass(frozen=True)
class Field:
    key: str
    kind: str
    section: str
    label: str
    help: str = ""
    choices: tuple[str, ...] = ()
    lalu_of: str | None = None  # set on a prior-year twin: the key it mirrors

    @property
    def numeric(self) -> bool:
        return self.kind in NUMERIC_KINDS


@cache
def fields() -> dict[str, Field]:
    """Return every schema key, prior-year twins included, in schema order."""
    raw = tomllib.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    out: dict[str, Field] = {}
    for entry in raw["fields"]:
        base = Field(
            key=entry["key"],
            kind=entry["kind"],
            section=entry["section"],
            label=entry["label"],
            help=entry.get("help", ""),
            choices=tuple(entry.get("choices", ())),
        )
        out[base.key] = base
        if entry.get("lalu"):
            twin = f"{base.key}_lalu"
            out[twin] = Field(
                key=twin,
                kind=base.kind,
                section=base.section,
                label=f"{base.label} (tahun lalu)",
                help=f"{base.help} Nilai akhir tahun buku sebelumnya.",
                lalu_of=base.key,
            )
    return out


@cache
def lalu_twins() -> dict[str, str]:
    """Each prior-year key and the key it mirrors: {"total_aset_lalu": "total_aset", …}."""
    return {k: f.lalu_of for k, f in fields().items() if f.lalu_of}


@cache
def numeric_keys() -> tuple[str, ...]:
    return tuple(k for k, f in fields().items() if f.numeric)


def check_number(key: str, value: Any, row: int | None = None) -> int | None:
    """Return a numeric field's value as int, None when unknown; raise ReportError otherwise."""
    if value is None:
        return None
    field = fields()[key]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ReportError(key, f"harus berupa bilangan bulat, bukan {value!r}", row)
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if not value.is_integer():
            raise ReportError(key, f"harus bilangan bulat (rupiah/orang), bukan {value!r}", row)
        value = int(value)
    if value < 0 and field.kind != "signed_money":
        raise ReportError(key, f"tidak boleh negatif ({value})", row)
    if abs(value) > MAX_AMOUNT:
        raise ReportError(key, f"melebihi batas {MAX_AMOUNT:,} ({value:,})".replace(",", "."), row)
    return value


def _check_other(key: str, value: Any) -> Any:
    field = fields()[key]
    if value is None:
        return None
    if field.kind == "year":
        if isinstance(value, bool) or not isinstance(value, int) or not 1900 <= value <= 2200:
            raise ReportError(key, f"harus tahun berupa bilangan bulat, bukan {value!r}")
    elif field.kind == "date":
        try:
            dt.date.fromisoformat(str(value))
        except ValueError:
            raise ReportError(key, f"harus tanggal ISO YYYY-MM-DD, bukan {value!r}") from None
    elif field.choices and value not in field.choices:
        raise ReportError(key, f"harus salah satu dari {', '.join(field.choices)}; bukan {value!r}")
    return value


def check_kuesioner(answers: Any, known_items: frozenset[str]) -> dict[str, bool]:
    """Validate the questionnaire mapping; unanswered items (None) are dropped."""
    if answers is None:
        return {}
    if not isinstance(answers, Mapping):
        raise ReportError(KUESIONER, "harus berupa pemetaan kode butir → true/false")
    out: dict[str, bool] = {}
    for code, answer in answers.items():
        name = f"{KUESIONER_PREFIX}{code}"
        if code not in known_items:
            raise ReportError(name, "kode butir kuesioner tidak dikenal")
        if answer is None:
            continue
        if not isinstance(answer, bool):
            raise ReportError(name, f"harus true (terpenuhi) atau false, bukan {answer!r}")
        out[code] = answer
    return out


def validate_report(report: Mapping[str, Any], known_items: frozenset[str]) -> dict[str, Any]:
    """Return a clean copy of the report: unknown is None, never 0; raise on bad input."""
    if not isinstance(report, Mapping):
        raise ReportError("report", "laporan harus berupa objek JSON/pemetaan")
    schema = fields()
    clean: dict[str, Any] = {}
    for key, value in report.items():
        if key == KUESIONER:
            clean[KUESIONER] = check_kuesioner(value, known_items)
        elif key not in schema:
            raise ReportError(str(key), "kolom tidak dikenal dalam skema laporan")
        elif schema[key].numeric:
            clean[key] = check_number(key, value)
        else:
            clean[key] = _check_other(key, value)
    clean.setdefault(KUESIONER, {})
    return clean

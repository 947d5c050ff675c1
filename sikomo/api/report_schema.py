"""JSON Schema (draft 2020-12) of a report, generated from the canonical schema `scoring.schema`."""

from functools import cache
from typing import Any

from scoring.ruleset import all_item_codes
from scoring.schema import KUESIONER, MAX_AMOUNT, fields

DIALECT = "https://json-schema.org/draft/2020-12/schema"
# Amounts reach at most MAX_AMOUNT (Rp 10^15): what the engine compares exactly (D19).
TAHUN_BUKU = {"minimum": 2000, "maximum": 2100}
NIK_PATTERN = r"^[0-9]{16}$"


def field_schema(key: str) -> dict[str, Any]:
    field = fields()[key]
    if field.kind == "money":
        schema: dict[str, Any] = {"type": ["integer", "null"], "minimum": 0, "maximum": MAX_AMOUNT}
    elif field.kind == "signed_money":
        schema = {"type": ["integer", "null"], "minimum": -MAX_AMOUNT, "maximum": MAX_AMOUNT}
    elif field.kind == "count":
        schema = {"type": ["integer", "null"], "minimum": 0, "maximum": MAX_AMOUNT}
    elif field.kind == "year":
        schema = {"type": "integer", **TAHUN_BUKU}
    elif field.kind == "date":
        schema = {"type": ["string", "null"], "format": "date"}
    elif field.choices:
        schema = {"type": ["string", "null"], "enum": [*field.choices, None]}
    elif key == "nik":
        schema = {"type": ["string", "null"], "pattern": NIK_PATTERN}
    else:
        schema = {"type": ["integer", "null"], "minimum": 1}  # cooperative_id
    return {"title": field.label, "description": field.help, **schema} if field.help else {
        "title": field.label, **schema}  # fmt: skip


def kuesioner_schema() -> dict[str, Any]:
    return {
        "type": "object",
        "description": "Kode butir kuesioner → true (terpenuhi) / false (tidak terpenuhi); "
        "null atau tidak ada = belum dijawab.",
        "propertyNames": {"enum": sorted(all_item_codes())},
        "additionalProperties": {"type": ["boolean", "null"]},
    }


@cache
def report_properties() -> dict[str, Any]:
    props = {key: field_schema(key) for key in fields()}
    props[KUESIONER] = kuesioner_schema()
    return props


def report_schema() -> dict[str, Any]:
    """A report in the canonical schema; unknown keys are refused, an absent key is unknown."""
    return {
        "type": "object",
        "title": "Laporan RAT (skema kanonik SIKOMO)",
        "required": ["tahun_buku"],
        "properties": dict(report_properties()),
        "additionalProperties": False,
    }


def submission_schema() -> dict[str, Any]:
    """POST /api/v1/reports: a report plus the submit flag and the explanations of warnings."""
    schema = report_schema()
    schema["title"] = "Laporan RAT untuk dikirim lewat API"
    schema["properties"] |= {
        "submit": {
            "type": "boolean",
            "description": "true = ajukan laporan (diperiksa aturan validitas dan kualitas); "
            "false atau tidak ada = simpan sebagai draf.",
        },
        "penjelasan": {
            "type": "object",
            "description": "Penjelasan satu baris untuk peringatan kualitas: {kode aturan: teks}.",
            "additionalProperties": {"type": "string", "maxLength": 500},
        },
    }
    return schema


def standalone(schema: dict[str, Any]) -> dict[str, Any]:
    return {"$schema": DIALECT, "$id": "/api/v1/schema", **schema}

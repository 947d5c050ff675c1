"""The OpenAPI 3.1 document of /api/v1, kept by hand here; the report schemas are generated.

tests/test_api_openapi.py checks that its paths are exactly the API blueprint's routes.
"""

from copy import deepcopy
from functools import cache
from typing import Any

from flask import jsonify

from sikomo.api import MESSAGES, bp
from sikomo.api.report_schema import report_schema, submission_schema


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def json_content(schema: dict) -> dict:
    return {"content": {"application/json": {"schema": schema}}}


def error(code: int) -> dict:
    return {"description": MESSAGES[code], **json_content(ref("Errors"))}


def ok(description: str, schema: dict) -> dict:
    return {"description": description, **json_content(schema)}


def get(summary: str, response: dict, *codes: int, **extra) -> dict:
    responses = {"200": response} | {str(c): error(c) for c in (*codes, 429)}
    return {"get": {"summary": summary, "responses": responses, **extra}}


ENGINE_OR_NULL = {
    "anyOf": [ref("EngineResult"), ref("EngineError"), {"type": "null"}],
    "description": "Hasil mesin; null bila bukan KSP/USP",
}
TOKEN_OR_STAFF = [{"bearerToken": []}, {"staffSession": []}]
REPORT_ID = [{"name": "report_id", "in": "path", "required": True,
              "schema": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}}]  # fmt: skip


def query(name: str, schema: dict, description: str, required: bool = False) -> dict:
    return {"name": name, "in": "query", "required": required, "schema": schema,
            "description": description}  # fmt: skip


ANY_OBJECT = {"type": "object"}
PREDIKAT = {"enum": ["sehat", "cukup_sehat", "dalam_pengawasan", "dalam_pengawasan_khusus", None]}
SCORE = {"type": ["number", "null"], "minimum": 0, "maximum": 100}
# The engine's side of an assessment: a total and a predikat only when complete; otherwise the
# range from every missing indicator at its worst (…_min) to every one at its best (…_max).
ENGINE_FIELDS = {
    "complete": {"type": "boolean", "description": "false: hasil sementara (ada masukan kosong)"},
    "total": SCORE | {"description": "null kecuali complete"},
    "predikat": PREDIKAT | {"description": "null kecuali complete"},
    "total_min": SCORE,
    "total_max": SCORE,
    "predikat_min": PREDIKAT,
    "predikat_max": PREDIKAT,
}
RANGE = ["complete", "total_min", "total_max", "predikat_min", "predikat_max"]
PUBLIC_ENGINE = {
    "type": ["object", "null"],
    "description": "Hasil mesin di balik predikat yang disesuaikan (tanpa skor); null bila tidak "
    "disesuaikan. Hasil sementara hanya memuat kedua ujung rentangnya.",
    "required": ["lengkap", "predikat", "predikat_min", "predikat_max"],
    "properties": {
        "lengkap": {"type": "boolean"},
        "predikat": PREDIKAT,
        "predikat_min": PREDIKAT,
        "predikat_max": PREDIKAT,
    },
}
PUBLIC_ASSESSMENT = {
    "type": ["object", "null"],
    "description": "Penilaian kesehatan terakhir yang ditetapkan (disetujui atau diimpor).",
    "properties": {
        "tahun_buku": {"type": "integer"},
        "predikat": {"type": ["string", "null"]},
        "predikat_label": {"type": "string"},
        "disesuaikan": {"type": "boolean"},
        "alasan_penyesuaian": {"type": ["string", "null"]},
        "hasil_mesin": PUBLIC_ENGINE,
        "nomor_sertifikat": {"type": ["string", "null"]},
        "tanggal_penetapan": {"type": ["string", "null"], "format": "date"},
        "sertifikat_berlaku_sampai": {"type": ["string", "null"], "format": "date"},
        "status_sertifikat": {"enum": ["sah", "kedaluwarsa", None]},
    },
}
SCHEMAS: dict[str, Any] = {
    "Errors": {
        "type": "object",
        "required": ["errors"],
        "properties": {
            "errors": {
                "type": "array",
                "minItems": 1,
                "items": {
                    "type": "object",
                    "required": ["field", "message"],
                    "properties": {
                        "field": {"type": ["string", "null"]},
                        "message": {"type": "string"},
                    },
                },
            }
        },
    },  # fmt: skip
    "Koperasi": {
        "type": "object",
        "required": ["id", "nik", "nama", "jenis", "kecamatan", "aktif", "penilaian"],
        "properties": {
            "id": {"type": "integer"},
            "nik": {"type": ["string", "null"]},
            "nama": {"type": "string"},
            "jenis": {"type": "string"},
            "jenis_label": {"type": "string"},
            "kecamatan": {"type": "string"},
            "aktif": {"type": "boolean"},
            "penilaian": PUBLIC_ASSESSMENT,
        },
    },
    "EngineResult": {
        "type": "object",
        "description": "Hasil mesin (Assessment.to_dict, lihat docs/scoring.md); hasil yang "
        "tersimpan sebelum ada rentang dibaca dengan kunci yang sama (rentang null).",
        "required": ["complete", "total", "predikat", *RANGE[1:]],
        "properties": ENGINE_FIELDS,
    },
    "EngineError": {
        "type": "object",
        "required": ["error"],
        "properties": {"error": {"type": "string"}},
    },
    "Decision": {
        "type": "object",
        "required": ["status", "predikat", "engine_predikat", "total_score", *RANGE],
        "properties": {
            "status": {"enum": ["approved", "imported"]},
            "predikat": PREDIKAT,
            "engine_predikat": PREDIKAT,
            "total_score": {"type": ["string", "null"], "description": 'desimal, mis. "81.30"'},
            "justification": {"type": ["string", "null"]},
            "certificate_number": {"type": ["string", "null"]},
            "decided_at": {"type": ["string", "null"], "format": "date-time"},
            **{k: ENGINE_FIELDS[k] for k in RANGE},
        },
    },
    "StoredReport": {
        "type": "object",
        "required": ["id", "tahun_buku", "version", "status", "data"],
        "properties": {
            "id": {"type": "integer"},
            "cooperative_id": {"type": "integer"},
            "nik": {"type": ["string", "null"]},
            "tahun_buku": {"type": "integer"},
            "version": {"type": "integer"},
            "status": {"enum": ["draf", "diajukan", "dikembalikan", "disetujui"]},
            "data": {"type": "object"},
            "penjelasan": {"type": "object"},
            "sumber_lalu": {
                "type": "object",
                "description": "Kolom tahun lalu yang diisi dari laporan tahun buku sebelumnya.",
                "additionalProperties": {"type": "string"},
            },
            "temuan": {"type": "array", "items": ANY_OBJECT},
            "tanda_terima": {
                "type": ["object", "null"],
                "description": "Tanda terima pengajuan versi ini (null selama masih draf).",
                "properties": {
                    "nomor": {"type": "string", "description": 'mis. "TT/2026/000123"'},
                    "tahun_buku": {"type": "integer"},
                    "versi": {"type": "integer"},
                    "diajukan_pada": {"type": "string", "format": "date-time"},
                    "diajukan_oleh": {"type": "string"},
                },
            },
        },
    },
}
PATHS: dict[str, Any] = {
    "/api/v1/openapi.json": get("Dokumen OpenAPI ini", ok("OpenAPI 3.1", ANY_OBJECT)),
    "/api/v1/schema": get("JSON Schema (draft 2020-12) laporan RAT", ok("JSON Schema", ANY_OBJECT)),
    "/api/v1/rulesets": get(
        "Ruleset penilaian: id, versi, hash dan isi lengkap",
        ok(
            "Ruleset",
            {
                "type": "object",
                "required": ["rulesets"],
                "properties": {
                    "rulesets": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["id", "version", "hash", "ruleset"],
                        },
                    }
                },
            },
        ),
    ),
    "/api/v1/edit-rules": get("Aturan validitas dan kualitas laporan", ok("Aturan", ANY_OBJECT)),
    "/api/v1/indicators": get(
        "Indikator Dinas satu tahun",
        ok("Indikator", ANY_OBJECT),
        400,
        parameters=[
            query("year", {"type": "integer"}, "Tahun indikator", required=True),
            query("by", {"enum": ["kecamatan", "jenis"]}, "Rincian"),
        ],
    ),  # fmt: skip
    "/api/v1/koperasi": get(
        "Cari koperasi (data publik)",
        ok(
            "Daftar koperasi",
            {
                "type": "object",
                "required": ["items", "total"],
                "properties": {
                    "items": {"type": "array", "items": ref("Koperasi")},
                    "total": {"type": "integer"},
                    "page": {"type": "integer"},
                    "per_page": {"type": "integer"},
                },
            },
        ),
        400,
        parameters=[
            query("q", {"type": "string"}, "Nama, NIK atau kecamatan"),
            query("kecamatan", {"type": "string"}, "Nama kecamatan"),
            query("jenis", {"type": "string"}, "Kode jenis, mis. ksp"),
            query("page", {"type": "integer", "minimum": 1}, "Halaman"),
            query("per_page", {"type": "integer", "minimum": 1, "maximum": 100}, "Per halaman"),
        ],
    ),  # fmt: skip
    "/api/v1/koperasi/{nik}": get(
        "Data publik satu koperasi",
        ok("Koperasi", ref("Koperasi")),
        404,
        parameters=[{"name": "nik", "in": "path", "required": True, "schema": {"type": "string"}}],
    ),  # fmt: skip
    "/api/v1/reports": {
        "post": {
            "summary": "Kirim laporan RAT (draf, atau diajukan dengan submit: true)",
            "description": "Token API koperasi wajib. Nilai yang dikirim menimpa draf tahun itu; "
            "kunci yang tidak dikirim tidak berubah; null menghapus nilai. Laporan yang dikembalikan "
            "diperbaiki dalam versi baru. Laporan yang sudah diajukan atau disetujui: 409.",
            "security": [{"bearerToken": []}],
            "requestBody": {"required": True, **json_content(ref("ReportSubmission"))},
            "responses": {
                "200": ok("Draf yang ada diperbarui", ref("ReportResult")),
                "201": ok("Draf atau versi baru dibuat", ref("ReportResult")),
                **{str(c): error(c) for c in (400, 401, 409, 413, 415, 422, 429)},
            },
        }
    },  # fmt: skip
    "/api/v1/reports/{report_id}": get(
        "Satu versi laporan",
        ok(
            "Laporan",
            {
                "type": "object",
                "required": ["report"],
                "properties": {"report": ref("StoredReport")},
            },
        ),
        401,
        403,
        404,
        security=TOKEN_OR_STAFF,
        parameters=REPORT_ID,
    ),  # fmt: skip
    "/api/v1/reports/{report_id}/assessment": get(
        "Penilaian laporan: keputusan pengawas bila ada, selain itu hasil mesin saat ini",
        ok(
            "Penilaian",
            {
                "type": "object",
                "required": ["report_id", "health_scored", "decision", "assessment"],
                "properties": {
                    "report_id": {"type": "integer"},
                    "health_scored": {"type": "boolean"},
                    "decision": {"anyOf": [ref("Decision"), {"type": "null"}]},
                    "assessment": ENGINE_OR_NULL,
                },
            },
        ),
        401,
        403,
        404,
        security=TOKEN_OR_STAFF,
        parameters=REPORT_ID,
    ),  # fmt: skip
}


@cache
def _document() -> dict[str, Any]:
    schemas = SCHEMAS | {
        "Report": report_schema(),
        "ReportSubmission": submission_schema(),
        "ReportResult": {"type": "object", "required": ["report", "assessment"], "properties": {
            "report": ref("StoredReport"),
            "assessment": ENGINE_OR_NULL,
        }},
    }  # fmt: skip
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "SIKOMO API",
            "version": "1",
            "description": "API Sistem Informasi Kesehatan Koperasi. Galat selalu berupa JSON "
            '{"errors": [{"field", "message"}]}. Lihat docs/api.md.',
        },
        "paths": PATHS,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearerToken": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "Token API koperasi dari Dinas",
                },
                "staffSession": {
                    "type": "apiKey",
                    "in": "cookie",
                    "name": "session",
                    "description": "Sesi login pengawas/Dinas/admin (hanya GET)",
                },
            },  # fmt: skip
        },
    }


def document() -> dict[str, Any]:
    return deepcopy(_document())


@bp.get("/openapi.json")
def openapi_json():
    return jsonify(document())

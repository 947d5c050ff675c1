"""The OpenAPI document matches the routes; the JSON Schema accepts demo reports, refuses bad ones."""

import json
import random
import re
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import jsonschema
import pytest

import scoring
from sikomo.api.openapi import document
from sikomo.api.report_schema import report_schema, standalone
from sikomo.demo.seed import JENIS_SPREAD, plan, report_series

SAMPLE = json.loads((Path(__file__).parent / "scoring/data/ksp_sejahtera_2025.json").read_text())
IGNORED_METHODS = {"HEAD", "OPTIONS"}


def test_the_openapi_document_lists_exactly_the_api_routes(app, client):
    served = client.get("/api/v1/openapi.json").get_json()
    assert served["openapi"].startswith("3.1")
    documented = {(m.upper(), path) for path, ops in served["paths"].items() for m in ops}
    routed = {
        (method, re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule))
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.")
        for method in rule.methods - IGNORED_METHODS
    }
    assert documented == routed


def test_the_openapi_document_is_valid_json_schema_where_it_embeds_schemas():
    for schema in document()["components"]["schemas"].values():
        jsonschema.Draft202012Validator.check_schema(schema)  # raises naming the bad part


def validator():
    schema = standalone(report_schema())
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def test_the_schema_endpoint_serves_the_same_json_schema(client):
    assert client.get("/api/v1/schema").get_json() == standalone(report_schema())


def demo_reports(count_per_jenis: int = 3):
    """Reports exactly as seed-demo writes them, without a database."""
    rng = random.Random(7)
    region = SimpleNamespace(id=1, kecamatan="Mojosari", desa=["Kauman"])
    number = 0
    for jenis, _, with_sp in JENIS_SPREAD:
        for i in range(count_per_jenis):
            number += 1
            for _, data, _ in report_series(plan(rng, number, jenis, i < with_sp, region)):
                yield data


def test_the_json_schema_accepts_the_sample_and_every_demo_report():
    check = validator()
    check.validate(SAMPLE)
    reports = list(demo_reports())
    assert len(reports) > 40 and any("kuesioner" in r for r in reports)
    for data in reports:
        check.validate(data)


@pytest.mark.parametrize(
    "change",
    [
        {"kass": 1},
        {"kas": "1.000.000"},
        {"kas": 1.5},
        {"kas": -1},
        {"jumlah_anggota": -3},
        {"tanggal_rat": "14/03/2026"},
        {"jenis": "bank"},
        {"kuesioner": {"tidak.ada": True}},
        {"kuesioner": {"tk.prinsip.sukarela.1": "ya"}},
        {"nik": "35160001"},
        {"tahun_buku": "2025"},
    ],
)
def test_the_json_schema_rejects_malformed_reports(change):
    assert not validator().is_valid(SAMPLE | change)


def test_a_loss_is_a_valid_signed_amount():
    assert validator().is_valid(SAMPLE | {"shu_setelah_pajak": -1_000_000})


def test_a_report_without_tahun_buku_is_rejected():
    assert not validator().is_valid({k: v for k, v in SAMPLE.items() if k != "tahun_buku"})


def test_rulesets_are_published_with_ids_versions_hashes_and_content(client):
    body = client.get("/api/v1/rulesets").get_json()
    served = {r["id"]: r for r in body["rulesets"]}
    for ruleset_id, ruleset in scoring.builtin_rulesets().items():
        assert served[ruleset_id]["hash"] == ruleset.content_hash
        assert served[ruleset_id]["version"] == ruleset.version
        assert served[ruleset_id]["ruleset"] == json.loads(json.dumps(ruleset.data))


def test_the_public_koperasi_endpoints_show_only_public_fields(client, make_cooperative,
                                                                 make_approved):  # fmt: skip
    coop = make_cooperative("KSP Terbuka", nik="3516000000000001", alamat="Jl. Rahasia 1")
    make_approved(coop, 2024).certificate_number = "SKK/2026/00001"
    listing = client.get("/api/v1/koperasi?q=terbuka").get_json()
    one = client.get("/api/v1/koperasi/3516000000000001").get_json()
    assert listing["total"] == 1 and listing["items"][0] == one
    assert set(one) == {"id", "nik", "nama", "jenis", "jenis_label", "kecamatan", "aktif",
                        "penilaian"}  # fmt: skip
    assert one["penilaian"]["tahun_buku"] == 2024
    assert "skor" not in json.dumps(one) and "total_score" not in json.dumps(one)
    assert "Rahasia" not in json.dumps(listing)
    assert date.fromisoformat(one["penilaian"]["tanggal_penetapan"] or "2000-01-01")

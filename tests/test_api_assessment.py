"""GET /api/v1/reports/<id>/assessment: complete or provisional, the range, old stored rows."""

from datetime import UTC, datetime
from decimal import Decimal

import jsonschema
import pytest

from sikomo.api.openapi import document
from sikomo.extensions import db
from sikomo.models import Predikat, Role
from sikomo.review import operations as ops
from tests.conftest import all_answers
from tests.decisions import decide

JUSTIFICATION = "Temuan lapangan: agunan pinjaman terbesar tidak dapat diverifikasi."
RANGE = ("complete", "total_min", "total_max", "predikat_min", "predikat_max")


def conforms(body: dict, path: str = "/api/v1/reports/{report_id}/assessment") -> None:
    """The body matches the OpenAPI document's 200 response schema of `path`."""
    doc = document()
    schema = doc["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
    root = {**schema["schema"], "components": doc["components"]}
    jsonschema.Draft202012Validator(root).validate(body)


@pytest.fixture
def pengawas(login_as):
    return login_as(Role.PENGAWAS)


def assessment_of(client, report) -> dict:
    response = client.get(f"/api/v1/reports/{report.id}/assessment")
    assert response.status_code == 200
    body = response.get_json()
    conforms(body)
    return body


def test_a_pending_provisional_report_has_a_range_and_no_predikat(client, pengawas, make_submitted):
    report = make_submitted(answers={})
    body = assessment_of(client, report)
    a = body["assessment"]
    assert body["decision"] is None
    assert a["complete"] is False and a["predikat"] is None and a["total"] is None
    assert a["total_min"] < a["total_max"]
    assert (a["predikat_min"], a["predikat_max"]) == ("dalam_pengawasan", "sehat")


def test_a_complete_report_has_its_predikat_and_a_range_of_one_point(
    client, pengawas, make_submitted
):
    a = assessment_of(client, make_submitted())["assessment"]
    assert a["complete"] is True and a["predikat"] == "sehat"
    assert a["total_min"] == a["total"] == a["total_max"]


def test_an_adjusted_approval_of_a_provisional_result_carries_the_engines_range(
    client, pengawas, make_submitted
):
    report = make_submitted(answers={})
    decision = ops.Decision(ops.SESUAIKAN, report.version_id, Predikat.CUKUP_SEHAT, JUSTIFICATION)
    decide(pengawas, report, decision)
    body = assessment_of(client, report)
    d, a = body["decision"], body["assessment"]
    assert d["predikat"] == "cukup_sehat" and d["engine_predikat"] is None
    assert d["total_score"] is None and d["complete"] is False
    assert (d["predikat_min"], d["predikat_max"]) == ("dalam_pengawasan", "sehat")
    assert {k: a[k] for k in RANGE} == {k: d[k] for k in RANGE}
    assert a["predikat"] is None


def test_a_provisional_row_stored_before_ranges_existed_is_read_without_its_old_predikat(
    client, pengawas, make_approved
):
    row = make_approved(tahun_buku=2025)
    row.result = {"provisional": True, "total": 81.3, "predikat": "sehat", "indicators": []}
    row.total_score, row.engine_predikat = Decimal("81.30"), Predikat.SEHAT
    db.session.commit()
    body = assessment_of(client, row.report)
    d, a = body["decision"], body["assessment"]
    assert d["complete"] is False and d["total_min"] is None and d["predikat_max"] is None
    assert a["complete"] is False and a["predikat"] is None and a["total"] is None
    assert a["provisional"] is True  # the rest of the stored result is kept


def test_an_imported_assessment_is_complete_as_imported(client, pengawas, make_approved):
    row = make_approved(tahun_buku=2025)
    row.status = ops.AssessmentStatus.IMPORTED
    row.result = {"imported": True, "berkas": "lama.csv", "skor": "72.50"}
    row.total_score, row.predikat = Decimal("72.50"), Predikat.CUKUP_SEHAT
    row.engine_predikat, row.decided_at = Predikat.CUKUP_SEHAT, datetime.now(UTC)
    db.session.commit()
    d = assessment_of(client, row.report)["decision"]
    assert d["status"] == "imported" and d["complete"] is True
    assert d["total_min"] == d["total_max"] == 72.5 and d["predikat_min"] == "cukup_sehat"


@pytest.mark.parametrize(
    "result",
    [None, [], "teks", {"complete": "ya", "total_min": "x", "predikat_min": "baik"}],
)
def test_a_malformed_stored_result_never_causes_a_server_error(
    client, pengawas, make_approved, result
):
    row = make_approved(tahun_buku=2025)
    row.result = result
    db.session.commit()
    body = assessment_of(client, row.report)
    assert body["decision"]["status"] == "approved"


def test_a_pending_report_is_assessed_as_the_pengawas_sees_it(client, pengawas, make_submitted):
    report = make_submitted(answers={})
    ops.correct_answers(pengawas, report, all_answers(), report.version_id)
    a = assessment_of(client, report)["assessment"]
    assert a["complete"] is True and a["total"] == ops.live_result(report).total

"""POST /api/v1/reports and GET /api/v1/reports/<id>[/assessment]: token auth, edits, 422s."""

import json
from pathlib import Path

import pytest

from sikomo.edit_rules import questionnaire_for
from sikomo.extensions import db
from sikomo.models import ApiToken, AuditEvent, Report, ReportStatus, Role

SAMPLE = json.loads((Path(__file__).parent / "scoring/data/ksp_sejahtera_2025.json").read_text())
ANSWERED = SAMPLE | {  # a KSP report is submitted only with every questionnaire item answered
    "kuesioner": {code: True for group in questionnaire_for(None, 2025) for code in group.codes}
}


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def post(client, secret, body):
    return client.post("/api/v1/reports", json=body, headers=bearer(secret))


def errors_of(response) -> dict[str, str]:
    return {e["field"]: e["message"] for e in response.get_json()["errors"]}


@pytest.fixture
def coop(make_cooperative):
    return make_cooperative("KSP Sejahtera", nik="3516000000000001")


@pytest.fixture
def token(coop, make_token):
    return make_token(coop)


def test_a_report_is_stored_as_a_draft_with_the_engines_assessment(client, coop, token):
    response = post(client, token, SAMPLE)
    assert response.status_code == 201
    body = response.get_json()
    assert body["report"]["status"] == "draf"
    assert body["report"]["tahun_buku"] == 2025
    assert body["report"]["data"]["total_aset"] == SAMPLE["total_aset"]
    # no answers yet: provisional, so no predikat, only the range (decisions.md 8)
    assessment = body["assessment"]
    assert assessment["complete"] is False and assessment["predikat"] is None
    assert assessment["total_min"] <= assessment["total_max"] and assessment["predikat_max"]
    report = db.session.get(Report, body["report"]["id"])
    assert report.cooperative_id == coop.id
    assert "jenis" not in report.data  # implied by the token's cooperative


def test_sending_again_updates_the_same_draft_and_null_clears_a_value(client, token):
    first = post(client, token, SAMPLE).get_json()["report"]
    second = post(client, token, {"tahun_buku": 2025, "kas": None, "bank": 1})
    assert second.status_code == 200
    data = second.get_json()["report"]["data"]
    assert second.get_json()["report"]["id"] == first["id"]
    assert "kas" not in data and data["bank"] == 1 and data["total_aset"] == SAMPLE["total_aset"]


def test_submit_runs_the_same_edit_rules_and_freezes_the_report(client, token):
    response = post(client, token, ANSWERED | {"submit": True})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["report"]["status"] == "diajukan"
    again = post(client, token, {"tahun_buku": 2025, "kas": 1})
    assert again.status_code == 409
    assert "tidak dapat diubah" in again.get_json()["errors"][0]["message"]


def test_a_blocked_submission_names_the_fields_and_keeps_the_draft(client, token):
    response = post(client, token, SAMPLE | {"total_aset": SAMPLE["total_aset"] + 1000,
                                             "submit": True})  # fmt: skip
    assert response.status_code == 422
    messages = [e["message"] for e in response.get_json()["errors"]]
    assert "total_aset" in errors_of(response)
    assert any("tidak sama dengan total aset" in m for m in messages)
    report = db.session.scalar(db.select(Report))
    assert report.status == ReportStatus.DRAF


def test_a_quality_warning_is_explained_through_penjelasan(client, token):
    late = ANSWERED | {"tanggal_rat": "2026-09-30", "submit": True}
    refused = post(client, token, late)
    assert refused.status_code == 422
    assert "penjelasan.rat_terlambat" in errors_of(refused)["tanggal_rat"]
    explained = post(client, token, late | {"penjelasan": {"rat_terlambat": "Menunggu audit."}})
    assert explained.status_code == 200
    assert explained.get_json()["report"]["penjelasan"] == {"rat_terlambat": "Menunggu audit."}


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"tahun_buku": 2025, "kass": 1}, "kass", "tidak dikenal"),
        ({"tahun_buku": 2025, "kas": "1.000"}, "kas", "bilangan bulat"),
        ({"tahun_buku": 2025, "kas": 1.5}, "kas", "bilangan bulat"),
        ({"tahun_buku": 2025, "kas": -5}, "kas", "negatif"),
        ({"tahun_buku": 2025, "kas": 2**60}, "kas", "melebihi batas"),
        ({"tahun_buku": 2025, "tanggal_rat": "14-03-2026"}, "tanggal_rat", "YYYY-MM-DD"),
        ({"tahun_buku": 2025, "kuesioner": {"tidak.ada": True}}, "kuesioner.tidak.ada", "kode"),
        ({"tahun_buku": 2025, "kuesioner": []}, "kuesioner", "pemetaan"),
        ({"kas": 1}, "tahun_buku", "wajib"),
        ({"tahun_buku": 1999}, "tahun_buku", "terbuka"),
        ({"tahun_buku": "2025"}, "tahun_buku", "terbuka"),
        ({"tahun_buku": 2025, "nik": "3516999999999999"}, "nik", "token"),
        ({"tahun_buku": 2025, "submit": "ya"}, "submit", "true atau false"),
        ({"tahun_buku": 2025, "penjelasan": {"bukan_aturan": "x"}}, "penjelasan.bukan_aturan",
         "aturan kualitas"),
    ],
)  # fmt: skip
def test_a_malformed_report_gets_422_naming_the_field(client, token, body, field, words):
    response = post(client, token, body)
    assert response.status_code == 422
    assert words in errors_of(response)[field]
    assert db.session.scalar(db.select(Report)) is None  # nothing stored


def test_a_signed_money_field_may_be_negative(client, token):
    response = post(client, token, {"tahun_buku": 2025, "shu_setelah_pajak": -5_000_000})
    assert response.status_code == 201


def test_every_error_in_a_report_is_listed(client, token):
    response = post(client, token, {"tahun_buku": 2025, "kas": "x", "bank": -1, "asal": 1})
    assert set(errors_of(response)) == {"kas", "bank", "asal"}


@pytest.mark.parametrize(
    ("kwargs", "status"),
    [
        ({"data": "{tidak json", "content_type": "application/json"}, 400),
        ({"data": "tahun_buku=2025", "content_type": "application/x-www-form-urlencoded"}, 415),
        ({"json": [1, 2]}, 422),
    ],
)
def test_a_body_that_is_not_a_json_object_is_refused_as_json(client, token, kwargs, status):
    response = client.post("/api/v1/reports", headers=bearer(token), **kwargs)
    assert response.status_code == status
    assert response.get_json()["errors"][0]["message"]


def test_a_returned_report_is_corrected_in_a_new_version(client, token):
    report_id = post(client, token, ANSWERED | {"submit": True}).get_json()["report"]["id"]
    report = db.session.get(Report, report_id)
    report.status = ReportStatus.DIKEMBALIKAN
    db.session.commit()
    response = post(client, token, {"tahun_buku": 2025, "kas": 120_000_000})
    assert response.status_code == 201
    assert response.get_json()["report"]["version"] == 2


def test_a_non_ksp_report_has_no_assessment(client, make_cooperative, make_token):
    from sikomo.models import Jenis

    shop = make_cooperative("Koperasi Konsumen Maju", jenis=Jenis.KONSUMEN)
    response = post(client, make_token(shop), {"tahun_buku": 2025, "kas": 1})
    assert response.status_code == 201
    assert response.get_json()["assessment"] is None


def test_the_token_is_the_actor_in_the_audit_trail(client, token):
    post(client, token, SAMPLE)
    labels = set(db.session.scalars(db.select(AuditEvent.actor_label)))
    assert any(label.startswith("token skm_") for label in labels)
    assert db.session.scalar(db.select(ApiToken)).last_used_at is not None


# --- auth of every report endpoint ----------------------------------------------------------
def revoked(make_token, coop) -> str:
    from sikomo.tokens.operations import revoke

    secret = make_token(coop, "lama")
    revoke("test", db.session.scalars(db.select(ApiToken).order_by(ApiToken.id.desc())).first())
    return secret


@pytest.mark.parametrize("who", ["none", "garbage", "basic", "revoked", "other_coop"])
def test_posting_needs_the_token_of_a_cooperative(client, coop, make_cooperative, make_token, who):
    other = make_cooperative("Koperasi Lain", nik="3516000000000002")
    secret = {
        "garbage": "skm_bukan-token",
        "basic": None,
        "revoked": revoked(make_token, coop),
        "other_coop": make_token(other),
    }.get(who)
    headers = {"Authorization": "Basic dXNlcjpwYXNz"} if who == "basic" else (
        bearer(secret) if secret else {})  # fmt: skip
    response = client.post("/api/v1/reports", json=SAMPLE, headers=headers)
    if who == "other_coop":  # stored for the token's own cooperative, never for another
        assert response.status_code == 201
        assert db.session.get(Report, response.get_json()["report"]["id"]).cooperative_id == (
            other.id
        )
        return
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.get_json()["errors"][0]["message"]


def test_a_staff_session_cannot_post_reports(client, login_as):
    login_as(Role.DINAS)
    assert client.post("/api/v1/reports", json=SAMPLE).status_code == 401


@pytest.mark.parametrize("suffix", ["", "/assessment"])
@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("none", 401),
        ("own_token", 200),
        ("other_token", 404),
        ("revoked_token", 401),
        (Role.PENGURUS, 403),
        (Role.PENGAWAS, 200),
        (Role.DINAS, 200),
        (Role.ADMIN, 200),
    ],
)
def test_reading_a_report_needs_its_cooperatives_token_or_staff(
    client, coop, make_cooperative, make_token, make_submitted, login_as, suffix, who, status
):
    report = make_submitted(coop)
    other = make_cooperative("Koperasi Lain Rahasia", nik="3516000000000009")
    headers = {}
    if who == "own_token":
        headers = bearer(make_token(coop))
    elif who == "other_token":
        headers = bearer(make_token(other))
    elif who == "revoked_token":
        headers = bearer(revoked(make_token, coop))
    elif isinstance(who, Role):
        login_as(who, cooperative=coop if who == Role.PENGURUS else None)
    response = client.get(f"/api/v1/reports/{report.id}{suffix}", headers=headers)
    assert response.status_code == status
    if status == 200:
        body = response.get_json()
        assert (body["report"]["id"] if not suffix else body["report_id"]) == report.id
    else:
        assert "KSP Sejahtera" not in response.get_data(as_text=True)


def test_an_approved_reports_assessment_is_the_pengawas_decision(client, coop, make_approved,
                                                                 make_token):  # fmt: skip
    row = make_approved(coop, 2024)
    row.certificate_number = "SKK/2026/00001"
    db.session.commit()
    body = client.get(f"/api/v1/reports/{row.report_id}/assessment",
                      headers=bearer(make_token(coop))).get_json()  # fmt: skip
    assert body["decision"]["status"] == "approved"
    assert body["decision"]["certificate_number"] == "SKK/2026/00001"
    assert body["assessment"]["predikat"] == row.engine_predikat.value


def test_an_unknown_report_is_404_json(client, token):
    response = client.get("/api/v1/reports/999999", headers=bearer(token))
    assert response.status_code == 404
    assert response.get_json() == {
        "errors": [{"field": None, "message": "Laporan tidak ditemukan."}]
    }

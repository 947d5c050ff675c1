"""API tokens: issued and revoked by Dinas/admin, stored hashed, shown once, audited."""

import hashlib

from sikomo.extensions import db
from sikomo.models import ApiToken, AuditEvent, Role
from sikomo.tokens.operations import authenticate


def test_dinas_issues_a_token_shown_once_and_stored_hashed(client, login_as, make_cooperative):
    coop = make_cooperative("KSP Sejahtera")
    login_as(Role.DINAS)
    page = client.post(f"/token/koperasi/{coop.id}", data={"name": "Akuntansi"}).get_data(True)
    row = db.session.scalar(db.select(ApiToken))
    secret = page.split('id="token-baru">')[1].split("<")[0]
    assert secret.startswith("skm_") and len(secret) > 40
    assert row.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in (row.prefix, row.name) and row.prefix in secret
    again = client.get(f"/token/koperasi/{coop.id}").get_data(as_text=True)
    assert secret not in again and row.prefix in again
    assert authenticate(secret).id == row.id
    actions = set(db.session.scalars(db.select(AuditEvent.action)))
    assert "api_token.issue" in actions
    assert secret not in str([e.after for e in db.session.scalars(db.select(AuditEvent))])


def test_a_revoked_token_stops_working(client, login_as, make_cooperative, make_token):
    coop = make_cooperative("KSP Sejahtera")
    secret = make_token(coop)
    login_as(Role.ADMIN)
    row = db.session.scalar(db.select(ApiToken))
    response = client.post(f"/token/{row.id}/cabut")
    assert response.status_code == 302
    assert row.revoked_at is not None
    assert authenticate(secret) is None
    assert "api_token.revoke" in set(db.session.scalars(db.select(AuditEvent.action)))
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/reports/1", headers=headers).status_code == 401


def test_a_token_needs_a_name(client, login_as, make_cooperative):
    coop = make_cooperative("KSP Sejahtera")
    login_as(Role.DINAS)
    page = client.post(f"/token/koperasi/{coop.id}", data={"name": ""}).get_data(True)
    assert "Nama token wajib diisi." in page
    assert db.session.scalar(db.select(ApiToken)) is None


def test_a_guessed_or_altered_token_is_refused(make_cooperative, make_token):
    secret = make_token(make_cooperative("KSP Sejahtera"))
    assert authenticate(secret[:-1] + ("A" if secret[-1] != "A" else "B")) is None
    assert authenticate(secret[4:]) is None
    assert authenticate("") is None

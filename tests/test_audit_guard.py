"""The audit trail cannot be edited or deleted, not even by bulk SQL, and its hash chain shows
an edit, a deletion or a row slipped in (flask --app sikomo verify-audit)."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from sikomo import audit, audit_guard
from sikomo.extensions import db
from sikomo.models import AuditEvent, AuditHead, Role


@pytest.fixture
def trail(app, make_user):
    user = make_user(Role.DINAS)
    for i in range(3):
        audit.record(user, "uji.satu", None, {"n": i}, {"n": i + 1})
        db.session.commit()
    audit.record_many(user, "uji.banyak", [(None, None, {"baris": j}) for j in range(4)])
    db.session.commit()
    return user


def guarded():
    return pytest.raises(DatabaseError, match="never updated or deleted")


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_event SET action = 'ubah' WHERE id = 2", "DELETE FROM audit_event WHERE id = 2",
     "DELETE FROM audit_event"],
)  # fmt: skip
def test_bulk_sql_cannot_change_the_trail(trail, statement):
    with guarded():
        db.session.execute(text(statement))
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count(AuditEvent.id))) == 7


def test_truncate_is_refused_on_postgresql(trail):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("TRUNCATE is PostgreSQL's")
    with guarded():
        db.session.execute(text("TRUNCATE audit_event CASCADE"))
    db.session.rollback()


def test_an_intact_trail_verifies_and_its_head_is_stored(trail, runner):
    verdict = audit_guard.verify(db.session.connection())
    assert verdict.ok and verdict.rows == 7
    assert db.session.get(AuditHead, 1).chain == verdict.head
    result = runner.invoke(args=["verify-audit"])
    assert (
        result.exit_code == 0 and "7 peristiwa" in result.output and verdict.head in result.output
    )


def tamper(*statements):
    """What someone who can switch the triggers off could do."""
    drop, create = audit_guard.lifted(db.session.connection())
    for s in [*drop, *(text(s) for s in statements), *create]:
        db.session.execute(s)
    db.session.commit()


@pytest.mark.parametrize(
    ("statements", "broken_at"),
    [(["UPDATE audit_event SET after = '{\"n\": 9}' WHERE id = 2"], 2),
     (["DELETE FROM audit_event WHERE id = 3"], 4),
     (["UPDATE audit_event SET actor_label = 'orang lain' WHERE id = 6"], 6)],
)  # fmt: skip
def test_an_edit_or_a_deletion_is_named_by_the_row_that_no_longer_follows(
    trail, runner, statements, broken_at
):
    tamper(*statements)
    verdict = audit_guard.verify(db.session.connection())
    assert verdict.broken_at == broken_at and not verdict.ok
    result = runner.invoke(args=["verify-audit"])
    assert result.exit_code == 1 and f"#{broken_at}" in result.output


def test_deleting_the_last_rows_shows_at_the_stored_head(trail, runner):
    tamper("DELETE FROM audit_event WHERE id = 7")
    verdict = audit_guard.verify(db.session.connection())
    assert verdict.broken_at is None and not verdict.head_matches
    assert runner.invoke(args=["verify-audit"]).exit_code == 1


def test_events_recorded_in_one_transaction_chain_in_id_order(app, make_user):
    user = make_user(Role.ADMIN)
    for i in range(5):
        audit.record(user, "uji.urut", None, None, {"i": i})
    audit.record_many(user, "uji.banyak", [(None, None, {"j": 1})])
    audit.record(user, "uji.akhir", None, None, None)
    db.session.commit()
    assert audit_guard.verify(db.session.connection()).ok


def test_exports_and_token_reads_are_security_events(
    client, login_as, make_cooperative, make_submitted, make_token
):
    coop = make_cooperative("KSP Catat", nik="3516000000000555")
    report = make_submitted(coop)
    secret = make_token(coop)
    login_as(Role.DINAS)
    assert client.get("/koperasi/ekspor.csv").status_code == 200
    client.delete_cookie("session")
    assert (
        client.get(
            f"/api/v1/reports/{report.id}", headers={"Authorization": f"Bearer {secret}"}
        ).status_code
        == 200
    )
    events = {e.action: e for e in db.session.scalars(db.select(AuditEvent))}
    assert (
        events["export"].after["berkas"] == "koperasi.csv" and events["export"].actor_id is not None
    )
    assert events["api.read"].after["laporan"] == report.id and events[
        "api.read"
    ].actor_label.startswith("token:")


def test_a_database_error_names_no_bound_value(app):
    from sqlalchemy.exc import IntegrityError

    db.session.execute(
        text("INSERT INTO region (kabupaten, kecamatan, desa) VALUES ('K', 'Rahasia', '[]')")
    )
    with pytest.raises(IntegrityError) as caught:
        db.session.execute(db.text("INSERT INTO region (kabupaten, kecamatan, desa) VALUES (:k, :c, '[]')"),
                           {"k": "KabupatenRahasia", "c": "Rahasia"})  # fmt: skip
    db.session.rollback()
    message = str(caught.value)  # what the error log would print (PostgreSQL names the key itself)
    assert "KabupatenRahasia" not in message and "hidden due to hide_parameters" in message

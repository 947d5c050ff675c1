"""Notifications and the e-mail outbox: who is told of each event, delivery through a real
local SMTP server, retries, secrets, reminders, and the in-app list."""

from datetime import UTC, date, datetime, timedelta

import pytest

from sikomo import deadlines, notify
from sikomo.extensions import db
from sikomo.format import tanggal
from sikomo.models import (
    Assignment,
    AuditEvent,
    Notification,
    OutboxMessage,
    OutboxStatus,
    Receipt,
    Role,
)
from sikomo.notify import remind, sender
from sikomo.notify.operations import REDACTED
from sikomo.review import operations as review
from tests.conftest import as_user
from tests.statements import reads, sent
from tests.submitting import SmtpServer, draft, submitted

PUBLIC = "https://sikomo.contoh.go.id"


@pytest.fixture
def town(app, make_user, make_cooperative):
    """Two cooperatives with their pengurus (one inactive), three pengawas (one inactive)."""
    app.config["PUBLIC_URL"] = PUBLIC
    a = make_cooperative("KSP Amanah", nik="3516000000000101")
    b = make_cooperative("KSP Barokah", nik="3516000000000102")
    people = {
        "ketua_a": make_user(Role.PENGURUS, email="ketua.a@contoh.test", cooperative=a),
        "lama_a": make_user(Role.PENGURUS, email="lama.a@contoh.test", cooperative=a, active=False),
        "ketua_b": make_user(Role.PENGURUS, email="ketua.b@contoh.test", cooperative=b),
        "p1": make_user(Role.PENGAWAS, email="p1@contoh.test"),
        "p2": make_user(Role.PENGAWAS, email="p2@contoh.test"),
        "p_off": make_user(Role.PENGAWAS, email="poff@contoh.test", active=False),
        "dinas": make_user(Role.DINAS, email="dinas@contoh.test"),
    }
    return {"a": a, "b": b, **people}


def told(event: str) -> set[str]:
    rows = db.session.scalars(db.select(Notification).where(Notification.event == event))
    return {row.user.email for row in rows}


def mailed(event: str) -> list[OutboxMessage]:
    query = db.select(OutboxMessage).where(OutboxMessage.event == event)
    return list(db.session.scalars(query.order_by(OutboxMessage.id)))


def receipt_number(report) -> str:
    return db.session.scalar(db.select(Receipt.number).where(Receipt.report_id == report.id))


# --- Who is told --------------------------------------------------------------------------
def test_a_submission_tells_every_active_pengawas_when_none_is_assigned(town):
    report = submitted(town["a"], town["ketua_a"])
    assert told("report.submitted") == {"p1@contoh.test", "p2@contoh.test"}
    line = db.session.scalar(
        db.select(Notification).where(Notification.event == "report.submitted")
    )
    assert line.link == f"/penilaian/laporan/{report.id}"
    number = receipt_number(report)
    for message in mailed("report.submitted"):
        assert f"{PUBLIC}/penilaian/laporan/{report.id}" in message.body
        assert number in message.body and "KSP Amanah" in message.subject
        assert "tahun buku 2025 versi 1" in message.subject


def test_a_submission_tells_only_the_assigned_pengawas(town):
    report = draft(town["a"])
    db.session.add(Assignment(report_id=report.id, user_id=town["p2"].id))
    db.session.commit()
    from sikomo.reports import operations as ops

    ops.submit(town["ketua_a"], report, {}, None)
    assert told("report.submitted") == {"p2@contoh.test"}
    assert [m.recipient_email for m in mailed("report.submitted")] == ["p2@contoh.test"]


def test_an_inactive_assignee_leaves_the_report_to_every_active_pengawas(town):
    report = draft(town["a"])
    db.session.add(Assignment(report_id=report.id, user_id=town["p_off"].id))
    db.session.commit()
    from sikomo.reports import operations as ops

    ops.submit(town["ketua_a"], report, {}, None)
    assert told("report.submitted") == {"p1@contoh.test", "p2@contoh.test"}


def test_returning_tells_the_active_pengurus_of_that_cooperative_only(town):
    report = submitted(town["a"], town["ketua_a"])
    submitted(town["b"], town["ketua_b"])
    review.return_report(town["p1"], report, "Neraca belum ditandatangani pengurus.")
    assert told("report.returned") == {"ketua.a@contoh.test"}
    (message,) = mailed("report.returned")
    line = db.session.scalar(db.select(Notification).where(Notification.event == "report.returned"))
    assert line.link == f"/laporan/{report.id}"
    assert f"{PUBLIC}/laporan/{report.id}" in message.body
    assert f"Tanda terima {receipt_number(report)}" in message.body
    assert "Neraca belum ditandatangani pengurus." in message.body
    assert "KSP Amanah, tahun buku 2025 versi 1" in message.subject


def test_approval_tells_the_pengurus_with_the_receipt_and_predikat(town):
    report = submitted(town["a"], town["ketua_a"])
    row = review.decide(town["p1"], report, review.Decision(review.SETUJUI, report.version_id))
    assert told("report.approved") == {"ketua.a@contoh.test"}
    (message,) = mailed("report.approved")
    assert f"Tanda terima {receipt_number(report)}" in message.body
    assert row.certificate_number in message.body and "predikat" in message.body


def test_a_four_eyes_confirmation_tells_the_pengurus_once_approved(town):
    from sikomo.foureyes import operations as four_eyes
    from sikomo.models import Predikat
    from sikomo.settings import set_setting

    set_setting("empat_mata", True)
    db.session.commit()
    report = submitted(town["a"], town["ketua_a"])
    decision = review.Decision(review.SESUAIKAN, report.version_id, Predikat.CUKUP_SEHAT,
                               "Temuan lapangan: agunan pinjaman tidak dapat diverifikasi.")  # fmt: skip
    review.decide(town["p1"], report, decision)
    assert told("report.approved") == set()  # held for a second user: nothing approved yet
    four_eyes.confirm(town["p2"], report, report.version_id)
    assert told("report.approved") == {"ketua.a@contoh.test"}


def test_a_conflicting_return_tells_nobody(town):
    report = submitted(town["a"], town["ketua_a"])
    stale = report.version_id - 1
    with pytest.raises(review.ReviewConflict):
        review.decide(town["p1"], report, review.Decision(review.KEMBALIKAN, stale, note="x" * 20))
    assert told("report.returned") == set() and mailed("report.returned") == []


# --- tell() and email() ---------------------------------------------------------------------
def test_a_dedup_key_tells_a_user_once_and_keeps_the_callers_transaction(town):
    users = [town["ketua_a"], town["ketua_b"]]
    notify.tell("uji", users, "Judul", "Isi", "/laporan/", dedup_key="kunci-1")
    town["dinas"].name = "Dinas Diubah"  # the caller's own change, in the same transaction
    notify.tell("uji", users, "Judul lagi", "Isi", "/laporan/", dedup_key="kunci-1")
    db.session.commit()
    notify.tell("uji", [town["ketua_a"]], "Judul", "Isi", "/laporan/", dedup_key="kunci-1")
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count()).select_from(Notification)) == 2
    assert len(mailed("uji")) == 2
    db.session.refresh(town["dinas"])
    assert town["dinas"].name == "Dinas Diubah"


def test_tell_skips_inactive_users_and_mail_when_asked(town):
    notify.tell("uji", [town["lama_a"], town["p1"], town["p1"]], "J", "I", "/", email=False)
    db.session.commit()
    assert told("uji") == {"p1@contoh.test"} and mailed("uji") == []


def test_tell_rolls_back_with_the_caller(town):
    notify.tell("uji", [town["p1"]], "J", "I", "/", dedup_key="k")
    db.session.rollback()
    assert told("uji") == set() and mailed("uji") == []


# --- Delivery -------------------------------------------------------------------------------
@pytest.fixture
def smtp(app):
    server = SmtpServer().start()
    app.config.update(server.settings(), OUTBOX_SEND_AFTER_REQUEST=False)
    yield server
    server.stop()


def test_the_outbox_is_delivered_through_a_real_smtp_server(town, smtp):
    report = submitted(town["a"], town["ketua_a"])
    outcome = sender.send_due()
    assert (outcome.terkirim, outcome.dicoba_lagi, outcome.gagal) == (2, 0, 0)
    arrived = {tuple(to): mail for to, mail in smtp.inbox.mails}
    mail = arrived[("p1@contoh.test",)]
    assert mail["Subject"] == "Laporan RAT diajukan: KSP Amanah, tahun buku 2025 versi 1"
    assert mail["To"] == "p1@contoh.test" and "sikomo@dinas.test" in mail["From"]
    text = mail.get_content()
    assert f"{PUBLIC}/penilaian/laporan/{report.id}" in text and receipt_number(report) in text
    assert {m.status for m in mailed("report.submitted")} == {OutboxStatus.TERKIRIM}
    assert sender.send_due().total == 0  # nothing is sent twice


def test_a_failure_is_retried_later_and_sent_once_the_server_is_up(app, town):
    server = SmtpServer()  # not started: nothing listens on its port
    app.config.update(server.settings())
    notify.email("uji", "x@contoh.test", "Halo", "Isi surel")
    db.session.commit()
    now = datetime.now(UTC)
    assert sender.send_due(now=now).dicoba_lagi == 1
    (message,) = mailed("uji")
    assert message.status == OutboxStatus.ANTRE and message.attempts == 1
    assert "Connection" in message.last_error or "refused" in message.last_error.lower()
    assert sender.send_due(now=now + timedelta(seconds=30)).total == 0  # waiting for its retry
    server.start()
    try:
        assert sender.send_due(now=now + timedelta(minutes=2)).terkirim == 1
    finally:
        server.stop()
    db.session.refresh(message)
    assert message.status == OutboxStatus.TERKIRIM and message.attempts == 2
    assert [to for to, _ in server.inbox.mails] == [["x@contoh.test"]]


def test_a_refusing_server_leaves_the_message_queued_with_its_error(town, smtp):
    smtp.inbox.refuse = "451 4.3.0 Kotak surat penuh"
    notify.email("uji", "x@contoh.test", "Halo", "Isi surel")
    db.session.commit()
    sender.send_due()
    (message,) = mailed("uji")
    assert message.status == OutboxStatus.ANTRE and message.attempts == 1
    assert "451" in message.last_error and "Kotak surat penuh" in message.last_error


def test_the_outbox_gives_up_after_the_last_attempt(app, town):
    app.config.update(SmtpServer().settings(), OUTBOX_MAX_ATTEMPTS=3)
    notify.email("uji", "x@contoh.test", "Halo", "Isi surel")
    db.session.commit()
    now = datetime.now(UTC)
    for hours in range(3):
        sender.send_due(now=now + timedelta(hours=hours))
    (message,) = mailed("uji")
    assert message.status == OutboxStatus.GAGAL and message.attempts == 3
    assert sender.send_due(now=now + timedelta(days=1)).total == 0


def test_a_secret_body_is_redacted_once_sent(town, smtp):
    link = "https://sikomo.contoh.go.id/akun/tautan/rahasia-sekali-pakai"
    notify.email("user.link_reset", "x@contoh.test", "Atur ulang", f"Buka {link}", secret=True)
    notify.email("biasa", "y@contoh.test", "Biasa", f"Buka {link}")
    db.session.commit()
    sender.send_due()
    arrived = {tuple(to): mail.get_content() for to, mail in smtp.inbox.mails}
    assert link in arrived[("x@contoh.test",)]  # the recipient gets the link …
    secret, plain = db.session.scalars(db.select(OutboxMessage).order_by(OutboxMessage.id))
    assert secret.body == REDACTED and link not in secret.body  # … SIKOMO keeps it no longer
    assert link in plain.body


def test_a_secret_body_is_redacted_when_given_up(app, town):
    app.config.update(SmtpServer().settings(), OUTBOX_MAX_ATTEMPTS=1)
    notify.email("user.link_reset", "x@contoh.test", "Atur ulang", "tautan-rahasia", secret=True)
    db.session.commit()
    sender.send_due()
    (message,) = db.session.scalars(db.select(OutboxMessage))
    assert message.status == OutboxStatus.GAGAL and message.body == REDACTED


def test_two_runs_at_once_never_claim_the_same_message(app, town, smtp):
    for i in range(3):
        notify.email("uji", f"x{i}@contoh.test", "Halo", "Isi")
    db.session.commit()
    now = datetime.now(UTC)
    first = sender.claim(now, 10)
    second = sender.claim(now, 10)  # another process in the same instant
    assert len(first) == 3 and second == []


def test_a_request_that_queued_mail_sends_it_after_its_response(app, client, town, smtp):
    app.config["OUTBOX_SEND_AFTER_REQUEST"] = True
    report = draft(town["a"])
    as_user(client, town["ketua_a"])
    response = client.post(f"/laporan/{report.id}/ajukan",
                           data={"version_id": report.version_id, "konfirmasi": "ya"})  # fmt: skip
    assert response.status_code == 302 and smtp.inbox.mails == []
    response.close()  # the server has sent the response
    assert sorted(to[0] for to, _ in smtp.inbox.mails) == ["p1@contoh.test", "p2@contoh.test"]


def test_kirim_surel_without_smtp_says_so_and_keeps_the_queue(runner, town):
    notify.email("uji", "x@contoh.test", "Halo", "Isi")
    db.session.commit()
    result = runner.invoke(args=["kirim-surel"])
    assert result.exit_code == 1
    assert "SMTP belum diatur" in result.output and "1 surel tetap dalam antrean" in result.output
    assert mailed("uji")[0].status == OutboxStatus.ANTRE and mailed("uji")[0].attempts == 0


def test_kirim_surel_sends_and_reports_and_is_audited(runner, town, smtp):
    notify.email("uji", "x@contoh.test", "Halo", "Isi")
    db.session.commit()
    result = runner.invoke(args=["kirim-surel"])
    assert result.exit_code == 0 and "Surel terkirim: 1" in result.output
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "outbox.send"))
    assert event.after == {"terkirim": 1, "dicoba_lagi": 0, "gagal": 0}


# --- Reminders ------------------------------------------------------------------------------
def due_without_rat(tahun_buku: int = 2025) -> date:
    return deadlines.report_due(tahun_buku, None)


def remind_on(runner, day: date):
    result = runner.invoke(args=["remind", "--tanggal", day.isoformat()])
    assert result.exit_code == 0, result.output
    return result


def reminded(kind: str) -> set[str]:
    return told(f"remind.{kind}")


def test_a_report_due_in_seven_days_is_reminded_in_eight_not(runner, town):
    due = due_without_rat()
    remind_on(runner, due - timedelta(days=8))
    assert reminded(remind.SOON) == set()
    remind_on(runner, due - timedelta(days=7))
    assert reminded(remind.SOON) == {"ketua.a@contoh.test", "ketua.b@contoh.test"}
    line = db.session.scalars(db.select(Notification)).first()
    assert tanggal(due) in line.title and "7 hari lagi" in line.body and line.link == "/laporan/"


def test_an_overdue_report_is_reminded_with_its_days_late(runner, town):
    due = due_without_rat()
    remind_on(runner, due)
    assert "hari ini" in db.session.scalars(db.select(Notification)).first().body
    remind_on(runner, due + timedelta(days=3))
    assert reminded(remind.OVERDUE) == {"ketua.a@contoh.test", "ketua.b@contoh.test"}
    line = db.session.scalar(
        db.select(Notification).where(Notification.event == "remind.terlambat").limit(1)
    )
    assert "terlambat 3 hari" in line.title


def test_reminders_are_told_once_a_day_across_runs(runner, town):
    day = due_without_rat() - timedelta(days=2)
    first = remind_on(runner, day)
    second = remind_on(runner, day)
    assert "2 notifikasi baru" in first.output and "0 notifikasi baru" in second.output
    assert db.session.scalar(db.select(db.func.count()).select_from(Notification)) == 2
    assert len(mailed("remind.batas_lapor")) == 2  # the e-mails are not doubled either
    remind_on(runner, day + timedelta(days=1))
    assert db.session.scalar(db.select(db.func.count()).select_from(Notification)) == 4


def test_a_submitted_report_is_not_reminded_and_a_drafts_rat_date_sets_the_deadline(runner, town):
    submitted(town["b"], town["ketua_b"])
    started = draft(town["a"], tanggal_rat="2026-03-14")
    due = deadlines.report_due(2025, date(2026, 3, 14))
    remind_on(runner, due + timedelta(days=1))
    assert reminded(remind.OVERDUE) == {"ketua.a@contoh.test"}  # not B's, which was submitted
    line = db.session.scalar(
        db.select(Notification).where(Notification.event == "remind.terlambat")
    )
    assert line.link == f"/laporan/{started.id}" and tanggal(due) in line.body


# --- The list and the badge -----------------------------------------------------------------
def tell_many(user, n: int) -> None:
    for i in range(n):
        notify.tell("uji", [user], f"Pemberitahuan {i}", f"Isi {i}", f"/laporan/{i}", email=False)
    db.session.commit()


def test_the_list_shows_ones_own_notifications_newest_first_with_unread_marked(client, town):
    tell_many(town["p1"], 3)
    notify.tell("uji", [town["p2"]], "Milik orang lain", "Isi", "/", email=False)
    db.session.commit()
    as_user(client, town["p1"])
    page = client.get("/notifikasi/").get_data(as_text=True)
    assert (
        page.index("Pemberitahuan 2")
        < page.index("Pemberitahuan 1")
        < page.index("Pemberitahuan 0")
    )
    assert "Milik orang lain" not in page and page.count("badge new") == 3
    assert '<span class="badge count">3</span>' in page


def test_opening_a_notification_marks_it_read_and_goes_to_its_page(client, town):
    tell_many(town["p1"], 1)
    line = db.session.scalar(db.select(Notification))
    as_user(client, town["p1"])
    response = client.get(f"/notifikasi/{line.id}/buka")
    assert response.status_code == 302 and response.headers["Location"] == "/laporan/0"
    db.session.refresh(line)
    assert line.read_at is not None
    as_user(client, town["p2"])
    assert client.get(f"/notifikasi/{line.id}/buka").status_code == 404
    assert client.post(f"/notifikasi/{line.id}/dibaca").status_code == 404


def test_marking_one_and_all_read(client, town):
    tell_many(town["p1"], 3)
    tell_many(town["p2"], 1)
    first = db.session.scalars(db.select(Notification).order_by(Notification.id)).first()
    as_user(client, town["p1"])
    assert client.post(f"/notifikasi/{first.id}/dibaca").status_code == 302
    page = client.get("/notifikasi/").get_data(as_text=True)
    assert '<span class="badge count">2</span>' in page
    response = client.post("/notifikasi/dibaca-semua")
    assert "2 notifikasi ditandai sudah dibaca" in client.get(
        response.headers["Location"]
    ).get_data(as_text=True)
    unread = db.session.scalars(db.select(Notification).where(Notification.read_at.is_(None)))
    assert [n.user_id for n in unread] == [town["p2"].id]  # another user's stay unread


def test_the_list_is_paginated(app, client, town):
    app.config["PER_PAGE"] = 2
    tell_many(town["p1"], 5)
    as_user(client, town["p1"])
    third = client.get("/notifikasi/?page=3").get_data(as_text=True)
    assert "Pemberitahuan 0" in third and "Pemberitahuan 4" not in third
    assert "Halaman 3 dari 3" in third


def test_marking_read_needs_the_csrf_token(make_app, town):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    with app.app_context():
        tell_many(db.session.get(type(town["p1"]), town["p1"].id), 1)
        as_user(client, db.session.get(type(town["p1"]), town["p1"].id))
        assert client.post("/notifikasi/dibaca-semua").status_code in (400, 403)
        assert db.session.scalar(db.select(Notification.read_at)) is None


def test_the_badge_costs_one_query_per_page(client, town):
    tell_many(town["p1"], 120)
    as_user(client, town["p1"])
    client.get("/akun/profil")
    with sent() as seen:
        page = client.get("/akun/profil").get_data(as_text=True)
    assert '<span class="badge count">99+</span>' in page
    assert len([s for s in reads(seen) if "notification" in s]) == 1

"""Delivering the outbox over SMTP (the standard library's smtplib).

A run claims the messages that are due (antre, next_attempt_at passed) by moving their next
attempt a lease ahead in one UPDATE … RETURNING, committed before any mail is sent: two runs at
once (cron, and the request that just queued a message) never take the same message. On
PostgreSQL the candidates are read FOR UPDATE SKIP LOCKED, so a second run skips rather than
waits; SQLite has one writer at a time. Each outcome is committed on its own: sent (terkirim),
retried later with a growing wait (attempts, last_error), or given up (gagal) at the limit.
A secret body (a one-time link) is replaced by a redacted text once sent or given up."""

import smtplib
import ssl
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from flask import current_app, g
from sqlalchemy import select, update

from sikomo import audit
from sikomo.extensions import db
from sikomo.models import OutboxMessage, OutboxStatus
from sikomo.notify.operations import REDACTED, is_secret

RETRY_MINUTES = (1, 5, 15, 60, 240)  # the wait after the 1st, 2nd, … failure; then the last
LEASE = timedelta(minutes=10)  # a claimed message is due again if its sender died meanwhile
PORTS = {"none": 25, "starttls": 587, "ssl": 465}


class NotConfigured(Exception):
    """No SMTP server is set: the messages stay queued."""


@dataclass(frozen=True)
class Smtp:
    host: str
    port: int
    security: str  # none | starttls | ssl
    user: str | None
    password: str | None
    sender: str
    timeout: float


@dataclass
class Outcome:
    terkirim: int = 0
    dicoba_lagi: int = 0
    gagal: int = 0

    @property
    def total(self) -> int:
        return self.terkirim + self.dicoba_lagi + self.gagal


def smtp_settings(config, timeout: float | None = None) -> Smtp:
    """The SMTP_* settings (SIKOMO_SMTP_* in the environment); NotConfigured names what lacks."""
    host = (config.get("SMTP_HOST") or "").strip()
    if not host:
        raise NotConfigured("SMTP belum diatur (SIKOMO_SMTP_HOST kosong).")
    security = str(config.get("SMTP_SECURITY") or "starttls").strip().lower()
    if security not in PORTS:
        raise NotConfigured("SIKOMO_SMTP_SECURITY harus none, starttls atau ssl.")
    port = str(config.get("SMTP_PORT") or PORTS[security]).strip()
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise NotConfigured("SIKOMO_SMTP_PORT harus nomor port (1–65535).")
    sender = config.get("SMTP_FROM") or config.get("SMTP_USER")
    if not sender:
        raise NotConfigured("Alamat pengirim belum diatur (SIKOMO_SMTP_FROM).")
    return Smtp(host, int(port), security, config.get("SMTP_USER") or None,
                config.get("SMTP_PASSWORD") or None, sender,
                float(timeout or config.get("SMTP_TIMEOUT") or 20))  # fmt: skip


def is_configured(config) -> bool:
    try:
        smtp_settings(config)
    except NotConfigured:
        return False
    return True


def retry_wait(attempts: int) -> timedelta:
    return timedelta(minutes=RETRY_MINUTES[min(attempts, len(RETRY_MINUTES)) - 1])


def claim(now: datetime, limit: int) -> list[OutboxMessage]:
    """Take up to `limit` due messages for this run (committed before anything is sent)."""
    due = (OutboxMessage.status == OutboxStatus.ANTRE, OutboxMessage.next_attempt_at <= now)
    candidates = select(OutboxMessage.id).where(*due).order_by(OutboxMessage.next_attempt_at,
                                                                OutboxMessage.id).limit(limit)  # fmt: skip
    if db.session.get_bind().dialect.name == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True)
    ids = list(db.session.scalars(candidates))
    if not ids:
        db.session.rollback()
        return []
    table = OutboxMessage.__table__
    taken = db.session.execute(
        update(table)
        .where(table.c.id.in_(ids), table.c.status == OutboxStatus.ANTRE,
               table.c.next_attempt_at <= now)
        .values(next_attempt_at=now + LEASE)
        .returning(table.c.id)
    ).scalars().all()  # fmt: skip
    db.session.commit()
    query = select(OutboxMessage).where(OutboxMessage.id.in_(taken)).order_by(OutboxMessage.id)
    return list(db.session.scalars(query))


def send_due(
    now: datetime | None = None, limit: int = 200, timeout: float | None = None
) -> Outcome:
    """Send what is due; NotConfigured (nothing claimed) when no SMTP server is set."""
    smtp = smtp_settings(current_app.config, timeout)
    now = now or datetime.now(UTC)
    batch = claim(now, limit)
    outcome = Outcome()
    if not batch:
        return outcome
    try:
        connection = connect(smtp)
    except (OSError, smtplib.SMTPException) as exc:
        for message in batch:
            failed(message, exc, now, outcome)
    else:
        for message in batch:
            try:
                connection.send_message(mail(message, smtp, now))
            except (OSError, ValueError, smtplib.SMTPException) as exc:
                failed(message, exc, now, outcome)
            else:
                sent(message, now, outcome)
        close(connection)
    audit.record("sistem", "outbox.send", None, None, vars(outcome))
    db.session.commit()
    return outcome


def connect(smtp: Smtp) -> smtplib.SMTP:
    if smtp.security == "ssl":
        connection = smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=smtp.timeout,
                                      context=ssl.create_default_context())  # fmt: skip
    else:
        connection = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout)
        if smtp.security == "starttls":
            connection.starttls(context=ssl.create_default_context())
    if smtp.user:
        connection.login(smtp.user, smtp.password or "")
    return connection


def close(connection: smtplib.SMTP) -> None:
    try:
        connection.quit()
    except (OSError, smtplib.SMTPException):
        connection.close()


def mail(message: OutboxMessage, smtp: Smtp, now: datetime) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = smtp.sender
    mail["To"] = message.recipient_email
    mail["Subject"] = message.subject
    mail["Date"] = format_datetime(now)
    mail["Message-ID"] = make_msgid("sikomo", smtp.sender.rpartition("@")[2].strip("> ") or None)
    mail.set_content(message.body)
    return mail


def sent(message: OutboxMessage, now: datetime, outcome: Outcome) -> None:
    message.status, message.sent_at = OutboxStatus.TERKIRIM, now
    message.attempts += 1
    if is_secret(message):
        message.body = REDACTED
    db.session.commit()  # kept even if the run dies at the next message
    outcome.terkirim += 1


def failed(message: OutboxMessage, exc: Exception, now: datetime, outcome: Outcome) -> None:
    message.attempts += 1
    message.last_error = f"{type(exc).__name__}: {exc}"[:1000]
    if message.attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"]:
        message.status = OutboxStatus.GAGAL
        if is_secret(message):
            message.body = REDACTED
        outcome.gagal += 1
    else:
        message.next_attempt_at = now + retry_wait(message.attempts)
        outcome.dicoba_lagi += 1
    db.session.commit()


# --- Right after a request (registered by sikomo/notify/views.py) ------------------------
def send_after_response(response):
    """A request that queued mail tries the outbox once its response is sent (short timeout;
    any failure is logged and left to the cron run), so the user never waits for SMTP."""
    app = current_app._get_current_object()
    if (
        g.get("outbox_queued")
        and app.config["OUTBOX_SEND_AFTER_REQUEST"]
        and is_configured(app.config)
    ):
        response.call_on_close(lambda: send_quietly(app))
    return response


def send_quietly(app) -> None:
    with app.app_context():
        try:
            send_due(limit=20, timeout=app.config["OUTBOX_REQUEST_TIMEOUT"])
        except Exception:  # noqa: BLE001  (the cron run tries again; nothing reaches the user)
            app.logger.exception("sending the outbox after a request failed")
            db.session.rollback()
        finally:
            db.session.remove()

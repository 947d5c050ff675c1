"""Telling users: a notification line and an e-mail in the outbox, written in the caller's
session so they commit (or roll back) with the change they tell of; and reading one's list."""

from collections.abc import Iterable
from datetime import UTC, datetime

from flask import g, has_request_context
from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from sikomo import audit
from sikomo.extensions import db
from sikomo.links import absolute
from sikomo.models import Notification, OutboxMessage, OutboxStatus, User

REDACTED = (
    "[Isi surel ini memuat tautan sekali pakai dan telah dihapus dari SIKOMO setelah "
    "dikirim. Minta tautan baru bila diperlukan.]"
)
FOOTER = (
    "\n\n--\nSurel ini dikirim otomatis oleh SIKOMO. Daftar pemberitahuan Anda ada di menu "
    "Notifikasi setelah masuk."
)
BADGE_CAP = 99  # the nav badge shows "99+" beyond this: the count never scans a long list


def tell(
    event: str,
    recipients: Iterable[User],
    title: str,
    body: str,
    path: str,
    *,
    dedup_key: str | None = None,
    email: bool = True,
) -> None:
    """Give each active recipient a notification linking to `path` and (when `email`) an e-mail
    with the absolute link; with `dedup_key`, a user already told under that key is skipped."""
    title = " ".join(title.split())[:300]
    mail_body = f"{body}\n\nBuka: {absolute(path)}{FOOTER}"
    with db.session.no_autoflush:  # the caller's pending change is flushed by its own commit
        for user in _active(recipients):
            if not _notify_once(user, event, title, body, path, dedup_key):
                continue
            if email and user.email:
                _queue(event, user.email, title, mail_body, user)


def email(
    event: str,
    address: str,
    subject: str,
    body: str,
    *,
    recipient: User | None = None,
    secret: bool = False,
) -> OutboxMessage:
    """An e-mail in the outbox only (no notification line): invitations, password resets.
    A `secret` body (a one-time link) is replaced by REDACTED once sent or given up."""
    return _queue(event, address, subject, body, recipient, secret=secret)


def is_secret(message: OutboxMessage) -> bool:
    return bool(message.secret)


def _active(recipients: Iterable[User]) -> list[User]:
    """Each active user once, in the order given."""
    seen: dict[int, User] = {}
    for user in recipients:
        if user is not None and user.active and user.id not in seen:
            seen[user.id] = user
    return list(seen.values())


def _notify_once(user: User, event: str, title: str, body: str, path: str, key) -> bool:
    """Add the notification; False when `key` already told this user (nothing is raised, so
    the caller's transaction goes on: INSERT … ON CONFLICT DO NOTHING on both databases)."""
    values = dict(user_id=user.id, event=event[:64], title=title, body=body, link=path[:500])
    if key is None:
        db.session.add(Notification(**values))
        return True
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(Notification.__table__)
        .values(**values, dedup_key=key[:200], created_at=datetime.now(UTC))
        .on_conflict_do_nothing(index_elements=["user_id", "dedup_key"])
        .returning(Notification.__table__.c.id)
    )
    return db.session.execute(statement).first() is not None  # no row back: told before


def _queue(
    event: str, address: str, subject: str, body: str, recipient, *, secret: bool = False
) -> OutboxMessage:
    message = OutboxMessage(
        event=event[:64],
        recipient_id=getattr(recipient, "id", None),
        recipient_email=address[:254],
        subject=" ".join(subject.split())[:300],  # one header line
        body=body,
        secret=secret,
        status=OutboxStatus.ANTRE,
        attempts=0,
        next_attempt_at=datetime.now(UTC),
    )
    db.session.add(message)
    if has_request_context():
        g.outbox_queued = True  # sikomo.notify.sender tries it once the response is sent
    return message


# --- The in-app list -------------------------------------------------------------------------
def unread_count(user: User) -> int:
    """The nav badge: unread notifications, counted up to BADGE_CAP + 1 (one indexed query)."""
    unread = (
        select(Notification.id)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .limit(BADGE_CAP + 1)
        .subquery()
    )
    return db.session.scalar(select(func.count()).select_from(unread)) or 0


def page_of(user: User, page: int, per_page: int):
    query = (
        select(Notification).where(Notification.user_id == user.id).order_by(Notification.id.desc())
    )
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def own(user: User, notification_id: int) -> Notification | None:
    row = db.session.get(Notification, notification_id)
    return row if row is not None and row.user_id == user.id else None


def mark_read(user: User, row: Notification) -> bool:
    """Mark one of the user's notifications read; False when it already was."""
    if row.read_at is not None:
        return False
    row.read_at = datetime.now(UTC)
    audit.record(user, "notification.read", row, {"read_at": None}, {"read_at": row.read_at})
    db.session.commit()
    return True


def mark_all_read(user: User) -> int:
    """Mark every unread notification of the user read; how many were."""
    now = datetime.now(UTC)
    done = db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if done:
        audit.record(user, "notification.read_all", None, None, {"jumlah": done})
    db.session.commit()
    return done

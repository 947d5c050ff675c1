"""Start, look up, touch and end server-side sessions."""

import hashlib
import secrets
from datetime import UTC, timedelta

from flask import current_app, has_request_context, request
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from sikomo import audit
from sikomo.extensions import db
from sikomo.models import User, UserSession, utcnow

TOUCH_EVERY = timedelta(seconds=60)  # last_seen is written at most this often per session
LOGOUT, ENDED_BY_USER, ENDED_ELSEWHERE, IDLE = "keluar", "diakhiri", "diakhiri_semua", "menganggur"
PASSWORD = "kata_sandi"


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(user: User) -> str:
    """A new session for `user` (committed by the caller); returns its token, also set on
    `user.session_token` for Flask-Login."""
    token = secrets.token_urlsafe(32)
    address = agent = None
    if has_request_context():
        address, agent = request.remote_addr, (request.user_agent.string or "")[:200]
    db.session.add(UserSession(user_id=user.id, token_hash=digest(token), address=address,
                               agent=agent))  # fmt: skip
    user.session_token = token
    return token


def idle_limit() -> timedelta:
    return timedelta(minutes=int(current_app.config["SESSION_IDLE_MINUTES"]))


def lookup(token: str | None) -> User | None:
    """The active user of a live session, else None. A session idle too long is ended now."""
    if not token or len(token) > 100:
        return None
    row = db.session.scalar(
        select(UserSession)
        .options(joinedload(UserSession.user))  # the session and its user in one query
        .where(UserSession.token_hash == digest(token))
    )
    if row is None or row.ended_at is not None or not row.user.active:
        return None
    now = utcnow()
    seen = row.last_seen if row.last_seen.tzinfo else row.last_seen.replace(tzinfo=UTC)
    if now - seen > idle_limit():
        end_row(row, IDLE)
        db.session.commit()
        return None
    if now - seen > TOUCH_EVERY:
        db.session.execute(
            update(UserSession).where(UserSession.id == row.id).values(last_seen=now)
        )
        db.session.commit()
    row.user.session_token = token
    return row.user


def end_row(row: UserSession, reason: str) -> None:
    if row.ended_at is None:
        row.ended_at, row.ended_reason = utcnow(), reason


def end(token: str | None, reason: str = LOGOUT) -> None:
    """End the session of `token` (logging out)."""
    if token:
        row = db.session.scalar(select(UserSession).where(UserSession.token_hash == digest(token)))
        if row is not None:
            end_row(row, reason)


def end_all(user: User, reason: str, keep: str | None = None) -> int:
    """End every live session of `user` but `keep` (a token); returns how many ended."""
    rows = live(user)
    ended = [r for r in rows if keep is None or r.token_hash != digest(keep)]
    for row in ended:
        end_row(row, reason)
    return len(ended)


def live(user: User) -> list[UserSession]:
    return list(db.session.scalars(
        select(UserSession).where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .order_by(UserSession.last_seen.desc())
    ))  # fmt: skip


def end_other(actor: User, session_id: int) -> bool:
    """The user ends one of their own other sessions; False when it is not theirs or not live."""
    row = db.session.get(UserSession, session_id)
    if row is None or row.user_id != actor.id or row.ended_at is not None:
        return False
    end_row(row, ENDED_BY_USER)
    audit.record(actor, "session.end", row, None, {"sesi": row.id})
    db.session.commit()
    return True

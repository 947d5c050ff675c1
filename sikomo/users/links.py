"""One-time links that let a user set a password: an invitation or a reset.

The token is 32 random bytes in the URL; the database keeps only its SHA-256. A link works once
(its use is one conditional UPDATE, so two tabs cannot both use it), until it expires, and only
while it is the newest of its user and purpose: issuing a new one ends the older ones.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update

from sikomo import audit
from sikomo.auth import passwords
from sikomo.extensions import db
from sikomo.links import absolute, path_for
from sikomo.models import AccountLink, LinkPurpose, User, utcnow
from sikomo.sessions import operations as sessions

LIFETIME = {LinkPurpose.UNDANGAN: timedelta(days=7), LinkPurpose.RESET: timedelta(hours=2)}
LIFETIME_WORDS = {LinkPurpose.UNDANGAN: "7 hari", LinkPurpose.RESET: "2 jam"}


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Issued:
    row: AccountLink
    token: str

    @property
    def url(self) -> str:
        """The absolute link (from PUBLIC_URL), also when issued outside a request."""
        return absolute(path_for("accounts.link", token=self.token))


def issue(actor, user: User, purpose: LinkPurpose) -> Issued:
    """A new link for `user` (in the session; the caller commits), ending their older ones."""
    now = utcnow()
    db.session.execute(
        update(AccountLink)
        .where(AccountLink.user_id == user.id, AccountLink.purpose == purpose,
               AccountLink.used_at.is_(None), AccountLink.expires_at > now)
        .values(expires_at=now)
    )  # fmt: skip
    token = secrets.token_urlsafe(32)
    row = AccountLink(user_id=user.id, purpose=purpose, token_hash=digest(token),
                      created_at=now, expires_at=now + LIFETIME[purpose],
                      created_by_id=getattr(actor, "id", None))  # fmt: skip
    db.session.add(row)
    db.session.flush()
    audit.record(actor, f"user.link_{purpose.value}", user, None,
                 {"tautan": row.id, "berlaku_sampai": row.expires_at})  # fmt: skip
    return Issued(row, token)


def valid(token: str | None) -> AccountLink | None:
    """The unused, unexpired link of `token` whose user is active; None for anything else."""
    if not token or len(token) > 100:
        return None
    row = db.session.scalar(select(AccountLink).where(AccountLink.token_hash == digest(token)))
    if row is None or row.used_at is not None or row.expires_at_aware <= utcnow():
        return None
    return row if row.user.active else None


class LinkRefused(ValueError):
    pass


def use(token: str, password: str) -> User:
    """Set the password through the link of `token`, once; every session of the user ends."""
    row = valid(token)
    if row is None:
        raise LinkRefused("Tautan ini tidak berlaku lagi.")
    user = row.user
    if (reason := passwords.problem(password, user.email, user.name)) is not None:
        raise ValueError(reason)
    taken = db.session.execute(
        update(AccountLink)
        .where(AccountLink.id == row.id, AccountLink.used_at.is_(None))
        .values(used_at=utcnow())
    ).rowcount  # fmt: skip
    if taken != 1:  # used in another tab a moment ago
        db.session.rollback()
        raise LinkRefused("Tautan ini tidak berlaku lagi.")
    user.set_password(password)
    ended = sessions.end_all(user, sessions.PASSWORD)
    audit.record(user, f"user.password_{row.purpose.value}", user, None,
                 {"tautan": row.id, "sesi_diakhiri": ended})  # fmt: skip
    db.session.commit()
    return user


def history(user: User) -> list[AccountLink]:
    return list(db.session.scalars(
        select(AccountLink).where(AccountLink.user_id == user.id).order_by(AccountLink.id.desc())
        .limit(10)
    ))  # fmt: skip

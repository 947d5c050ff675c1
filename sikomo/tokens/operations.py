"""Issue, revoke and check API tokens; only a token's SHA-256 is ever stored."""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select

from sikomo import audit
from sikomo.extensions import db
from sikomo.models import ApiToken, Cooperative

TOKEN_PREFIX = "skm_"
PREFIX_LENGTH = len(TOKEN_PREFIX) + 8  # what the token list shows, and the look-up key


@dataclass(frozen=True)
class Issued:
    token: ApiToken
    secret: str  # the full token: shown once, never stored


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue(actor, cooperative: Cooperative, name: str) -> Issued:
    """Create a token for the cooperative; the caller shows `secret` once."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        cooperative_id=cooperative.id,
        name=name.strip(),
        token_hash=digest(secret),
        prefix=secret[:PREFIX_LENGTH],
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(row)
    db.session.flush()
    audit.record(actor, "api_token.issue", row, None, {"cooperative_id": cooperative.id,
                 "name": row.name, "prefix": row.prefix})  # fmt: skip
    db.session.commit()
    return Issued(row, secret)


def revoke(actor, row: ApiToken) -> None:
    if row.revoked_at is not None:
        return
    row.revoked_at = datetime.now(UTC)
    audit.record(actor, "api_token.revoke", row, {"revoked_at": None},
                 {"revoked_at": row.revoked_at, "prefix": row.prefix})  # fmt: skip
    db.session.commit()


def authenticate(secret: str) -> ApiToken | None:
    """The active token matching `secret` (its last use noted), or None."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    wanted = digest(secret)
    candidates = db.session.scalars(
        select(ApiToken).where(ApiToken.prefix == secret[:PREFIX_LENGTH])
    )
    for row in candidates:
        if hmac.compare_digest(row.token_hash, wanted) and row.revoked_at is None:
            row.last_used_at = datetime.now(UTC)
            db.session.commit()
            return row
    return None


def tokens_of(cooperative_id: int) -> list[ApiToken]:
    query = select(ApiToken).where(ApiToken.cooperative_id == cooperative_id)
    return list(db.session.scalars(query.order_by(ApiToken.id.desc())))


def all_tokens() -> list[ApiToken]:
    return list(db.session.scalars(select(ApiToken).order_by(ApiToken.id.desc())))


def actor_label(row: ApiToken) -> str:
    """How a token's actions appear in the audit trail."""
    return f"token {row.prefix}… ({row.name})"

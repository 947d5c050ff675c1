"""Sign-in throttling that slows a guesser down without locking the owner out.

Failed sign-ins are counted per account and per client address over WINDOW, in a store every
worker shares: Redis when LOGIN_THROTTLE_REDIS names one, else the database (`login_failure`).

- An account with FREE_TRIES failures must wait before the next try, the wait doubling with each
  further failure (15 s, 30 s, 1 min … at most MAX_WAIT). The owner can sign in again once it
  has passed; nothing is locked for good.
- An address with ADDRESS_TRIES failures (one machine guessing at many accounts) is slowed the
  same way — except for an account with no failure of its own: an owner behind the same office
  NAT still signs in with the right password.
- A try made during a wait is refused before the password is looked at, so a wait cannot be used
  to test passwords, and the answer names the wait in seconds.
"""

import math
from datetime import UTC, timedelta
from functools import cache

from flask import current_app
from sqlalchemy import delete, func, select

from sikomo.extensions import db
from sikomo.models import LoginFailure, utcnow

WINDOW = timedelta(minutes=15)
FREE_TRIES, ADDRESS_TRIES = 5, 30
FIRST_WAIT, MAX_WAIT = timedelta(seconds=15), timedelta(minutes=15)


def account_key(email: str) -> str:
    return "akun:" + (email or "").strip().lower()[:254]


def address_key(address: str | None) -> str:
    return "ip:" + (address or "-")[:45]


def wait_after(failures: int, free: int) -> timedelta:
    """How long after the last failure the next try must wait."""
    if failures < free:
        return timedelta(0)
    return min(FIRST_WAIT * 2 ** (failures - free), MAX_WAIT)


class DatabaseStore:
    def failures(self, key: str) -> tuple[int, float | None]:
        """Failures of `key` within WINDOW, and the time (epoch seconds) of the last one."""
        since = utcnow() - WINDOW
        count, last = db.session.execute(
            select(func.count(LoginFailure.id), func.max(LoginFailure.at))
            .where(LoginFailure.key == key, LoginFailure.at > since)
        ).one()  # fmt: skip
        if last is None:
            return count, None
        return count, (last if last.tzinfo else last.replace(tzinfo=UTC)).timestamp()

    def add(self, *keys: str) -> None:
        now = utcnow()
        db.session.execute(delete(LoginFailure).where(LoginFailure.at < now - WINDOW))
        db.session.add_all(LoginFailure(key=k, at=now) for k in keys)
        db.session.commit()

    def clear(self, key: str) -> None:
        db.session.execute(delete(LoginFailure).where(LoginFailure.key == key))
        db.session.commit()


@cache
def redis_client(url: str):
    """One client (and its connection pool) per URL for the process, not one per request."""
    import redis

    return redis.Redis.from_url(url)


class RedisStore:
    """A sorted set per key of failure times (seconds), trimmed to WINDOW."""

    def __init__(self, url: str):
        self.redis = redis_client(url)

    def failures(self, key: str) -> tuple[int, float | None]:
        now = utcnow().timestamp()
        self.redis.zremrangebyscore(key, 0, now - WINDOW.total_seconds())
        times = self.redis.zrange(key, -1, -1, withscores=True)
        last = times[0][1] if times else None
        return self.redis.zcard(key), last

    def add(self, *keys: str) -> None:
        now = utcnow().timestamp()
        with self.redis.pipeline() as pipe:
            for key in keys:
                pipe.zadd(key, {f"{now}:{id(pipe)}:{key}": now})
                pipe.expire(key, int(WINDOW.total_seconds()) + 60)
            pipe.execute()

    def clear(self, key: str) -> None:
        self.redis.delete(key)


def store():
    url = current_app.config.get("LOGIN_THROTTLE_REDIS")
    return RedisStore(url) if url else DatabaseStore()


def _seconds_left(last: float | None, wait: timedelta) -> int:
    if last is None or not wait:
        return 0
    return max(0, math.ceil(last + wait.total_seconds() - utcnow().timestamp()))


def wait_seconds(email: str, address: str | None) -> int:
    """Seconds this try must still wait (0: it may go ahead and be checked)."""
    s = store()
    account, account_last = s.failures(account_key(email))
    left = _seconds_left(account_last, wait_after(account, FREE_TRIES))
    if account:  # an account being guessed at: a guessing address waits too
        address, address_last = s.failures(address_key(address))
        left = max(left, _seconds_left(address_last, wait_after(address, ADDRESS_TRIES)))
    return left


def failed(email: str, address: str | None) -> None:
    store().add(account_key(email), address_key(address))


def succeeded(email: str) -> None:
    store().clear(account_key(email))

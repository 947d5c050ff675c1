"""Failed sign-ins slow a guesser down, counted in a store every worker shares (the database, or
Redis where configured); the owner is never locked out for good, not even behind a guessing NAT."""

import socket
from datetime import timedelta

import pytest
from flask import g

from sikomo.auth import throttle
from sikomo.extensions import db
from sikomo.models import AuditEvent, LoginFailure, Role, utcnow

PASSWORD = "kopi tubruk di pasar sooko"


def attempt(app, email, password, address="198.51.100.7"):
    g.pop("_login_user", None)
    client = app.test_client()
    data = {"email": email, "password": password}
    return client.post("/login", data=data, environ_base={"REMOTE_ADDR": address}).status_code


@pytest.mark.parametrize(("failures", "seconds"), [(4, 0), (5, 15), (6, 30), (9, 240), (20, 900)])
def test_the_wait_doubles_after_the_free_tries_up_to_a_limit(failures, seconds):
    assert throttle.wait_after(failures, throttle.FREE_TRIES).total_seconds() == seconds


def test_failures_counted_by_one_worker_slow_the_next_try_on_another(make_app, make_user):
    first, second = make_app(), make_app()  # two workers, one database
    with first.app_context():
        make_user(Role.DINAS, email="dinas@contoh.test", password=PASSWORD)
        statuses = [
            attempt(first if i % 2 else second, "dinas@contoh.test", "salah") for i in range(5)
        ]
        assert statuses == [200] * 5
        assert (
            attempt(second, "dinas@contoh.test", PASSWORD) == 429
        )  # even the right password waits
        assert db.session.scalar(db.select(db.func.count(AuditEvent.id))
                                 .where(AuditEvent.action == "user.login_failed")) == 5  # fmt: skip


def test_the_owner_signs_in_once_the_wait_has_passed_and_the_count_clears(app, make_user):
    make_user(Role.DINAS, email="dinas@contoh.test", password=PASSWORD)
    for _ in range(5):
        attempt(app, "dinas@contoh.test", "salah")
    assert attempt(app, "dinas@contoh.test", PASSWORD) == 429
    for row in db.session.scalars(db.select(LoginFailure)):
        row.at = utcnow() - timedelta(seconds=16)  # the 15 s wait is over
    db.session.commit()
    assert attempt(app, "dinas@contoh.test", PASSWORD) == 302
    assert throttle.store().failures(throttle.account_key("dinas@contoh.test"))[0] == 0


def test_a_guessing_address_does_not_keep_an_owner_out(app, make_user):
    make_user(Role.DINAS, email="pemilik@contoh.test", password=PASSWORD)
    for i in range(throttle.ADDRESS_TRIES):
        attempt(app, f"tebakan{i}@contoh.test", "salah", address="203.0.113.1")
    assert attempt(app, "tebakan0@contoh.test", "salah", address="203.0.113.1") == 429
    assert attempt(app, "pemilik@contoh.test", PASSWORD, address="203.0.113.1") == 302


def redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
        return True
    except OSError:
        return False


@pytest.mark.skipif(not redis_up(), reason="no Redis on 127.0.0.1:6379")
def test_with_redis_configured_two_workers_share_its_counts(make_app, make_user):
    url = "redis://127.0.0.1:6379/15"
    first, second = make_app(LOGIN_THROTTLE_REDIS=url), make_app(LOGIN_THROTTLE_REDIS=url)
    with first.app_context():
        throttle.store().redis.flushdb()
        make_user(Role.DINAS, email="dinas@contoh.test", password=PASSWORD)
        for i in range(5):
            attempt(first if i % 2 else second, "dinas@contoh.test", "salah")
        assert attempt(first, "dinas@contoh.test", PASSWORD) == 429
        assert (
            db.session.scalar(db.select(db.func.count(LoginFailure.id))) == 0
        )  # not in the database
        throttle.store().redis.flushdb()
        assert attempt(second, "dinas@contoh.test", PASSWORD) == 302

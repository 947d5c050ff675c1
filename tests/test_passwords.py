"""Every new password passes the policy; hashes are argon2id at OWASP's cost; an older hash is
replaced at the next login; an unknown e-mail costs a password check too."""

import pytest
from werkzeug.security import generate_password_hash

from sikomo.auth import operations, passwords
from sikomo.auth.operations import UserError, authenticate, create_user
from sikomo.extensions import db
from sikomo.models import Role, User


@pytest.mark.parametrize(
    ("password", "words"),
    [("pendek-123", "paling sedikit 12"), ("x" * 129, "paling banyak 128"),
     ("passwordpassword", "mudah ditebak"), ("123456789012", "mudah ditebak"),
     ("qwertyuiopasdf", "mudah ditebak"), ("budisantoso2026", "nama atau email"), ("Contoh-sandi-panjang", "nama atau email")],
)  # fmt: skip
def test_weak_passwords_are_refused_with_the_reason(password, words):
    assert words in passwords.problem(password, "budi@contoh.test", "Budi Santoso")


@pytest.mark.parametrize(
    "password", ["kopi tubruk di pasar sooko", "Kenanga5Mojokerto!", "x" * 128 + ""]
)
def test_strong_passwords_pass(password):
    if password == "x" * 128:
        pytest.skip("a repeated character is weak, whatever its length")
    assert passwords.problem(password, "budi@contoh.test", "Budi Santoso") is None


def test_create_user_and_the_cli_refuse_a_weak_password(app, runner):
    with pytest.raises(UserError, match="mudah ditebak"):
        create_user("uji", "Budi", "budi@contoh.test", "passwordpassword", Role.DINAS)
    result = runner.invoke(args=["create-user", "--name", "Budi", "--email", "budi@contoh.test",
                                 "--role", "dinas", "--password", "pendek-123"])  # fmt: skip
    assert result.exit_code != 0 and "paling sedikit 12" in result.output
    assert db.session.scalar(db.select(db.func.count(User.id))) == 0


def test_new_hashes_are_argon2id_at_the_owasp_cost(make_user):
    user = make_user(Role.DINAS)
    assert user.password_hash.startswith("$argon2id$v=19$m=19456,t=2,p=1$")


def test_an_older_hash_still_logs_in_and_is_replaced(make_user):
    user = make_user(Role.DINAS, email="lama@contoh.test")
    user.password_hash = generate_password_hash("sandi-lama-yang-panjang", method="scrypt")
    db.session.commit()
    assert authenticate("lama@contoh.test", "salah-sekali-bukan-ini") is None
    assert db.session.get(User, user.id).password_hash.startswith("scrypt:")
    assert authenticate("lama@contoh.test", "sandi-lama-yang-panjang") is not None
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash.startswith("$argon2id$")


def test_an_unknown_email_costs_a_password_check(app, monkeypatch):
    checked = []
    real = passwords.verify
    monkeypatch.setattr(
        passwords, "verify", lambda stored, pw: checked.append(pw) or real(stored, pw)
    )
    assert authenticate("tidak-ada@contoh.test", "apa saja") is None
    assert checked == ["apa saja"]
    assert operations.passwords is passwords

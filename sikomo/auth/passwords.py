"""Passwords: a policy every new password passes, and argon2id hashing at OWASP's cost.

- Policy: 12 to 128 characters, and not easy to guess — zxcvbn (a well-kept library with 30,000
  common passwords, names, dates and keyboard patterns) must score it at least 3 of 4, counting
  the user's own e-mail and name as guessable.
- Hashing: argon2id with OWASP's minimum (19 MiB, 2 passes, 1 lane). A hash made earlier (the
  scrypt of Werkzeug, or argon2 at a lower cost) is verified as it is and replaced at the next
  successful login (`needs_rehash`).
- An unknown e-mail is answered after verifying against a dummy hash, as long as a known one.
"""

import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from werkzeug.security import check_password_hash
from zxcvbn import zxcvbn

MIN_LENGTH, MAX_LENGTH = 12, 128
MIN_SCORE = 3
HASHER = PasswordHasher(time_cost=2, memory_cost=19_456, parallelism=1)  # OWASP, argon2id
_DUMMY = HASHER.hash("sikomo: tidak ada akun dengan email ini")
LEGACY = ("scrypt:", "pbkdf2:")


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def verify(stored: str | None, password: str) -> bool:
    if not stored:
        return False
    if stored.startswith(LEGACY):
        return check_password_hash(stored, password)
    try:
        return HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    return stored.startswith(LEGACY) or HASHER.check_needs_rehash(stored)


def spend_like_a_check(password: str) -> None:
    """Take as long as checking a real account's password (no telling which e-mails exist)."""
    verify(_DUMMY, password)


def problem(password: str, *personal: str | None) -> str | None:
    """Why `password` may not be used, in Indonesian; None when it may."""
    if len(password) < MIN_LENGTH:
        return f"Kata sandi paling sedikit {MIN_LENGTH} karakter."
    if len(password) > MAX_LENGTH:
        return f"Kata sandi paling banyak {MAX_LENGTH} karakter."
    hints = [w.lower() for p in personal if p for w in re.split(r"[\W_]+", p) if len(w) >= 4]
    if any(word in password.lower() for word in hints):
        return "Kata sandi tidak boleh memuat nama atau email Anda."
    if zxcvbn(password[:100], user_inputs=hints)["score"] < MIN_SCORE:
        return ("Kata sandi terlalu mudah ditebak (kata umum, nama, tanggal, email atau pola "
                "keyboard). Gunakan gabungan beberapa kata yang tidak berhubungan.")  # fmt: skip
    return None

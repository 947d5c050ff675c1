"""User services shared by the login view and the CLI."""

from sqlalchemy import func, select

from sikomo import audit
from sikomo.auth import passwords
from sikomo.extensions import db
from sikomo.models import Role, User


class UserError(ValueError):
    pass


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def authenticate(email: str, password: str) -> User | None:
    """The active user with this e-mail and password, else None — as slowly for an unknown
    e-mail as for a known one. A hash of an older cost is replaced on success."""
    user = find_user(email)
    if user is None:
        passwords.spend_like_a_check(password)
        return None
    if not user.check_password(password) or not user.active:
        return None
    if passwords.needs_rehash(user.password_hash):
        user.set_password(password)
        db.session.commit()
    return user


def create_user(
    actor,
    name: str,
    email: str,
    password: str,
    role: Role,
    cooperative_id: int | None = None,
    *,
    policy: bool = True,
) -> User:
    """Create a user; a pengurus must be bound to a cooperative, other roles must not be. The
    password must pass the policy (only the published demo accounts skip it: `policy=False`)."""
    if find_user(email) is not None:
        raise UserError(f"Email {email} sudah terdaftar.")
    if policy and (reason := passwords.problem(password, email, name)) is not None:
        raise UserError(reason)
    if (role == Role.PENGURUS) != (cooperative_id is not None):
        raise UserError("Pengurus wajib terikat pada satu koperasi; peran lain tidak.")
    user = User(name=name, email=email.strip().lower(), role=role, cooperative_id=cooperative_id)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    audit.record(actor, "user.create", user, None, audit.snapshot(user, exclude=("password_hash",)))
    db.session.commit()
    return user

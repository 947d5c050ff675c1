"""User services shared by the login view and the CLI."""

from sqlalchemy import func, select

from sikomo import audit
from sikomo.extensions import db
from sikomo.models import Role, User


class UserError(ValueError):
    pass


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def authenticate(email: str, password: str) -> User | None:
    user = find_user(email)
    if user is None or not user.active or not user.check_password(password):
        return None
    return user


def create_user(
    actor, name: str, email: str, password: str, role: Role, cooperative_id: int | None = None
) -> User:
    """Create a user; a pengurus must be bound to a cooperative, other roles must not be."""
    if find_user(email) is not None:
        raise UserError(f"Email {email} sudah terdaftar.")
    if len(password) < 8:
        raise UserError("Kata sandi minimal 8 karakter.")
    if (role == Role.PENGURUS) != (cooperative_id is not None):
        raise UserError("Pengurus wajib terikat pada satu koperasi; peran lain tidak.")
    user = User(name=name, email=email.strip().lower(), role=role, cooperative_id=cooperative_id)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    audit.record(actor, "user.create", user, None, audit.snapshot(user, exclude=("password_hash",)))
    db.session.commit()
    return user

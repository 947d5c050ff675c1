"""Changes a user makes to their own account; every change audited."""

from sikomo import audit
from sikomo.auth import passwords
from sikomo.extensions import db
from sikomo.models import User
from sikomo.sessions import operations as sessions

PROFILE = ("name", "nip", "jabatan")


def update_profile(actor: User, values: dict[str, str | None]) -> bool:
    """Store the actor's own name, NIP and jabatan (validated by the form); False if unchanged."""
    before = {k: getattr(actor, k) for k in PROFILE}
    after = {k: values.get(k) for k in PROFILE}
    if before == after:
        return False
    for key, value in after.items():
        setattr(actor, key, value)
    audit.record(actor, "user.profile", actor, before, after)
    db.session.commit()
    return True


class PasswordRefused(ValueError):
    """The change is refused; the message says why, in Indonesian, and names the field."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def change_password(actor: User, current: str, new: str) -> int:
    """Change the actor's own password and end their other sessions; returns how many ended."""
    if not actor.check_password(current):
        raise PasswordRefused("current", "Kata sandi sekarang salah.")
    if (reason := passwords.problem(new, actor.email, actor.name)) is not None:
        raise PasswordRefused("new", reason)
    if actor.check_password(new):
        raise PasswordRefused("new", "Kata sandi baru sama dengan yang sekarang.")
    actor.set_password(new)
    ended = sessions.end_all(actor, sessions.PASSWORD, keep=actor.session_token)
    audit.record(actor, "user.password", actor, None, {"sesi_lain_diakhiri": ended})
    db.session.commit()
    return ended

"""Changes a user makes to their own account; every change audited."""

from sikomo import audit
from sikomo.extensions import db
from sikomo.models import User

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

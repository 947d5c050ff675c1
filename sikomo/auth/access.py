"""Role checks and per-cooperative scoping for views."""

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from sikomo.extensions import db
from sikomo.models import Cooperative, Role


def roles_required(*roles: Role):
    """Let only logged-in users with one of `roles` in; others get 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


STAFF = (Role.PENGAWAS, Role.DINAS, Role.ADMIN)
MANAGERS = (Role.DINAS, Role.ADMIN)


def can_see_cooperative(user, cooperative_id: int) -> bool:
    if user.role == Role.PENGURUS:
        return user.cooperative_id == cooperative_id
    return True


def cooperative_or_404(cooperative_id: int) -> Cooperative:
    """The cooperative if the current user may see it; 404 otherwise, so nothing leaks."""
    coop = db.session.get(Cooperative, cooperative_id)
    if coop is None or not can_see_cooperative(current_user, cooperative_id):
        abort(404)
    return coop

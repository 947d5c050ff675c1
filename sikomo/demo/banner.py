"""While the published demo accounts can sign in, every page says so: a district must not take
a demo install, with its printed passwords, for its production system."""

from sqlalchemy import select

from sikomo import per_request
from sikomo.demo.seed import DEMO_USERS
from sikomo.extensions import db
from sikomo.models import User

DEMO_EMAILS = tuple(email for _, email, _, _ in DEMO_USERS)


def demo_accounts_active() -> bool:
    def found() -> bool:
        query = select(User.id).where(User.email.in_(DEMO_EMAILS), User.active.is_(True))
        return db.session.scalar(query.limit(1)) is not None

    return per_request.once("sikomo.demo_accounts", found, fallback=False)


def init_app(app) -> None:
    app.context_processor(lambda: {"demo_accounts_active": demo_accounts_active})

"""While the published demo accounts can sign in, every page says so: a district must not take
a demo install, with its printed passwords, for its production system."""

from flask import request
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from sikomo.demo.seed import DEMO_USERS
from sikomo.extensions import db
from sikomo.models import User

DEMO_EMAILS = tuple(email for _, email, _, _ in DEMO_USERS)
KEY = "sikomo.demo_accounts"  # kept in the request: one query per page at most


def demo_accounts_active() -> bool:
    kept = request.environ.get(KEY)
    if kept is None:
        try:
            found = db.session.scalar(
                select(User.id).where(User.email.in_(DEMO_EMAILS), User.active.is_(True)).limit(1)
            )
        except SQLAlchemyError:  # an error page over a broken session still renders
            found = None
        kept = request.environ[KEY] = found is not None
    return kept


def init_app(app) -> None:
    app.context_processor(lambda: {"demo_accounts_active": demo_accounts_active})

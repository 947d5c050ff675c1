"""Decide as a test means it: final. A decision four-eyes holds is confirmed by a second pengawas
(tests/test_four_eyes.py tests the holding itself)."""

from sqlalchemy import select

from sikomo.extensions import db
from sikomo.foureyes import operations as four_eyes
from sikomo.models import AssessmentStatus, Role, User
from sikomo.review import operations as ops

SECOND = "pengawas-kedua@contoh.test"


def second_pengawas() -> User:
    user = db.session.scalar(select(User).where(User.email == SECOND))
    if user is None:
        user = User(name="Pengawas Kedua", email=SECOND, role=Role.PENGAWAS, active=True)
        user.set_password("rahasia-kedua-123")
        db.session.add(user)
        db.session.commit()
    return user


def decide(actor, report, decision: ops.Decision):
    """`ops.decide`, then the second user's confirmation when the decision was held."""
    row = ops.decide(actor, report, decision)
    if row is not None and row.status == AssessmentStatus.PENDING:
        row = four_eyes.confirm(second_pengawas(), report, report.version_id)
    return row

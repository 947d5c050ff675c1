"""A finding (temuan) written directly, for tests that need one on a report."""

from datetime import date

from sikomo.extensions import db
from sikomo.models import CriterionKind, Finding, Severity


def finding_on(report, due: date = date(2099, 1, 1), **values) -> int:
    row = Finding(report_id=report.id, cooperative_id=report.cooperative_id,
                  criterion_kind=CriterionKind.LAINNYA, criterion="Kas", severity=Severity.SEDANG,
                  description="Uraian", recommendation="Saran", due_date=due, **values)  # fmt: skip
    db.session.add(row)
    db.session.commit()
    return row.id

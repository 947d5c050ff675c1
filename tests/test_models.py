import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from sikomo.extensions import db
from sikomo.models import Report, ReportStatus


def test_a_stale_report_cannot_overwrite_a_newer_one(make_cooperative, make_report):
    report = make_report(make_cooperative())
    with Session(db.engine) as other:
        stale = other.get(Report, report.id)
        report.status = ReportStatus.DIAJUKAN
        db.session.commit()
        stale.status = ReportStatus.DRAF
        with pytest.raises(StaleDataError):
            other.commit()
    assert report.version_id == 2


def test_one_version_per_cooperative_and_book_year(make_cooperative, make_report):
    coop = make_cooperative()
    make_report(coop, 2025)
    with pytest.raises(IntegrityError):
        make_report(coop, 2025)
    db.session.rollback()

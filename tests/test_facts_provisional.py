"""The "sehat" indicator counts decided predikat only: a provisional result never counts as sehat."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from sikomo.assessments import new_assessment, run_engine
from sikomo.extensions import db
from sikomo.models import AssessmentStatus, IndicatorFact, Predikat, ReportStatus


def sehat_facts(cooperative_id: int) -> set:
    query = select(IndicatorFact.sehat).where(IndicatorFact.cooperative_id == cooperative_id)
    return set(db.session.scalars(query))


@pytest.fixture
def provisional(make_submitted):
    """A submitted report whose engine result is provisional, its upper end sehat."""
    report = make_submitted(answers={})
    result = run_engine(report)
    assert result.provisional and result.predikat is None and result.predikat_max == "sehat"
    return report, result


@pytest.mark.parametrize(
    ("status", "predikat", "counted"),
    [
        (AssessmentStatus.PROVISIONAL, None, None),  # stored as the engine gives it: no predikat
        (AssessmentStatus.PROVISIONAL, Predikat.SEHAT, None),  # an old row with a predikat
        (AssessmentStatus.APPROVED, None, 0),  # approved without a predikat: assessed, not sehat
        (AssessmentStatus.APPROVED, Predikat.DALAM_PENGAWASAN, 0),  # adjusted down
        (AssessmentStatus.APPROVED, Predikat.CUKUP_SEHAT, 1),  # a pengawas's decision counts
    ],
)
def test_a_provisional_result_counts_as_sehat_only_once_a_pengawas_decides_it(
    provisional, status, predikat, counted
):
    report, result = provisional
    row = new_assessment(report, result, status)
    assert row.predikat is None and row.engine_predikat is None  # never the upper end
    row.predikat = predikat
    if status == AssessmentStatus.APPROVED:
        row.justification, row.decided_at = "Disesuaikan setelah pemeriksaan.", datetime.now(UTC)
        report.status = ReportStatus.DISETUJUI
    db.session.add(row)
    db.session.commit()
    facts = sehat_facts(report.cooperative_id)
    assert (1 in facts) == (counted == 1)
    if counted is None:
        assert facts <= {None}
    else:
        assert counted in facts

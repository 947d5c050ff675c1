"""Re-run the engine on a book year's reports and report which predikat would change."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

import scoring
from sikomo import audit
from sikomo.assessments import engine_input, is_health_scored, new_assessment
from sikomo.extensions import db
from sikomo.models import Assessment, AssessmentStatus, Report, ReportStatus
from sikomo.review.operations import decided_assessment, merged_data


@dataclass
class RescoreLine:
    report: Report
    old_predikat: str | None
    old_total: float | None
    result: scoring.Assessment | None = None
    error: str = ""

    @property
    def approved(self) -> bool:
        return self.report.status == ReportStatus.DISETUJUI

    @property
    def new_predikat(self) -> str | None:
        return self.result.predikat if self.result else None

    @property
    def changed(self) -> bool:
        return (
            self.old_predikat is not None
            and self.result is not None
            and (self.old_predikat != self.new_predikat)
        )


def year_reports(year: int) -> list[Report]:
    query = (
        select(Report)
        .where(Report.tahun_buku == year)
        .options(
            joinedload(Report.cooperative),
            selectinload(Report.assessments),
            selectinload(Report.review),
        )
        .order_by(Report.cooperative_id, Report.version)
    )
    return [r for r in db.session.scalars(query).unique() if is_health_scored(r.cooperative)]


def stored(report: Report) -> Assessment | None:
    """What the engine said last: the decision's engine result, else the latest provisional one."""
    if report.status == ReportStatus.DISETUJUI:
        return decided_assessment(report)
    provisional = [a for a in report.assessments if a.status == AssessmentStatus.PROVISIONAL]
    return max(provisional, key=lambda a: a.id) if provisional else None


def rescore(year: int, ruleset: scoring.Ruleset | None = None) -> list[RescoreLine]:
    """One line per health-scored report of the year; nothing is written."""
    lines = []
    for report in year_reports(year):
        old = stored(report)
        line = RescoreLine(
            report,
            old.engine_predikat.value if old and old.engine_predikat else None,
            float(old.total_score) if old and old.total_score is not None else None,
        )
        try:
            line.result = scoring.assess(engine_input(report, merged_data(report)), ruleset=ruleset)
        except scoring.ScoringError as exc:
            line.error = str(exc)
        lines.append(line)
    return lines


def apply_to_pending(actor, lines: list[RescoreLine]) -> int:
    """Store the new result as a provisional assessment of every report not yet approved."""
    stored_count = 0
    for line in lines:
        if line.approved or line.result is None:
            continue
        row = new_assessment(line.report, line.result, AssessmentStatus.PROVISIONAL)
        db.session.add(row)
        db.session.flush()
        audit.record(
            actor,
            "assessment.rescore",
            row,
            {"predikat": line.old_predikat, "total_score": line.old_total},
            {"predikat": row.predikat, "total_score": row.total_score, "ruleset": row.ruleset_id},
        )
        stored_count += 1
    db.session.commit()
    return stored_count

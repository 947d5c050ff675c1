"""Re-run the engine on a book year's reports and list what the ruleset in force would change.

Each line compares the new result with the report's stored assessment: predikat (or range),
total (or range) and ruleset version/hash. Nothing is written unless asked: `apply_to_pending`
stores the new results as provisional rows of reports not yet decided; an approved (or imported)
decision keeps its result and the ruleset hash it was made under.
"""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

import scoring
from sikomo import audit, prior_year
from sikomo.assessments import engine_input, is_health_scored, new_assessment, with_prior_year
from sikomo.extensions import db
from sikomo.models import Assessment, AssessmentStatus, Report, ReportStatus
from sikomo.prior_year import LOOK_UP
from sikomo.review.answers import scored_confirmations
from sikomo.review.operations import decided_assessment, merged_data
from sikomo.review.values import EngineScore, engine_score, stored_score


@dataclass
class RescoreLine:
    report: Report
    old: Assessment | None  # the stored assessment compared against
    result: scoring.Assessment | None = None
    error: str = ""

    @property
    def decided(self) -> bool:
        """Approved or imported: listed, never rescored in the database."""
        return self.report.status == ReportStatus.DISETUJUI or (
            self.old is not None and self.old.status != AssessmentStatus.PROVISIONAL
        )

    @property
    def before(self) -> EngineScore | None:
        return stored_score(self.old) if self.old is not None else None

    @property
    def after(self) -> EngineScore | None:
        return engine_score(self.result) if self.result is not None else None

    @property
    def is_new(self) -> bool:
        return self.old is None and self.result is not None

    @property
    def predikat_changed(self) -> bool:
        return self._differ(("complete", "predikat", "predikat_min", "predikat_max"))

    @property
    def score_changed(self) -> bool:
        return self._differ(("complete", "total", "total_min", "total_max"))

    @property
    def ruleset_changed(self) -> bool:
        if self.old is None or self.result is None:
            return False
        old = (self.old.ruleset_id, self.old.ruleset_version, self.old.ruleset_hash)
        new = (self.result.ruleset_id, self.result.ruleset_version, self.result.ruleset_hash)
        return old != new

    @property
    def changed(self) -> bool:
        return self.predikat_changed or self.score_changed or self.ruleset_changed

    @property
    def became_provisional(self) -> bool:
        before, after = self.before, self.after
        return bool(before and after and before.complete and after.provisional)

    def _differ(self, keys: tuple[str, ...]) -> bool:
        before, after = self.before, self.after
        if before is None or after is None:
            return False
        return any(getattr(before, k) != getattr(after, k) for k in keys)


def year_reports(year: int) -> list[Report]:
    """The year's submitted, returned and approved KSP/USP reports (drafts are scored live)."""
    query = (
        select(Report)
        .where(Report.tahun_buku == year, Report.status != ReportStatus.DRAF)
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
    decided = decided_assessment(report)
    if decided is not None:
        return decided
    provisional = [a for a in report.assessments if a.status == AssessmentStatus.PROVISIONAL]
    return max(provisional, key=lambda a: a.id) if provisional else None


def confirmations(report: Report, ruleset: scoring.Ruleset | None) -> dict[str, str] | None:
    """The pengawas's *tidak berlaku* confirmations that the ruleset used can take."""
    return scored_confirmations(report, ruleset) or None


def assess(report: Report, ruleset: scoring.Ruleset | None, previous=LOOK_UP) -> scoring.Assessment:
    """The engine on the report as the pengawas sees it, under `ruleset` (None: the year's);
    `previous` is last tahun buku's report when the caller fetched it with others."""
    data = merged_data(report)
    values, sources = with_prior_year(report, engine_input(report, data), data, previous)
    return scoring.assess(
        values, ruleset=ruleset, not_applicable=confirmations(report, ruleset), sources=sources
    )


def rescore(year: int, ruleset: scoring.Ruleset | None = None) -> list[RescoreLine]:
    """One line per health-scored report of the year; nothing is written.

    Last year's reports are looked up together (one query per 500 cooperatives), not per line.
    """
    reports = year_reports(year)
    previous = prior_year.previous_reports((r.cooperative_id, r.tahun_buku) for r in reports)
    lines = []
    for report in reports:
        line = RescoreLine(report, stored(report))
        try:
            line.result = assess(report, ruleset, previous.get((report.cooperative_id, year)))
        except scoring.ScoringError as exc:
            line.error = str(exc)
        lines.append(line)
    return lines


def snapshot(score: EngineScore | None, row_or_result) -> dict:
    if score is None:
        return {}
    return score.to_json() | {
        "ruleset_version": getattr(row_or_result, "ruleset_version", None),
        "ruleset_hash": getattr(row_or_result, "ruleset_hash", None),
    }


def apply_to_pending(actor, lines: list[RescoreLine]) -> int:
    """Store the new result as a provisional assessment of each undecided report it changes:
    all rows in one flush, their audit events in one multi-row INSERT, one commit."""
    changes = []
    with db.session.no_autoflush:
        for line in lines:
            if line.decided or line.result is None or not (line.is_new or line.changed):
                continue
            row = new_assessment(line.report, line.result, AssessmentStatus.PROVISIONAL)
            db.session.add(row)
            changes.append(
                (row, snapshot(line.before, line.old), snapshot(line.after, line.result))
            )
    db.session.flush()  # the audit events name the new rows' ids
    audit.record_many(actor, "assessment.rescore", changes)
    db.session.commit()
    return len(changes)

"""Temuan: record, edit, answer, follow up, close and reopen a finding on a report version.

Each public function takes validated data and the acting user, checks the page's `version_id`
first (another page acted since: FindingConflict, nothing written), adds one FindingStep, records
one audit event with before and after, tells who acts next and commits once. A race lost at
commit time (the mapper's version check) is the same conflict.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import flag_modified

import scoring
from sikomo import audit, deadlines
from sikomo.assessments import is_health_scored
from sikomo.conflicts import commit_or
from sikomo.extensions import db
from sikomo.findings import notices
from sikomo.models import (
    CriterionKind,
    Finding,
    FindingStatus,
    FindingStep,
    Report,
    ReportStatus,
    Role,
    Severity,
    StepKind,
)
from sikomo.review.answers import ruleset_of

CONFLICT_MESSAGE = (
    "Temuan ini telah diubah oleh pengguna lain sejak halaman ini dibuka. Tidak ada yang "
    "disimpan; muat ulang halaman, periksa perubahannya, lalu ulangi."
)
RECORDABLE = (ReportStatus.DIAJUKAN, ReportStatus.DIKEMBALIKAN, ReportStatus.DISETUJUI)
RECORDERS = (Role.PENGAWAS, Role.DINAS)
PENGURUS_STEPS = (StepKind.SETUJU, StepKind.TIDAK_SETUJU, StepKind.TINDAK_LANJUT)
EDITABLE = ("criterion_kind", "criterion_code", "criterion", "severity", "description",
            "recommendation", "due_date")  # fmt: skip


class FindingError(ValueError):
    """A finding action refused, with a message in Indonesian."""


class FindingConflict(FindingError):
    def __init__(self, message: str = CONFLICT_MESSAGE):
        super().__init__(message)


@dataclass(frozen=True)
class Criterion:
    kind: CriterionKind
    code: str | None
    text: str

    @property
    def key(self) -> str:
        """The form's value: 'indikator:P1', 'kuesioner:TK01' or 'lainnya'."""
        return f"{self.kind.value}:{self.code}" if self.code else self.kind.value


@dataclass(frozen=True)
class FindingData:
    criterion: Criterion
    severity: Severity
    description: str
    recommendation: str
    due_date: date


def criteria(report: Report) -> list[Criterion]:
    """The method's indicators and questionnaire items a finding can name (health-scored only)."""
    if not is_health_scored(report.cooperative):
        return []
    try:
        rs = ruleset_of(report)
    except scoring.ScoringError:
        return []
    found = []
    for ind in rs.indicators:
        if ind.enabled:
            found.append(Criterion(CriterionKind.INDIKATOR, ind.code, ind.name))
    for ind in rs.indicators:
        if ind.enabled:
            found += [Criterion(CriterionKind.KUESIONER, i.code, i.text) for i in ind.items]
    return found


def check_due(due: date) -> None:
    if due < deadlines.today():
        raise FindingError("Batas tindak lanjut tidak boleh sebelum hari ini.")


def expect(finding: Finding, version_id: int | None) -> None:
    if version_id != finding.version_id:
        raise FindingConflict()


def commit() -> None:
    commit_or(FindingConflict)


def record(actor, report: Report, data: FindingData) -> Finding:
    """A new finding on `report`, terbuka; the cooperative's pengurus are told."""
    if report.status not in RECORDABLE:
        raise FindingError("Temuan hanya dapat dicatat pada laporan yang diajukan atau diputuskan.")
    check_due(data.due_date)
    finding = Finding(report=report, cooperative_id=report.cooperative_id,
                      status=FindingStatus.TERBUKA, created_by_id=actor.id, **words(data))  # fmt: skip
    db.session.add(finding)
    db.session.flush()
    add_step(finding, StepKind.DICATAT, None, actor)
    audit.record(actor, "finding.record", finding, None, shown(finding))
    notices.recorded(finding)
    commit()
    return finding


def words(data: FindingData) -> dict:
    c = data.criterion
    return dict(criterion_kind=c.kind, criterion_code=c.code, criterion=c.text[:300],
                severity=data.severity, description=data.description,
                recommendation=data.recommendation, due_date=data.due_date)  # fmt: skip


def shown(finding: Finding) -> dict:
    return {key: getattr(finding, key) for key in (*EDITABLE, "status")}


def answered(finding: Finding) -> bool:
    return any(s.kind in PENGURUS_STEPS for s in finding.steps)


def may_edit(user, finding: Finding) -> bool:
    """Its author, while the pengurus has not answered and it is open."""
    return (user.id == finding.created_by_id and finding.status == FindingStatus.TERBUKA
            and not answered(finding))  # fmt: skip


def edit(actor, finding: Finding, data: FindingData, version_id: int | None) -> bool:
    """Change the words of a finding; False when nothing changed."""
    expect(finding, version_id)
    if not may_edit(actor, finding):
        raise FindingError("Temuan hanya dapat diubah pencatatnya sebelum pengurus menanggapi.")
    if data.due_date != finding.due_date:
        check_due(data.due_date)
    before = shown(finding)
    for key, value in words(data).items():
        setattr(finding, key, value)
    after = shown(finding)
    changed = {k: before[k] for k in before if before[k] != after[k]}
    if not changed:
        return False
    audit.record(actor, "finding.edit", finding, changed, {k: after[k] for k in changed})
    commit()
    return True


def add_step(finding: Finding, kind: StepKind, text: str | None, actor) -> FindingStep:
    step = FindingStep(finding=finding, kind=kind, text=text, user_id=actor.id)
    db.session.add(step)
    return step


def pengurus_step(actor, finding: Finding, kind: StepKind, text: str, version_id: int | None):
    """An answer or a follow-up of the cooperative's pengurus: the finding becomes ditanggapi."""
    expect(finding, version_id)
    if actor.role != Role.PENGURUS or actor.cooperative_id != finding.cooperative_id:
        raise FindingError("Hanya pengurus koperasi ini yang dapat menanggapi temuan.")
    if finding.status == FindingStatus.DITUTUP:
        raise FindingError("Temuan sudah ditutup; tanggapan tidak dapat ditambahkan.")
    before = finding.status
    finding.status = FindingStatus.DITANGGAPI
    flag_modified(finding, "status")  # the row's version moves even when the status stays
    step = add_step(finding, kind, text, actor)
    return step, before


def answer(actor, finding: Finding, agree: bool, text: str, version_id: int | None) -> None:
    kind = StepKind.SETUJU if agree else StepKind.TIDAK_SETUJU
    _, before = pengurus_step(actor, finding, kind, text, version_id)
    audit.record(actor, "finding.answer", finding, {"status": before},
                 {"status": finding.status, "sikap": kind, "tanggapan": text})  # fmt: skip
    notices.answered(finding, kind, text)
    commit()


def close(actor, finding: Finding, note: str, version_id: int | None) -> None:
    expect(finding, version_id)
    if finding.status == FindingStatus.DITUTUP:
        raise FindingError("Temuan sudah ditutup.")
    before = finding.status
    finding.status, finding.closed_at = FindingStatus.DITUTUP, datetime.now(UTC)
    add_step(finding, StepKind.DITUTUP, note, actor)
    audit.record(actor, "finding.close", finding, {"status": before},
                 {"status": finding.status, "catatan_penutupan": note})  # fmt: skip
    notices.closed(finding, note)
    commit()


def reopen(actor, finding: Finding, reason: str, version_id: int | None) -> None:
    expect(finding, version_id)
    if finding.status != FindingStatus.DITUTUP:
        raise FindingError("Hanya temuan yang sudah ditutup yang dapat dibuka kembali.")
    finding.status, finding.closed_at = FindingStatus.TERBUKA, None
    add_step(finding, StepKind.DIBUKA_KEMBALI, reason, actor)
    audit.record(actor, "finding.reopen", finding, {"status": FindingStatus.DITUTUP},
                 {"status": finding.status, "alasan_dibuka": reason})  # fmt: skip
    notices.reopened(finding, reason)
    commit()


# --- Reading -------------------------------------------------------------------------------
def overdue(today: date | None = None):
    """The condition of a finding past its due date and not closed (due today is not late)."""
    day = today or deadlines.today()
    return (Finding.status != FindingStatus.DITUTUP) & (Finding.due_date < day)


def is_overdue(finding: Finding, today: date | None = None) -> bool:
    day = today or deadlines.today()
    return finding.status != FindingStatus.DITUTUP and finding.due_date < day


def of_report(report_id: int) -> list[Finding]:
    query = select(Finding).where(Finding.report_id == report_id).order_by(Finding.id)
    return list(db.session.scalars(query))


def open_findings(cooperative_id: int) -> list[Finding]:
    """The cooperative's findings not yet closed, the earliest due first (its dashboard and its
    profile's block of open findings)."""
    query = (select(Finding).options(joinedload(Finding.report))
             .where(Finding.cooperative_id == cooperative_id,
                    Finding.status != FindingStatus.DITUTUP)
             .order_by(Finding.due_date, Finding.id))  # fmt: skip
    return list(db.session.scalars(query))


def overdue_by_cooperative(cooperative_ids) -> dict[int, int]:
    """{cooperative id: overdue findings} for these cooperatives, in one grouped query."""
    ids = list(cooperative_ids)
    if not ids:
        return {}
    query = (select(Finding.cooperative_id, func.count(Finding.id))
             .where(overdue(), Finding.cooperative_id.in_(ids))
             .group_by(Finding.cooperative_id))  # fmt: skip
    return dict(db.session.execute(query).all())


def overdue_total() -> int:
    return db.session.scalar(select(func.count(Finding.id)).where(overdue())) or 0

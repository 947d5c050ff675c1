"""Report drafts, versions and submission: plain functions taking validated data and the actor."""

from collections.abc import Iterable
from contextlib import contextmanager
from copy import deepcopy
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from sikomo import audit, edit_rules, prior_year, receipts
from sikomo.assessments import is_health_scored
from sikomo.extensions import db
from sikomo.models import Attachment, Cooperative, Receipt, Report, ReportStatus
from sikomo.notify import events

RAW = "_raw"  # text typed into a field that could not be read yet: kept, never lost
EXPLANATIONS = "_peringatan"  # {quality rule code: the pengurus's one-line explanation}
PREFILLED = "_prefilled"  # prior-year keys copied from the previous tahun buku's report
SOURCES = prior_year.SOURCES  # {those keys: "dari laporan tahun buku N"}, where each came from
PRIVATE = (RAW, EXPLANATIONS, PREFILLED, SOURCES)
CONFLICT_MESSAGE = (
    "Laporan ini telah diubah di sesi lain sejak halaman ini dibuka. Isian Anda masih di layar "
    "dan belum disimpan: buka ulang halaman untuk melihat versi terbaru, lalu masukkan lagi "
    "perubahan Anda."
)


class Conflict(Exception):
    """Someone saved the report after this form was opened (optimistic locking)."""


class NotEditable(Exception):
    """Only a draft can be changed; a submitted or approved version is frozen."""


class SubmitBlocked(Exception):
    def __init__(self, findings: list[edit_rules.Finding], unreadable: dict[str, str]):
        super().__init__("laporan belum dapat diajukan")
        self.findings = findings
        self.unreadable = unreadable


def versions(cooperative_id: int, tahun_buku: int | None = None) -> list[Report]:
    query = select(Report).where(Report.cooperative_id == cooperative_id)
    if tahun_buku is not None:
        query = query.where(Report.tahun_buku == tahun_buku)
    return list(db.session.scalars(query.order_by(Report.tahun_buku.desc(), Report.version.desc())))


def latest(cooperative_id: int, tahun_buku: int) -> Report | None:
    found = versions(cooperative_id, tahun_buku)
    return found[0] if found else None


def previous_approved(cooperative_id: int, tahun_buku: int) -> Report | None:
    """Last year's approved report (its newest approved version)."""
    return prior_year.previous_report(cooperative_id, tahun_buku, approved_only=True)


def prior_year_values(
    cooperative_id: int, tahun_buku: int
) -> tuple[dict[str, int], dict[str, str]]:
    """A new report's `_lalu` twins from the previous tahun buku's report, and their sources."""
    return prior_year.fill_from_previous({}, cooperative_id, tahun_buku)


def prior_year_marks(
    data: dict[str, Any], sources: dict[str, str], typed: Iterable[str] = ()
) -> dict[str, Any]:
    """The markers of `data` once `sources` were filled in and the keys in `typed` were typed."""
    typed = set(typed)
    old_keys = data.get(PREFILLED) if isinstance(data.get(PREFILLED), list) else []
    old_sources = data.get(SOURCES) if isinstance(data.get(SOURCES), dict) else {}
    kept = {k: v for k, v in old_sources.items() if k not in typed} | sources
    keys = {k for k in old_keys if isinstance(k, str) and k not in typed} | set(sources)
    return {PREFILLED: sorted(keys), SOURCES: dict(sorted(kept.items()))}


def start(actor, cooperative: Cooperative, tahun_buku: int) -> Report:
    """Open the year's report: the newest version if one exists, else a new draft."""
    existing = latest(cooperative.id, tahun_buku)
    if existing is not None:
        return existing
    prior, sources = prior_year_values(cooperative.id, tahun_buku)
    data = {"tahun_buku": tahun_buku, **prior, **prior_year_marks({}, sources)}
    report = Report(cooperative_id=cooperative.id, tahun_buku=tahun_buku, version=1, data=data)
    db.session.add(report)
    try:
        db.session.flush()
    except IntegrityError:  # a second click started the same draft in the same instant
        db.session.rollback()
        return latest(cooperative.id, tahun_buku)
    audit.record(actor, "report.start", report, None, {"tahun_buku": tahun_buku, "version": 1})
    db.session.commit()
    return report


def _check_editable(report: Report, expected_version: int | None) -> None:
    if report.status != ReportStatus.DRAF:
        raise NotEditable("laporan ini sudah diajukan atau disetujui dan tidak dapat diubah")
    if expected_version is not None and expected_version != report.version_id:
        raise Conflict(CONFLICT_MESSAGE)


def _stage_change(actor, report: Report, action: str, data: dict[str, Any]) -> None:
    """Set the new data, audited key by key; the caller commits."""
    old = report.data or {}
    changed = sorted(k for k in set(old) | set(data) if old.get(k) != data.get(k))
    if changed:
        report.data = data
        audit.record(actor, action, report, {k: old.get(k) for k in changed},
                     {k: data.get(k) for k in changed})  # fmt: skip


@contextmanager
def _stale_is_conflict():
    """A write that lost the version race (at a flush or the commit) is rolled back."""
    try:
        yield
    except StaleDataError:
        db.session.rollback()
        raise Conflict(CONFLICT_MESSAGE) from None


def _commit_change(actor, report: Report, action: str, data: dict[str, Any]) -> None:
    """Store the new data (audited key by key) with whatever else is pending, in one commit."""
    _stage_change(actor, report, action, data)
    with _stale_is_conflict():
        db.session.commit()


def forget_source(data: dict[str, Any], key: str) -> None:
    """Drop the prior-year marks of one key (its value no longer comes from last year)."""
    if isinstance(data.get(SOURCES), dict):
        data[SOURCES].pop(key, None)
    if isinstance(data.get(PREFILLED), list) and key in data[PREFILLED]:
        data[PREFILLED] = [k for k in data[PREFILLED] if k != key]


def save_values(
    actor,
    report: Report,
    values: dict[str, Any],
    unreadable: dict[str, str],
    expected_version: int | None,
) -> None:
    """Store a section's values (None = blank = unknown) and any text that could not be read."""
    _check_editable(report, expected_version)
    data = deepcopy(report.data or {})
    raw = data.get(RAW, {})
    for key, value in values.items():
        if data.get(key) != value:
            forget_source(data, key)  # typed over a prefilled figure: it is the pengurus's now
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
        raw.pop(key, None)
    for key in unreadable:
        forget_source(data, key)
    raw.update(unreadable)
    for key in unreadable:
        data.pop(key, None)
    data[RAW] = raw
    if not raw:
        data.pop(RAW)
    _commit_change(actor, report, "report.save", data)


def save_answers(
    actor, report: Report, answers: dict[str, bool | None], expected_version: int | None
) -> None:
    """Store the pengurus's questionnaire answers; None leaves an item unanswered."""
    _check_editable(report, expected_version)
    data = deepcopy(report.data or {})
    kuesioner = {k: v for k, v in {**data.get("kuesioner", {}), **answers}.items() if v is not None}
    data["kuesioner"] = kuesioner
    _commit_change(actor, report, "report.answers", data)


def findings(report: Report) -> list[edit_rules.Finding]:
    """The edit rules' findings; a health-scored cooperative's questionnaire must be complete."""
    before = previous_approved(report.cooperative_id, report.tahun_buku)
    data = report.data or {}
    required = None
    if is_health_scored(report.cooperative):
        required = edit_rules.questionnaire_for(data.get("metode"), report.tahun_buku)
    previous = before.data if before else None
    return edit_rules.check(data, report.tahun_buku, previous, questionnaire=required)


def submit(
    actor, report: Report, explanations: dict[str, str], expected_version: int | None
) -> Receipt:
    """Freeze the draft as diajukan when no validity edit fails and every warning is explained;
    the receipt (tanda terima) and the pengawas's notifications are written in the same commit."""
    _check_editable(report, expected_version)
    found = findings(report)
    quality = {f.rule for f in found if f.kind == edit_rules.QUALITY}
    kept = {
        rule: text.strip()
        for rule, text in explanations.items()
        if rule in quality and text.strip()
    }
    data = deepcopy(report.data or {})
    unreadable = data.get(RAW, {})
    if unreadable or not edit_rules.can_submit(found, kept):
        if kept != data.get(EXPLANATIONS, {}):  # keep what was typed even though we refuse
            data[EXPLANATIONS] = kept
            _commit_change(actor, report, "report.explain", data)
        raise SubmitBlocked(found, unreadable)
    data[EXPLANATIONS] = kept
    report.status = ReportStatus.DIAJUKAN
    report.submitted_at = datetime.now(UTC)
    audit.record(actor, "report.status", report, {"status": "draf"}, {"status": "diajukan"})
    _stage_change(actor, report, "report.submit", data)
    with _stale_is_conflict():
        receipt = receipts.issue(actor, report)  # flushes: the version check runs here
        events.report_submitted(report, receipt)
        db.session.commit()
    return receipt


def reopen(actor, report: Report) -> Report:
    """A returned or approved report is corrected in a new draft version; the old one is kept."""
    newest = latest(report.cooperative_id, report.tahun_buku)
    if newest is not None and newest.status == ReportStatus.DRAF:
        return newest
    if (
        report.status not in (ReportStatus.DIKEMBALIKAN, ReportStatus.DISETUJUI)
        or newest is not report
    ):
        raise NotEditable("hanya versi terbaru yang dikembalikan atau disetujui dapat diperbaiki")
    draft = Report(
        cooperative_id=report.cooperative_id,
        tahun_buku=report.tahun_buku,
        version=report.version + 1,
        data=deepcopy(report.data),
    )
    db.session.add(draft)
    db.session.flush()
    for old in report.attachments:
        db.session.add(Attachment(report_id=draft.id, **_attachment_copy(old)))
    audit.record(actor, "report.new_version", draft, {"from_version": report.version},
                 {"version": draft.version})  # fmt: skip
    from sikomo.assignments.operations import carry  # the review side owns its records
    from sikomo.review.corrections import carry_corrections

    carry_corrections(actor, report, draft)  # the pengawas's corrections hold on the new version
    carry(report, draft)  # and so does whoever reviews it
    db.session.commit()
    return draft


def _attachment_copy(att: Attachment) -> dict[str, Any]:
    keys = (
        "filename",
        "stored_name",
        "content_type",
        "size",
        "sha256",
        "description",
        "uploaded_by_id",
    )
    return {k: getattr(att, k) for k in keys}


def replaced(reports) -> dict[int, int]:
    """{report id: the version replacing it} for each approved version that a later approved
    version of the same cooperative and tahun buku replaced: only the newest one is in force."""
    reports = list(reports)
    newest: dict[tuple[int, int], int] = {}
    for r in reports:
        if r.status == ReportStatus.DISETUJUI:
            key = (r.cooperative_id, r.tahun_buku)
            newest[key] = max(newest.get(key, 0), r.version)
    return {
        r.id: newest[(r.cooperative_id, r.tahun_buku)]
        for r in reports
        if r.status == ReportStatus.DISETUJUI
        and r.version < newest[(r.cooperative_id, r.tahun_buku)]
    }

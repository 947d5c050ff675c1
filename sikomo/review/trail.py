"""A report's audit trail as a pengawas reads it: what happened, who did it, when (WIB), and
each change as label: before → after — one line per questionnaire item changed, never the
whole questionnaire as JSON. Actions and keys are named as on the Jejak Audit pages."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import or_, select

import scoring
from scoring.schema import KUESIONER, fields
from sikomo.audit_trail.labels import action_label, words
from sikomo.extensions import db
from sikomo.format import angka, rupiah, waktu
from sikomo.models import AssessmentStatus, AuditEvent, Report, ReportStatus, User
from sikomo.review.answers import item_texts, ruleset_of
from sikomo.review.values import predikat_label

NESTED = {  # dicts keyed by item or indicator code: one change per entry
    KUESIONER: "Jawaban pengurus", "answers_pengawas": "Koreksi pengawas",
    "correction_notes": "Catatan koreksi", "not_applicable": "Tidak berlaku",
}  # fmt: skip
HIDDEN = {  # what a person has no use for: ids, hashes, raw copies, the full result
    "sha256", "_raw", "_prefilled", "_sumber", "result", "ruleset_hash", "id", "assessment_id",
    "report_id", "created_at", "method", "decided_by_id", "confirmed_by_id",
}  # fmt: skip
SCORES = {"total", "total_min", "total_max", "total_score"}  # stored as text (Decimal) or float
WORDS = {"pertahankan": "Pertahankan koreksi", "terima": "Terima jawaban pengurus"}


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class Step:
    when: str  # in WIB
    who: str
    what: str
    changes: list[Change]


def trail(report: Report, events: list[AuditEvent]) -> list[Step]:
    names = _names({e.actor_id for e in events if e.actor_id})
    words = _Words(report)
    return [
        Step(when(e.created_at), names.get(e.actor_id) or e.actor_label,
             action_label(e.action), words.changes(e.before or {}, e.after or {}))
        for e in events
    ]  # fmt: skip


def events(report: Report) -> list[AuditEvent]:
    """Every audit event about the report and its assessments, oldest first."""
    assessment_ids = [str(a.id) for a in report.assessments]
    about_report = (AuditEvent.object_type == "report") & (AuditEvent.object_id == str(report.id))
    about_assessments = (AuditEvent.object_type == "assessment") & AuditEvent.object_id.in_(
        assessment_ids
    )
    query = select(AuditEvent).where(or_(about_report, about_assessments))
    return list(db.session.scalars(query.order_by(AuditEvent.id)))


def when(moment: datetime) -> str:
    return waktu(moment)


def _names(ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = db.session.execute(db.select(User.id, User.name, User.email).where(User.id.in_(ids)))
    return {i: f"{name} ({email})" if name else email for i, name, email in rows}


class _Words:
    """The labels of one report's keys: its fields, its items and its indicators."""

    def __init__(self, report: Report):
        self.items = item_texts(report)
        try:
            self.indicators = {i.code: i.name for i in ruleset_of(report).indicators}
        except scoring.ScoringError:
            self.indicators = {}
        self.fields = fields()

    def changes(self, before: dict, after: dict) -> list[Change]:
        found = []
        for key in sorted(set(before) | set(after), key=_order):
            old, new = before.get(key), after.get(key)
            if key in HIDDEN or old == new:
                continue
            if key in NESTED and isinstance(old or {}, dict) and isinstance(new or {}, dict):
                found += self.nested(key, old or {}, new or {})
            else:
                found.append(Change(self.label(key), self.entry(key, old), self.entry(key, new)))
        return found

    def nested(self, key: str, old: dict, new: dict) -> list[Change]:
        names = self.indicators if key == "not_applicable" else self.items
        rows = []
        for code in sorted(set(old) | set(new), key=lambda c: _position(names, c)):
            if old.get(code) != new.get(code):
                label = f"{NESTED[key]}: {names.get(code, code).rstrip('.')}"
                rows.append(Change(label, self.entry(key, old.get(code)),
                                   self.entry(key, new.get(code))))  # fmt: skip
        return rows

    def entry(self, key: str, value: Any) -> str:
        if key in ("correction_notes", "catatan") and isinstance(value, dict):
            return value.get("note") or "–"
        if key == "answers_pengawas" and value is None:
            return "ikuti pengurus"
        return self.value(key, value)

    def label(self, key: str) -> str:
        columns = words().columns  # as the Jejak Audit pages name them (labels.toml)
        if key in columns:
            return columns[key]
        known = self.fields.get(key)
        return known.label if known is not None else key.replace("_", " ").strip().capitalize()

    def value(self, key: str, value: Any) -> str:
        if value is None or value == "":
            return "–"
        if isinstance(value, bool):
            return "Ya" if value else "Tidak"
        if key == "butir":
            return self.items.get(value, value)
        if key == "ruleset_id":
            known = scoring.builtin_rulesets().get(value)
            return known.name if known is not None else str(value)
        if key == "status":
            return _status(value)
        if key in ("predikat", "engine_predikat"):
            return predikat_label(value)
        if isinstance(value, str) and value in WORDS:
            return WORDS[value]
        if key.endswith("_at") and isinstance(value, str):
            try:
                return when(datetime.fromisoformat(value))
            except ValueError:
                return value
        if isinstance(value, float) or (key in SCORES and isinstance(value, str)):
            try:
                return angka(Decimal(str(value)), 2)
            except InvalidOperation:
                return str(value)
        if isinstance(value, int):
            known = self.fields.get(key)
            return (
                rupiah(value)
                if known is not None and known.kind.endswith("money")
                else angka(value)
            )
        if isinstance(value, dict):
            shown = (
                f"{self.label(k)}: {self.value(k, v)}" for k, v in value.items() if k not in HIDDEN
            )
            return "; ".join(shown) or "–"
        if isinstance(value, list | tuple):
            return ", ".join(self.value(key, v) for v in value) or "–"
        return str(value)


def _status(value: str) -> str:
    """A report's status, or an assessment's (its snapshot in assessment.approve)."""
    for kind in (ReportStatus, AssessmentStatus):
        try:
            return kind(value).label
        except ValueError:
            continue
    return value


def _order(key: str) -> tuple[int, str]:
    """Changes in the order labels.toml lists their keys (status and scores first)."""
    order = list(words().columns)
    return (order.index(key) if key in order else len(order), key)


def _position(names: dict[str, str], code: str) -> int:
    keys = list(names)
    return keys.index(code) if code in keys else len(keys)

"""Append-only audit trail: one helper to record a change, and a guard against edits."""

from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session

from sikomo import audit_guard
from sikomo.extensions import db
from sikomo.models import AuditEvent, utcnow


class AuditIsAppendOnly(RuntimeError):
    pass


def record(actor, action: str, obj=None, before=None, after=None) -> AuditEvent:
    """Add an audit event to the session; the caller's commit writes it with the change."""
    event_row = AuditEvent(**values(actor, action, obj, before, after))
    db.session.add(event_row)
    return event_row


def record_access(actor, action: str, detail: dict | None = None) -> None:
    """A security event that changes nothing (an export, an API read): recorded and committed."""
    record(actor, action, None, None, detail)
    db.session.commit()


def record_many(actor, action: str, changes: list[tuple[Any, Any, Any]]) -> None:
    """Write one event per (object, before, after) in one multi-row INSERT (bulk imports)."""
    if changes:
        rows = [values(actor, action, obj, before, after) for obj, before, after in changes]
        db.session.flush()  # events recorded before these are chained first
        audit_guard.chain_rows(db.session.connection(), rows)
        db.session.execute(insert(AuditEvent), rows)


def values(actor, action: str, obj, before, after) -> dict[str, Any]:
    return dict(
        actor_id=getattr(actor, "id", None),
        actor_label=actor_label(actor),
        action=action,
        object_type=type(obj).__name__.lower() if obj is not None else "-",
        object_id=str(obj.id) if getattr(obj, "id", None) is not None else None,
        before=jsonable(before),
        after=jsonable(after),
        created_at=utcnow(),
    )


def actor_label(actor) -> str:
    if actor is None:
        return "sistem"
    if isinstance(actor, str):
        return actor
    return getattr(actor, "email", None) or str(actor)


def snapshot(obj, exclude=("created_at", "updated_at")) -> dict[str, Any]:
    """Column values of a model instance as a JSON-ready dict."""
    mapper = inspect(obj).mapper
    return {
        col.key: jsonable(getattr(obj, col.key))
        for col in mapper.column_attrs
        if col.key not in exclude
    }


def jsonable(value):
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


@event.listens_for(Session, "before_flush")
def _chain_new_events(session, flush_context, instances):
    """Chain the events this flush inserts, in the order they were recorded (their ids' order)."""
    new = [obj for obj in session.new if isinstance(obj, AuditEvent)]
    if not new:
        return
    new.sort(key=lambda obj: inspect(obj).insert_order)
    rows = [{k: getattr(obj, k) for k in audit_guard.CONTENT} for obj in new]
    audit_guard.chain_rows(session.connection(), rows)
    for obj, row in zip(new, rows, strict=True):
        obj.chain = row["chain"]


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _refuse_change(mapper, connection, target):
    raise AuditIsAppendOnly("audit events are never updated or deleted")

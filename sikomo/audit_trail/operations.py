"""Reading the audit trail: the filters as SQL on AuditEvent's indexes (created_at, action,
(object_type, object_id, id)), a keyset page newest first (no OFFSET, no full COUNT, so a page of a
table of millions costs what the first page does), and each event as a reader's row."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, func, or_, select

from sikomo.audit_trail import changes, labels
from sikomo.extensions import db
from sikomo.format import WIB, waktu
from sikomo.models import AuditEvent, Cooperative, Report, User

COUNT_LIMIT = 10_000  # counted exactly up to here, then "more than"
EXPORT_LIMIT = 50_000  # an export beyond this is refused: narrow the filters
EXPORT_BATCH = 1_000
FAILED_LOGIN = "user.login_failed"


@dataclass(frozen=True)
class Criteria:
    group: str = labels.DATA
    actor_id: int | None = None
    actor_email: str | None = None  # failed sign-ins with this email belong to the user's events
    actor_label: str | None = None  # an actor recorded without a user (sistem, token:…)
    action: str | None = None
    object_type: str | None = None
    object_id: str | None = None
    start: datetime | None = None  # UTC, inclusive
    end: datetime | None = None  # UTC, exclusive


@dataclass(frozen=True)
class Row:
    id: int
    when: str  # WIB: "5 Desember 2026 23:30 WIB"
    who: str
    action: str
    object: str  # "laporan 12", also what the object filter reads
    about: str  # the object's name, where it has one
    changes: list[changes.Change]

    @property
    def day(self) -> str:
        return self.when.rsplit(" ", 2)[0]

    @property
    def clock(self) -> str:
        return self.when.split(" ", 3)[-1]


@dataclass
class Page:
    rows: list[Row] = field(default_factory=list)
    newer: int | None = None  # ?setelah= for the newer events
    older: int | None = None  # ?sebelum= for the older events


def day_start(day: date, after: bool = False) -> datetime:
    """The first moment of a WIB day (or of the day after it) in UTC."""
    return datetime.combine(day + timedelta(days=int(after)), time(), WIB).astimezone(UTC)


def conditions(c: Criteria) -> list[ColumnElement[bool]]:
    security = labels.security_actions()
    found = [
        AuditEvent.action.in_(security)
        if c.group == labels.SECURITY
        else AuditEvent.action.not_in(security)
    ]
    if c.action:
        found.append(AuditEvent.action == c.action)
    if c.actor_id is not None:
        found.append(_by_user(c))
    elif c.actor_label:
        found.append(AuditEvent.actor_id.is_(None) & (AuditEvent.actor_label == c.actor_label))
    if c.object_type:
        found.append(AuditEvent.object_type == c.object_type)
    if c.object_id:
        found.append(AuditEvent.object_id == c.object_id)
    if c.start:
        found.append(AuditEvent.created_at >= c.start)
    if c.end:
        found.append(AuditEvent.created_at < c.end)
    return found


def _by_user(c: Criteria) -> ColumnElement[bool]:
    mine = AuditEvent.actor_id == c.actor_id
    if c.group != labels.SECURITY or not c.actor_email:
        return mine
    tried = func.lower(AuditEvent.after["email"].as_string()) == c.actor_email.lower()
    return or_(mine, (AuditEvent.action == FAILED_LOGIN) & tried)


def page(
    c: Criteria, size: int, before: int | None = None, after: int | None = None, links=True
) -> Page:
    """The `size` events older than `before` (or newer than `after`, or the newest), newest first."""
    where = conditions(c)
    query = select(AuditEvent).where(*where).limit(size + 1)
    if after is not None:
        found = list(db.session.scalars(query.where(AuditEvent.id > after).order_by(AuditEvent.id)))
        events = found[:size][::-1]
        more_newer = len(found) > size
        more_older = bool(events) and _exists(where, AuditEvent.id < events[-1].id)
    else:
        if before is not None:
            query = query.where(AuditEvent.id < before)
        found = list(db.session.scalars(query.order_by(AuditEvent.id.desc())))
        events = found[:size]
        more_older = len(found) > size
        more_newer = (links and before is not None and bool(events)
                      and _exists(where, AuditEvent.id > events[0].id))  # fmt: skip
    return Page(rows(events), events[0].id if more_newer else None,
                events[-1].id if more_older else None)  # fmt: skip


def _exists(where, beyond) -> bool:
    return db.session.scalar(select(AuditEvent.id).where(*where, beyond).limit(1)) is not None


def count(c: Criteria, limit: int | None = None) -> int:
    """How many events match, counted up to limit + 1 (what a reader needs to know)."""
    limit = COUNT_LIMIT if limit is None else limit
    matching = select(AuditEvent.id).where(*conditions(c)).limit(limit + 1).subquery()
    return db.session.scalar(select(func.count()).select_from(matching)) or 0


def rows(events: list[AuditEvent]) -> list[Row]:
    names = user_names({e.actor_id for e in events if e.actor_id})
    about = describe(events)
    return [
        Row(e.id, waktu(e.created_at), who(e, names),
            labels.action_label(e.action), labels.object_label(e.object_type, e.object_id),
            about.get((e.object_type, e.object_id), ""), changes.changes(e.before, e.after))
        for e in events
    ]  # fmt: skip


def who(e: AuditEvent, names: dict[int, str]) -> str:
    if e.actor_id is None and e.action == FAILED_LOGIN:
        return "Tanpa akun (belum masuk)"
    return names.get(e.actor_id) or e.actor_label


def user_names(ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    found = db.session.execute(select(User.id, User.name, User.email).where(User.id.in_(ids)))
    return {i: f"{name} ({email})" if name else email for i, name, email in found}


def describe(events: list[AuditEvent]) -> dict[tuple[str, str], str]:
    """The name of each report, cooperative and user the events are about: a query per kind."""
    wanted: dict[str, set[int]] = {}
    for e in events:
        if e.object_type in DESCRIBED and e.object_id and e.object_id.isdigit():
            wanted.setdefault(e.object_type, set()).add(int(e.object_id))
    found = {}
    for kind, ids in wanted.items():
        query, shown = DESCRIBED[kind]
        for key, *values in db.session.execute(query(ids)):
            found[(kind, str(key))] = shown(*values)
    return found


DESCRIBED = {
    "report": (
        lambda ids: (
            select(Report.id, Cooperative.nama, Report.tahun_buku)
            .join(Report.cooperative)
            .where(Report.id.in_(ids))
        ),
        lambda nama, tahun: f"{nama} · tahun buku {tahun}",
    ),
    "cooperative": (
        lambda ids: select(Cooperative.id, Cooperative.nama).where(Cooperative.id.in_(ids)),
        str,
    ),
    "user": (
        lambda ids: select(User.id, User.name, User.email).where(User.id.in_(ids)),
        lambda name, email: name or email,
    ),
}


def actors() -> list[tuple[str, str]]:
    """(email, name) of the office's own users, for the user filter's suggestions."""
    staff = select(User.email, User.name).where(User.cooperative_id.is_(None)).order_by(User.name)
    return [(email, name) for email, name in db.session.execute(staff)]


def export_rows(c: Criteria) -> Iterator[tuple]:
    """Every matching event, newest first, as a CSV row; read a batch at a time by keyset."""
    before = None
    while True:
        batch = page(c, EXPORT_BATCH, before=before, links=False)
        for r in batch.rows:
            shown = f"{r.object} ({r.about})" if r.about else r.object
            yield r.id, r.when, r.who, r.action, shown, "; ".join(x.text() for x in r.changes)
        if batch.older is None:
            return
        before = batch.older

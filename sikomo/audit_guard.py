"""The audit trail, protected in the database itself and chained so that an edit shows.

- **Triggers** refuse UPDATE and DELETE on `audit_event` (and TRUNCATE on PostgreSQL), whatever
  the path: the ORM, bulk SQL, a console. They are created with the table (`create_all`) and by
  the migration, from the statements below.
- **A hash chain**: every row stores `chain` = SHA-256 of the previous row's chain and of its own
  content (time, actor, action, object, before, after). `verify` walks the rows in id order and
  names the first row whose chain does not follow: an edited row, a deleted one (the next row no
  longer follows), a row slipped in. Writers take the one `audit_head` row first (UPDATE), which
  orders them on both databases: the chain follows the ids. Someone able to rewrite the whole
  table could recompute the chain too; `verify` prints the head hash so that it can be kept
  elsewhere (a report, a letter) and compared later.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import DDL, event, select, text, update

GENESIS = "0" * 64
REFUSAL = "audit events are never updated or deleted"
SQLITE_TRIGGERS = [
    "CREATE TRIGGER IF NOT EXISTS audit_event_no_update BEFORE UPDATE ON audit_event "
    f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END",
    "CREATE TRIGGER IF NOT EXISTS audit_event_no_delete BEFORE DELETE ON audit_event "
    f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END",
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS audit_event_no_update",
               "DROP TRIGGER IF EXISTS audit_event_no_delete"]  # fmt: skip
POSTGRES_TRIGGERS = [
    "CREATE OR REPLACE FUNCTION audit_event_refuse() RETURNS trigger LANGUAGE plpgsql AS "
    f"$$ BEGIN RAISE EXCEPTION '{REFUSAL}'; END $$",
    "CREATE TRIGGER audit_event_no_change BEFORE UPDATE OR DELETE ON audit_event "
    "FOR EACH ROW EXECUTE FUNCTION audit_event_refuse()",
    "CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_event_refuse()",
]
POSTGRES_DROP = ["DROP TRIGGER IF EXISTS audit_event_no_change ON audit_event",
                 "DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_event"]  # fmt: skip
CONTENT = ("created_at", "actor_id", "actor_label", "action", "object_type", "object_id",
           "before", "after")  # fmt: skip


def attach(table) -> None:
    """Create the triggers whenever `table` is created (create_all, tests)."""
    for statement in SQLITE_TRIGGERS:
        event.listen(table, "after_create", DDL(statement).execute_if(dialect="sqlite"))
    for statement in POSTGRES_TRIGGERS:
        event.listen(table, "after_create", DDL(statement).execute_if(dialect="postgresql"))


HEAD_ROW = f"INSERT INTO audit_head (id, chain) VALUES (1, '{GENESIS}')"


def attach_head(table) -> None:
    """Create the head row with its table, so that every write finds it (one statement fewer
    than looking for it, and the same statements for every write)."""
    event.listen(table, "after_create", DDL(HEAD_ROW))


def link(previous: str, row: dict) -> str:
    """The chain value of `row` after `previous`."""
    content = {k: row.get(k) for k in CONTENT}
    content["created_at"] = utc_text(content["created_at"])
    encoded = json.dumps(content, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256((previous + encoded).encode()).hexdigest()


def utc_text(moment) -> str:
    """A stored moment as UTC text, the same whichever database gave it back (SQLite returns it
    naive, PostgreSQL in the session's zone)."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.isoformat(timespec="microseconds")


def chain_rows(connection, rows: list[dict]) -> None:
    """Give `rows` (about to be inserted in this order) their chain values, holding the head row
    until the transaction ends so that no other writer chains in between."""
    from sikomo.models import AuditHead

    connection.execute(update(AuditHead).where(AuditHead.id == 1).values(id=1))  # the lock
    head = connection.scalar(select(AuditHead.chain).where(AuditHead.id == 1))
    if head is None:  # the first write ever (or a database made by create_all)
        connection.execute(AuditHead.__table__.insert().values(id=1, chain=GENESIS))
        head = GENESIS
    for row in rows:
        head = row["chain"] = link(head, row)
    connection.execute(update(AuditHead).where(AuditHead.id == 1).values(chain=head))


@dataclass
class Verdict:
    rows: int
    head: str
    broken_at: int | None  # the id of the first row whose chain does not follow
    head_matches: bool

    @property
    def ok(self) -> bool:
        return self.broken_at is None and self.head_matches


def verify(connection, batch: int = 5000) -> Verdict:
    """Walk the chain in id order; read in batches so that a long trail is never held at once."""
    from sikomo.models import AuditEvent, AuditHead

    table = AuditEvent.__table__
    previous, count, last_id = GENESIS, 0, 0
    while True:
        found = (
            connection.execute(
                select(table).where(table.c.id > last_id).order_by(table.c.id).limit(batch)
            )
            .mappings()
            .all()
        )
        if not found:
            break
        for row in found:
            count += 1
            if row["chain"] != link(previous, dict(row)):
                return Verdict(count, previous, row["id"], False)
            previous, last_id = row["chain"], row["id"]
    stored = connection.scalar(select(AuditHead.chain).where(AuditHead.id == 1))
    return Verdict(
        count, previous, None, stored in (None, previous) if count == 0 else stored == previous
    )


def lifted(connection):
    """The statements that drop the triggers, and those that put them back: for restoring a
    backup and for the test suite's clean-up only."""
    if connection.dialect.name == "postgresql":
        return [text(s) for s in POSTGRES_DROP], [text(s) for s in POSTGRES_TRIGGERS]
    return [text(s) for s in SQLITE_DROP], [text(s) for s in SQLITE_TRIGGERS]

"""What SQL a block of code sends: for the tests that hold pages, imports and commands to a
number of statements that does not grow with the rows."""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from sikomo.extensions import db


@contextmanager
def sent(skip: tuple[str, ...] = ()) -> Iterator[list[str]]:
    """The statements sent inside the block, in order, except those starting with `skip`."""
    seen: list[str] = []

    def listener(conn, cursor, statement, *args) -> None:
        if not statement.startswith(skip):
            seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)


def reads(statements: list[str]) -> list[str]:
    """The queries among `statements` (SELECT, or WITH … SELECT)."""
    return [s for s in statements if s.lstrip().upper().startswith(("SELECT", "WITH"))]

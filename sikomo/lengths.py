"""Text longer than its column is refused on every database alike: PostgreSQL would fail the
statement, SQLite would store it. Forms and importers say so first, field by field; this check
at every flush is the net under them (an API field, a path nobody validated)."""

from sqlalchemy import String, event, inspect
from sqlalchemy.orm import Session


class TooLong(ValueError):
    def __init__(self, field: str, limit: int):
        super().__init__(f"{field}: paling banyak {limit} karakter")
        self.field, self.limit = field, limit


@event.listens_for(Session, "before_flush")
def _refuse_overlong(session, flush_context, instances):
    for obj in (*session.new, *session.dirty):
        state = inspect(obj)
        mapper = state.mapper
        for column in mapper.columns:
            limit = (
                getattr(column.type, "length", None) if isinstance(column.type, String) else None
            )
            key = mapper.get_property_by_column(column).key
            if limit is None or key in state.unloaded:  # not loaded: not changed either
                continue
            value = getattr(obj, key, None)
            if isinstance(value, str) and len(value) > limit:
                raise TooLong(column.name, limit)

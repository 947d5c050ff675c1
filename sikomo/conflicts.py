"""A write that lost the optimistic version race: rolled back and raised as the feature's own
conflict, which its view answers with 409 and the page reloaded."""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm.exc import StaleDataError

from sikomo.extensions import db


@contextmanager
def lost_race_is(conflict: type[Exception]) -> Iterator[None]:
    """Within the block, a StaleDataError (at flush or commit) becomes `conflict`."""
    try:
        yield
    except StaleDataError as exc:
        db.session.rollback()
        raise conflict() from exc


def commit_or(conflict: type[Exception]) -> None:
    with lost_race_is(conflict):
        db.session.commit()

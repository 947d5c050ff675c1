"""A value the page chrome needs (the office logo, the demo banner), read from the database at
most once per request and kept in the WSGI environ; an error page drawn over a broken database
session gets the fallback instead of failing again."""

from collections.abc import Callable
from typing import Any

from flask import request
from sqlalchemy.exc import SQLAlchemyError


def once(key: str, compute: Callable[[], Any], fallback: Any = None) -> Any:
    if key not in request.environ:
        try:
            value = compute()
        except SQLAlchemyError:
            value = fallback
        request.environ[key] = value
    return request.environ[key]

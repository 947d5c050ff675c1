"""Text typed into a search box, matched with LIKE: case folded, its wildcards taken literally
(a name with "_" or "%" in it matches itself, not every cooperative)."""

from sqlalchemy import func

from sikomo.extensions import db

ESCAPE = "\\"


def literal(text: str) -> str:
    return text.replace(ESCAPE, ESCAPE * 2).replace("%", ESCAPE + "%").replace("_", ESCAPE + "_")


def lowered_like(column, pattern: str):
    """`column`, case folded, LIKE the lower-case `pattern` (written with ESCAPE). SQLite's LIKE
    folds case as its lower() does (ASCII), so there it is asked alone and reads an index."""
    if db.session.get_bind().dialect.name == "sqlite":
        return column.like(pattern, escape=ESCAPE)
    return func.lower(column).like(pattern, escape=ESCAPE)


def contains(column, text: str):
    return lowered_like(column, f"%{literal(text.lower())}%")


def starts_with(column, text: str):
    return column.like(f"{literal(text)}%", escape=ESCAPE)

"""Errors the scoring package raises; each is a ValueError that names what is wrong."""

from __future__ import annotations


class ScoringError(ValueError):
    """Base class: bad input to the scoring engine."""


class ReportError(ScoringError):
    """A report field is unknown, of the wrong type, or out of range."""

    def __init__(self, field: str, message: str, row: int | None = None) -> None:
        self.field = field
        self.message = message
        self.row = row
        where = f"baris {row}, " if row is not None else ""
        super().__init__(f"{where}{field}: {message}")


class MethodError(ScoringError):
    """No scoring method applies to the report (unknown method, year or jenis out of scope)."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


class RulesetError(ScoringError):
    """A ruleset file is malformed; the message names the offending entry."""

    def __init__(self, entry: str, message: str) -> None:
        self.entry = entry
        self.message = message
        super().__init__(f"ruleset entry {entry}: {message}")

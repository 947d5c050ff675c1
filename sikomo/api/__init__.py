"""The JSON API under /api/v1: errors as JSON, never an HTML page or a stack trace."""

from flask import Blueprint, jsonify

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def errors(status: int, *pairs: tuple[str, str]):
    """A JSON error response: {"errors": [{"field": ..., "message": ...}]}."""
    body = {"errors": [{"field": field, "message": message} for field, message in pairs]}
    return jsonify(body), status


from sikomo.api import edit_rules, indicators  # noqa: E402,F401  (registers the routes on bp)

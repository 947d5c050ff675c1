"""JSON API, version 1 (read-only GET endpoints, so exempt from CSRF)."""

from flask import Blueprint, jsonify

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def errors(status: int, *pairs: tuple[str, str]):
    """A JSON error response: {"errors": [{"field": ..., "message": ...}]}."""
    body = {"errors": [{"field": field, "message": message} for field, message in pairs]}
    return jsonify(body), status


from sikomo.api import indicators  # noqa: E402,F401  (registers the routes on bp)

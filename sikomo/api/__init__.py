"""The JSON API under /api/v1: errors as JSON, never an HTML page or a stack trace."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from sikomo.api import edit_rules  # noqa: E402,F401  (registers the routes on bp)

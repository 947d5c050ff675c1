"""Public credibility look-up: no login, only public fields, never figures or answers."""

from flask import Blueprint

bp = Blueprint("public", __name__, url_prefix="/publik")

from sikomo.public import views  # noqa: E402,F401  (registers the routes on bp)

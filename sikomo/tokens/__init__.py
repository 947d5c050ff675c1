"""API tokens per cooperative: issued and revoked by Dinas/admin, stored hashed, shown once."""

from flask import Blueprint

bp = Blueprint("tokens", __name__, url_prefix="/token")

from sikomo.tokens import views  # noqa: E402,F401  (registers the routes on bp)

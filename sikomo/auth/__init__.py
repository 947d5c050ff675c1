from flask import Blueprint

bp = Blueprint("auth", __name__)

from sikomo.auth import views  # noqa: E402,F401  (registers the routes on bp)

from flask import Blueprint

bp = Blueprint("registry", __name__, url_prefix="/koperasi")

from sikomo.registry import views  # noqa: E402,F401  (registers the routes on bp)

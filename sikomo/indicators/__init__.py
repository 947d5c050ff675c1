from flask import Blueprint

bp = Blueprint("indicators", __name__, url_prefix="/indikator")

from sikomo.indicators import views  # noqa: E402,F401  (registers the routes on bp)

from flask import Blueprint

bp = Blueprint("review", __name__, url_prefix="/penilaian")

from sikomo.review import views  # noqa: E402,F401  (registers the routes on bp)

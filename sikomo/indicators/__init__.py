from flask import Blueprint

bp = Blueprint("indicators", __name__, url_prefix="/indikator")

# views registers the routes on bp; facts keeps the stored indicator facts in step on every flush.
from sikomo.indicators import facts, sanksi_views, views  # noqa: E402,F401

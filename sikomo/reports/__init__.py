from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/laporan")

from sikomo.reports import file_views, receipt_views, views  # noqa: E402,F401  (registers the routes on bp)

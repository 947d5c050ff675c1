"""The office's own settings page: the letterhead (pemerintah daerah, dinas, address, logo) that
certificates and letters print, and the review rules (waiting limit, four-eyes)."""

from flask import Blueprint

bp = Blueprint("office", __name__, url_prefix="/pengaturan")

from sikomo.office import views  # noqa: E402,F401  (registers the routes on bp)

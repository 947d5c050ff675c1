"""Assigning reports to pengawas: the Dinas assigns, a pengawas takes ("ambil") or releases."""

from flask import Blueprint

bp = Blueprint("assignments", __name__, url_prefix="/penilaian")

from sikomo.assignments import views  # noqa: E402,F401  (registers the routes on bp)

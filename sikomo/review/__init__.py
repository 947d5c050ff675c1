from flask import Blueprint

# The routes are registered on bp by sikomo/review/views.py, which the app factory imports: the
# package itself imports nothing, so its services load without the web layer.
bp = Blueprint("review", __name__, url_prefix="/penilaian")

from flask import Blueprint

# The routes are registered on bp by sikomo/findings/views.py, which the app factory imports: the
# package itself imports nothing, so its services load without the web layer.
bp = Blueprint("findings", __name__, url_prefix="/temuan")

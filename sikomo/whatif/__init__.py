from flask import Blueprint

# What it takes to reach the next predikat, and the simulator of changed figures (issue 14).
# The routes are registered by sikomo/whatif/views.py; operations load without the web layer.
bp = Blueprint("whatif", __name__, url_prefix="/laporan")

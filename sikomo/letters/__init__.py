"""Surat: templates the Dinas edits (versioned), numbered letters made from them for a
cooperative, their register, PDF and public verification."""

from flask import Blueprint

bp = Blueprint("letters", __name__, url_prefix="/surat")
public_bp = Blueprint("letters_public", __name__, url_prefix="/publik/surat")

from sikomo.letters import views  # noqa: E402,F401  (registers the routes on bp)

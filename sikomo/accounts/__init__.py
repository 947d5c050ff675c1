"""Accounts: each user's own profile (the name, NIP and jabatan printed under a signature)."""

from flask import Blueprint

bp = Blueprint("accounts", __name__, url_prefix="/akun")

from sikomo.accounts import views  # noqa: E402,F401  (registers the routes on bp)

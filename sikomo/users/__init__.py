"""User administration for the office (admin and dinas): the list of accounts, creating and editing
them, linking a pengurus to a cooperative, deactivating, and one-time invitation/reset links."""

from flask import Blueprint

bp = Blueprint("users", __name__, url_prefix="/pengguna")

from sikomo.users import views  # noqa: E402,F401  (registers the routes on bp)

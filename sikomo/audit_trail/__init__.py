"""Jejak Audit: every recorded event, filtered, readable, paged and exported (admin and Dinas)."""

from flask import Blueprint

bp = Blueprint("audit_trail", __name__)

from sikomo.audit_trail import views  # noqa: E402, F401  (registers the routes)

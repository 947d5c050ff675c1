"""Supervision: peer comparison, early warnings that name their cause, the cooperative profile."""

from flask import Blueprint

bp = Blueprint("supervision", __name__)

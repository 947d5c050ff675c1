"""What SIKOMO tells its users: in-app notifications and e-mail through an outbox.

Other packages call `tell` (a notification, and an e-mail) or `email` (an e-mail only) inside
their own transaction; `sikomo.notify.sender` delivers the outbox afterwards (cron, and right
after the request that queued it). The routes are registered by sikomo/notify/views.py."""

from flask import Blueprint

from sikomo.notify import events  # the review and report operations call notify.events
from sikomo.notify.operations import email, tell

bp = Blueprint("notify", __name__, url_prefix="/notifikasi")

__all__ = ["bp", "email", "events", "tell"]

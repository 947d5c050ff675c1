"""Server-side sessions: each sign-in is a row; the cookie carries only its random token.

Logging out ends the row, so a replayed session or remember-me cookie no longer signs anyone in;
so does a password change (`end_all` of the others) and the user's own *Sesi aktif* page, which
lists their other sessions and ends any of them. A deactivated account's sessions sign nobody in
(`lookup` checks the account), and a session idle longer than SESSION_IDLE_MINUTES ends by itself.
"""

from flask import Blueprint

bp = Blueprint("sessions", __name__, url_prefix="/akun/sesi")

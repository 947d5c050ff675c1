"""Who is calling the API: a cooperative's Bearer token, or a logged-in staff session (GET only)."""

from flask import current_app, g, request
from flask_limiter.util import get_remote_address
from flask_login import current_user

from sikomo import audit
from sikomo.api import ApiError
from sikomo.auth.access import STAFF
from sikomo.extensions import limiter
from sikomo.models import ApiToken, Report
from sikomo.tokens import operations as tokens

NO_STAFF_SESSION = "Gunakan token API koperasi; sesi login hanya untuk pengawas, Dinas dan admin."


def bearer_secret() -> str | None:
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def token_from_header() -> ApiToken | None:
    """The request's token; 401 when an Authorization header is sent but not a valid token."""
    if "Authorization" not in request.headers:
        return None
    secret = bearer_secret()
    row = tokens.authenticate(secret) if secret else None
    if row is None:
        raise ApiError(401, (None, "Token API tidak sah atau sudah dicabut."))
    g.api_token = row
    return row


def require_token() -> ApiToken:
    row = token_from_header()
    if row is None:
        raise ApiError(401)
    return row


def require_report_access(report: Report | None) -> Report:
    """The report if the caller's token is its cooperative's, or the caller is staff; else 401/404."""
    row = token_from_header()
    if row is None:
        if not current_user.is_authenticated:
            raise ApiError(401)
        if current_user.role not in STAFF:
            raise ApiError(403, (None, NO_STAFF_SESSION))
    if report is None or (row is not None and report.cooperative_id != row.cooperative_id):
        raise ApiError(404, (None, "Laporan tidak ditemukan."))
    if row is not None:  # a read by a token: a security event (staff reads are their session's)
        audit.record_access(f"token:{row.name}"[:254], "api.read", {"laporan": report.id,
                            "alamat": request.path})  # fmt: skip
    return report


def rate_key() -> str:
    """Limit per token once it is a valid one, otherwise per client address: a made-up Bearer
    string each time is no way around the limit."""
    secret = bearer_secret()
    if secret and tokens.authenticate(secret) is not None:
        return "token:" + tokens.digest(secret)
    return "ip:" + get_remote_address()


def init_rate_limit(bp) -> None:
    limiter.limit(lambda: current_app.config["API_RATE_LIMIT"], key_func=rate_key)(bp)

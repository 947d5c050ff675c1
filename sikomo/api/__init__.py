"""The JSON API under /api/v1: errors as JSON, never an HTML page or a stack trace."""

from flask import Blueprint, current_app, jsonify
from werkzeug.exceptions import HTTPException

bp = Blueprint("api", __name__, url_prefix="/api/v1")

MESSAGES = {
    400: "Permintaan tidak valid.",
    401: "Token API tidak ada atau tidak sah. Kirim header 'Authorization: Bearer <token>'.",
    403: "Anda tidak memiliki akses ke sumber ini.",
    404: "Sumber tidak ditemukan.",
    405: "Metode HTTP ini tidak diizinkan untuk alamat ini.",
    409: "Permintaan bertentangan dengan keadaan data saat ini.",
    413: "Isi permintaan terlalu besar.",
    415: "Isi permintaan harus JSON (Content-Type: application/json).",
    422: "Data tidak dapat diproses.",
    429: "Terlalu banyak permintaan. Silakan coba lagi nanti.",
    500: "Terjadi kesalahan pada server. Silakan coba lagi nanti.",
}


class ApiError(Exception):
    """Stop a request with a JSON error: status and (field, message) pairs."""

    def __init__(self, status: int, *pairs: tuple[str | None, str]):
        super().__init__(status)
        self.status = status
        self.pairs = pairs or ((None, MESSAGES.get(status, MESSAGES[500])),)


def errors(status: int, *pairs: tuple[str | None, str]):
    """A JSON error response: {"errors": [{"field": ..., "message": ...}]}."""
    body = {"errors": [{"field": field, "message": message} for field, message in pairs]}
    response = jsonify(body)
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="sikomo"'
    return response


def http_error(error: HTTPException):
    """Any HTTP error as JSON, keeping the headers it needs (Allow, Retry-After)."""
    code = error.code or 500
    response = errors(code, (None, MESSAGES.get(code, MESSAGES[500])))
    if code == 405 and getattr(error, "valid_methods", None):
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response


@bp.errorhandler(Exception)
def any_error(error: Exception):
    if isinstance(error, ApiError):
        return errors(error.status, *error.pairs)
    if isinstance(error, HTTPException):
        return http_error(error)
    current_app.logger.exception("API request failed")  # logged on the server only
    return errors(500, (None, MESSAGES[500]))


from sikomo.api import (  # noqa: E402,F401  (registers the routes on bp)
    cooperatives,
    edit_rules,
    indicators,
    openapi,
    reference,
    reports,
)
from sikomo.api.auth import init_rate_limit  # noqa: E402

init_rate_limit(bp)

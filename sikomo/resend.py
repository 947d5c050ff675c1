"""A form sent after its token expired (a page left open past WTF_CSRF_TIME_LIMIT) loses nothing:
the answer shows what was typed and sends it again, with a fresh token, at one click.

Only a token this session's own page issued is honoured so: its signature is good and it names
the session's CSRF secret, it is merely old. A token from another session, a forged one, or none
at all gets the plain refusal, so a cross-site form can never borrow the resend page.
"""

import hmac
import re

from flask import current_app, render_template, request, session
from flask_wtf.csrf import CSRFError
from itsdangerous import BadData, URLSafeTimedSerializer

from sikomo.forms import MESSAGES

EXPIRED = "The CSRF token has expired."
TOKENISH = re.compile(r"[0-9a-f]{32}|\d*")  # hidden ids, versions, upload tokens: not typed


def genuine(token: str | None) -> bool:
    """Whether `token` is this session's own CSRF token, whatever its age."""
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    if not token or field not in session:
        return False
    key = current_app.config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key
    try:
        value = URLSafeTimedSerializer(key, salt="wtf-csrf-token").loads(token)
    except BadData:
        return False
    return isinstance(value, str) and hmac.compare_digest(str(session[field]), value)


def refused(error: CSRFError):
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    if error.description == EXPIRED and genuine(request.form.get(field)):
        fields = [(k, v) for k, values in request.form.lists() if k != field for v in values]
        typed = [v for _, v in fields if not TOKENISH.fullmatch(v.strip())]
        return render_template("resend.html", fields=fields, typed=typed,
                               had_files=any(f.filename for f in request.files.values())), 400  # fmt: skip
    message = MESSAGES.get(error.description, "Permintaan tidak valid; muat ulang halaman.")
    return render_template("error.html", code=400, message=message), 400

"""Security headers on every response, and no caching of what a signed-in user sees.

The Content-Security-Policy allows only this site's own scripts, styles and images (plus inline
data: images, which the QR code and the charts use): the vendored front-end needs nothing else,
and no template carries an inline script or event handler (static/js/forms.js handles
data-autosubmit and data-print). HSTS is sent only over HTTPS (behind a proxy: see ProxyFix).
"""

from flask import request, session

CSP = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
ALWAYS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}
HSTS = "max-age=31536000; includeSubDomains"


def secure(response):
    for name, value in ALWAYS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    public = response.cache_control.public  # a public asset (the office logo) may be cached
    if _signed_in() and not public and not request.path.startswith("/static/"):
        response.headers["Cache-Control"] = "no-store"  # financial pages and exports: never cached
        response.headers.pop("Expires", None)
    return response


def _signed_in() -> bool:
    """From the signed session cookie alone: no database read (the import progress poll must not
    wait on a database an import holds locked), and none on an error page over a broken session."""
    return session.get("_user_id") is not None


def init_app(app) -> None:
    app.after_request(secure)

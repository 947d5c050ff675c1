"""Default configuration; instance/config.py and FLASK_* environment variables override it."""

from datetime import timedelta

SECRET_KEY = None  # set in instance/config.py (written by `make run`) or FLASK_SECRET_KEY
SQLALCHEMY_DATABASE_URI = None  # default: SQLite in the instance folder (see create_app)
# hide_parameters: a database error names its statement, never the values bound to it (balance
# sheets, e-mail addresses, password hashes must not reach the log).
SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "hide_parameters": True}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = False  # set True behind HTTPS (FLASK_SESSION_COOKIE_SECURE=true)
REMEMBER_COOKIE_HTTPONLY = True
REMEMBER_COOKIE_SAMESITE = "Lax"
PERMANENT_SESSION_LIFETIME = timedelta(hours=8)
REMEMBER_COOKIE_DURATION = timedelta(days=30)  # "Ingat saya"; a logout ends it (sikomo/sessions)
SESSION_IDLE_MINUTES = 120  # a session unused this long ends by itself

WTF_CSRF_TIME_LIMIT = 8 * 3600
MAX_CONTENT_LENGTH = 32 * 1024 * 1024  # request cap; attachments are refused above 10 MB

RATELIMIT_ENABLED = True
RATELIMIT_STORAGE_URI = "memory://"
RATELIMIT_HEADERS_ENABLED = True
# Failed sign-ins are counted in Redis when this names one (redis://127.0.0.1:6379/0), else in
# the database; either way every worker sees the same counts (sikomo/auth/throttle.py).
LOGIN_THROTTLE_REDIS = None

# The site's public address (e.g. https://sikomo.mojokertokab.go.id): what a certificate's QR code
# and verification link point at, never the Host header a request sent. Set it in production
# (SIKOMO_PUBLIC_URL or FLASK_PUBLIC_URL); without it the development address below is printed.
PUBLIC_URL = None
DEVELOPMENT_URL = "http://127.0.0.1:5000/"  # what `make run` serves

PER_PAGE = 50
API_RATE_LIMIT = "60 per minute"  # per API token, or per address without one
CERTIFICATE_VALID_YEARS = (
    2  # a health certificate lapses this long after its decision at the latest
)
# An uploaded table is refused before it is read when it holds more rows, or unpacks to more
# bytes, than this (sikomo/upload_limits.py): an XLSX of 290 KB can unpack to 2 million rows.
UPLOAD_MAX_ROWS = 50_000
UPLOAD_MAX_UNPACKED = 50 * 1024 * 1024
# Reverse proxies in front of SIKOMO whose X-Forwarded-For/-Proto/-Prefix headers are believed
# (Werkzeug's ProxyFix): 0 believes none, which is right when nothing sits in front; 1 behind one
# nginx (docs/deploy.md). The Host header is never taken from a proxy: links use PUBLIC_URL.
PROXY_HOPS = 0
ATTACHMENT_QUOTA_MB = 200  # what one cooperative's attachment files may take on disk

# E-mail (sikomo/notify/sender.py): SIKOMO_SMTP_HOST, _PORT, _USER, _PASSWORD, _SECURITY
# (none, starttls or ssl), _FROM in the environment, or these names in instance/config.py.
# Without SMTP_HOST messages wait in the outbox (docs/deploy.md).
SMTP_HOST = None
SMTP_PORT = None  # 587 for starttls, 465 for ssl, 25 for none
SMTP_SECURITY = "starttls"
SMTP_USER = None
SMTP_PASSWORD = None
SMTP_FROM = None  # e.g. "SIKOMO Dinas Koperasi <sikomo@mojokertokab.go.id>"; default SMTP_USER
SMTP_TIMEOUT = 20  # seconds, for `flask kirim-surel`
OUTBOX_MAX_ATTEMPTS = 6  # then the message is gagal (retries after 1, 5, 15, 60, 240 minutes)
# A request that queued mail tries to send it once its response is out, within this timeout;
# cron's `kirim-surel` sends whatever that left behind.
OUTBOX_SEND_AFTER_REQUEST = True
OUTBOX_REQUEST_TIMEOUT = 5

"""SIKOMO: cooperative health assessment for district cooperative offices."""

import os
import secrets
from pathlib import Path

from flask import Flask, abort, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from sikomo import cli, format, headers, lengths, resend
from sikomo.demo import banner
from sikomo.extensions import csrf, db, limiter, login_manager, migrate

MAX_ID = 2**31 - 1  # the id columns hold 32-bit integers: larger ids cannot exist

MIGRATIONS_DIR = str(Path(__file__).parent / "migrations")


class IdConverter(IntegerConverter):
    """`<int:…>` within the id columns' range: a larger number is a 404, never a driver error."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


MISSING_KEY = (
    "SECRET_KEY belum diatur. Tulis SECRET_KEY = '<64 karakter acak>' di instance/config.py, atau "
    "set FLASK_SECRET_KEY (python3 -c 'import secrets; print(secrets.token_hex(32))'). Tanpa kunci "
    "tetap, setiap proses gunicorn membuat kuncinya sendiri dan sesi pengguna gagal."
)


def create_app(test_config=None):
    """Create and configure the SIKOMO application."""
    app = Flask(
        __name__,
        template_folder="../templates",
        static_folder="../static",
        instance_relative_config=True,
    )
    load_config(app, test_config)
    if hops := int(app.config.get("PROXY_HOPS") or 0):  # only behind a proxy one configured
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=0, x_prefix=hops)
    app.url_map.converters["int"] = IdConverter  # before any route is registered
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    register_extensions(app)
    register_blueprints(app)
    register_error_handlers(app)
    format.init_app(app)
    headers.init_app(app)
    banner.init_app(app)
    cli.init_app(app)
    return app


def load_config(app, test_config):
    app.config.from_object("sikomo.config")
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env()
    if os.environ.get("DATABASE_URL"):
        app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    if os.environ.get("SIKOMO_PUBLIC_URL"):
        app.config["PUBLIC_URL"] = os.environ["SIKOMO_PUBLIC_URL"]
    for name, value in os.environ.items():  # the mail server: SIKOMO_SMTP_HOST, …
        if name.startswith("SIKOMO_SMTP_"):
            app.config[name.removeprefix("SIKOMO_")] = value
    if test_config is not None:
        app.config.from_mapping(test_config)
    if str(app.config.get("PUBLIC_URL") or "").startswith("https://"):
        app.config["SESSION_COOKIE_SECURE"] = True  # served over HTTPS: cookies never go plain
    app.config.setdefault("REMEMBER_COOKIE_SECURE", app.config["SESSION_COOKIE_SECURE"])
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if not uri:
        uri = "sqlite:///" + os.path.join(app.instance_path, "sikomo.db")
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(uri)
    if not app.config["SECRET_KEY"]:
        if not (app.debug or app.testing):  # each worker would invent its own key: sessions fail
            raise RuntimeError(MISSING_KEY)
        # Development only: sessions will not survive a restart (`make run` writes a key).
        app.logger.warning("SECRET_KEY not configured; using a temporary random key")
        app.config["SECRET_KEY"] = secrets.token_hex(32)


CONFLICT = ("Data yang sama baru saja disimpan oleh permintaan lain (misalnya klik ganda). Tidak "
            "ada yang disimpan dua kali; muat ulang halaman untuk melihat keadaan terbaru.")  # fmt: skip


def error_page(code: int, message: str):
    """The error page; it never fails on a broken database session (rolled back first, and a
    plain page if even the template cannot be drawn)."""
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001  (the connection itself may be gone)
        pass
    try:
        return render_template("error.html", code=code, message=message), code
    except Exception:  # noqa: BLE001
        body = f"<!doctype html><html lang=id><title>Galat {code}</title><h1>{code}</h1><p>{message}</p>"
        return body, code


def normalise_database_url(url: str) -> str:
    """Point plain PostgreSQL URLs at the psycopg 3 driver, the only one installed."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def register_extensions(app):
    from sikomo import models  # noqa: F401  (models must be known to Migrate)

    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR, render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Silakan masuk terlebih dahulu."
    login_manager.login_message_category = "warning"


def register_blueprints(app):
    from sikomo.accounts import bp as accounts_bp
    from sikomo.api import bp as api_bp
    from sikomo.assignments import bp as assignments_bp
    from sikomo.audit_trail import bp as audit_trail_bp
    from sikomo.auth import bp as auth_bp
    from sikomo.findings.views import bp as findings_bp
    from sikomo.foureyes.views import bp as foureyes_bp
    from sikomo.indicators import bp as indicators_bp
    from sikomo.letters import bp as letters_bp
    from sikomo.letters import public_bp as letters_public_bp
    from sikomo.main import bp as main_bp
    from sikomo.notify.views import bp as notify_bp
    from sikomo.office import bp as office_bp
    from sikomo.public import bp as public_bp
    from sikomo.registry import bp as registry_bp
    from sikomo.reports import bp as reports_bp
    from sikomo.review.views import bp as review_bp
    from sikomo.sessions.views import bp as sessions_bp
    from sikomo.supervision.views import bp as supervision_bp
    from sikomo.tokens import bp as tokens_bp
    from sikomo.users import bp as users_bp
    from sikomo.whatif.views import bp as whatif_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(users_bp)
    app.register_blueprint(sessions_bp)
    app.register_blueprint(notify_bp)
    app.register_blueprint(main_bp)
    app.register_blueprint(audit_trail_bp)
    app.register_blueprint(registry_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(review_bp)
    app.register_blueprint(whatif_bp)
    app.register_blueprint(assignments_bp)
    app.register_blueprint(foureyes_bp)
    app.register_blueprint(supervision_bp)
    app.register_blueprint(indicators_bp)
    app.register_blueprint(office_bp)
    app.register_blueprint(tokens_bp)
    app.register_blueprint(public_bp)
    app.register_blueprint(letters_bp)
    app.register_blueprint(letters_public_bp)
    app.register_blueprint(findings_bp)
    app.register_blueprint(api_bp)
    csrf.exempt(api_bp)


def register_error_handlers(app):
    messages = {
        400: "Permintaan tidak valid.",
        403: "Anda tidak memiliki akses ke halaman ini.",
        404: "Halaman tidak ditemukan.",
        405: "Metode permintaan tidak diizinkan.",
        413: "Berkas terlalu besar.",
        429: "Terlalu banyak percobaan. Silakan coba lagi nanti.",
        500: "Terjadi kesalahan pada server.",
    }

    def handler(error):
        if request.path.startswith("/api/"):  # errors outside the API's views: routing, 500
            from sikomo.api import http_error

            return http_error(error if isinstance(error, HTTPException) else InternalServerError())
        code = getattr(error, "code", 500)
        return error_page(code, messages.get(code, "Terjadi kesalahan."))

    def conflict(error):
        """A unique-constraint race (a double click, two workers): the optimistic lock's answer."""
        db.session.rollback()
        if request.path.startswith("/api/"):
            from sikomo.api import errors

            return errors(409, (None, CONFLICT))
        return error_page(409, CONFLICT)

    def too_long(error):
        db.session.rollback()
        message = f"Isian {error.field} terlalu panjang: paling banyak {error.limit} karakter."
        if request.path.startswith("/api/"):
            from sikomo.api import errors

            return errors(422, (error.field, message))
        return error_page(422, message)

    for code in messages:
        app.register_error_handler(code, handler)
    app.register_error_handler(IntegrityError, conflict)
    app.register_error_handler(lengths.TooLong, too_long)
    app.register_error_handler(CSRFError, resend.refused)
    app.before_request(refuse_nul)


def refuse_nul():
    """A NUL character is never text someone typed, and PostgreSQL refuses to store one: answer
    400 before any view can try (uploaded files are binary and are not checked)."""
    values = [*request.args.values(), *request.form.values()]
    if request.is_json:
        values.append(request.get_data(as_text=True).replace("\\u0000", "\x00"))
    if any("\x00" in value for value in values):
        abort(400)

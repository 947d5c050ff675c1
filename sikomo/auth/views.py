from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from sikomo import audit
from sikomo.auth import bp
from sikomo.auth.forms import LoginForm
from sikomo.auth.operations import authenticate
from sikomo.extensions import db, limiter, login_manager
from sikomo.models import Role, User
from sikomo.sessions import operations as sessions


def login_rate_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(login_rate_limit, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is not None:
            session.clear()  # a fresh session at sign-in: nothing carried over from before
            sessions.start(user)
            login_user(user, remember=form.remember.data)
            session["uid"] = user.id  # read by the import progress poll, which reads no database
            audit.record(user, "user.login", user)
            db.session.commit()
            return redirect(safe_next(request.args.get("next")))
        flash("Email atau kata sandi salah.", "error")
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    sessions.end(current_user.session_token)
    audit.record(current_user, "user.logout", current_user)
    db.session.commit()
    logout_user()
    session.clear()
    flash("Anda telah keluar.", "info")
    return redirect(url_for("auth.login"))


def safe_next(target: str | None) -> str:
    """Follow ?next= only to a relative path of this site: one slash, then no host, no scheme,
    no backslash and no control character (a browser reads //host, ////host or /\\host as
    another site, and CR/LF would split the header)."""
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and target.isprintable()
        and "\\" not in target
        and not urlsplit(target).netloc
    ):
        return target
    return url_for("main.index")


@login_manager.user_loader
def load_user(token: str) -> User | None:
    """The user of a live server-side session (the cookie holds its token, never an id)."""
    return sessions.lookup(token)


@bp.app_context_processor
def inject_roles():
    return {"Role": Role}

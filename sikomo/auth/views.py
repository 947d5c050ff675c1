from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from sikomo import audit
from sikomo.auth import bp, throttle
from sikomo.auth.forms import LoginForm
from sikomo.auth.operations import authenticate
from sikomo.extensions import db, login_manager
from sikomo.models import Role, User
from sikomo.sessions import operations as sessions


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        email, address = form.email.data, request.remote_addr
        if wait := throttle.wait_seconds(email, address):  # refused before the password is read
            flash(
                f"Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam {wait} detik.", "error"
            )
            return render_template("auth/login.html", form=form), 429
        user = authenticate(email, form.password.data)
        if user is None:
            throttle.failed(email, address)
            audit.record(
                None, "user.login_failed", None, None, {"email": email[:254], "alamat": address}
            )
            db.session.commit()
        else:
            throttle.succeeded(email)
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

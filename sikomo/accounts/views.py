from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, logout_user

from sikomo.accounts import bp
from sikomo.accounts import operations as ops
from sikomo.accounts.forms import ForgotForm, NewPasswordForm, PasswordForm, ProfileForm
from sikomo.extensions import limiter
from sikomo.users import links
from sikomo.users import operations as users_ops


@bp.route("/profil", methods=["GET", "POST"])
@login_required
def profile():
    form = ProfileForm(obj=current_user) if request.method == "GET" else ProfileForm()
    if request.method == "POST":
        if form.validate_on_submit():
            changed = ops.update_profile(current_user, form.values())
            flash("Profil tersimpan." if changed else "Tidak ada perubahan.", "success")
            return redirect(url_for("accounts.profile"))
        flash("Profil belum disimpan; periksa isian yang ditandai.", "error")
        return render_template("accounts/profile.html", form=form), 422
    return render_template("accounts/profile.html", form=form)


@bp.route("/kata-sandi", methods=["GET", "POST"])
@login_required
def password():
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            ended = ops.change_password(current_user, form.current.data, form.new.data)
        except ops.PasswordRefused as exc:
            form[exc.field].errors = [str(exc)]
        else:
            others = f" {ended} sesi lain diakhiri." if ended else ""
            flash(f"Kata sandi diganti.{others}", "success")
            return redirect(url_for("accounts.profile"))
    status = 422 if request.method == "POST" else 200
    return render_template("accounts/password.html", form=form), status


@bp.after_request
def never_cached(response):
    """An account page (a one-time link's above all) is never kept by a browser or a proxy."""
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/tautan/<token>", methods=["GET", "POST"])
def link(token):
    """Set a password through a one-time invitation or reset link."""
    row = links.valid(token)
    if row is None:
        return render_template("accounts/link_invalid.html"), 410
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            user = links.use(token, form.new.data)
        except links.LinkRefused:
            return render_template("accounts/link_invalid.html"), 410
        except ValueError as exc:
            form.new.errors = [str(exc)]
        else:
            if current_user.is_authenticated and current_user.id == user.id:
                logout_user()  # links.use ended every session of this user
            flash("Kata sandi tersimpan. Silakan masuk dengan kata sandi baru.", "success")
            return redirect(url_for("auth.login"))
    status = 422 if request.method == "POST" else 200
    return render_template("accounts/link.html", form=form, row=row), status


@bp.route("/lupa-kata-sandi", methods=["GET", "POST"])
@limiter.limit("5 per hour", methods=["POST"])
def forgot():
    form = ForgotForm()
    if form.validate_on_submit():
        users_ops.forgotten(form.email.data)
        flash("Jika email itu terdaftar pada akun yang aktif, tautan untuk membuat kata sandi baru "
              "sudah dikirim ke sana. Tautan berlaku 2 jam.", "success")  # fmt: skip
        return redirect(url_for("auth.login"))
    status = 422 if request.method == "POST" else 200
    return render_template("accounts/forgot.html", form=form), status

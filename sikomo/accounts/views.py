from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from sikomo.accounts import bp
from sikomo.accounts import operations as ops
from sikomo.accounts.forms import PasswordForm, ProfileForm


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

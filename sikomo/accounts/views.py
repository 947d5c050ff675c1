from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from sikomo.accounts import bp
from sikomo.accounts import operations as ops
from sikomo.accounts.forms import ProfileForm


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

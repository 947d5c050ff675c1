from flask import flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from sikomo.extensions import db
from sikomo.forms import Form
from sikomo.sessions import bp
from sikomo.sessions import operations as ops


@bp.route("/")
@login_required
def index():
    current = ops.digest(current_user.session_token or "")
    return render_template("sessions/index.html", sessions=ops.live(current_user), current=current,
                           form=Form())  # fmt: skip


@bp.route("/<int:session_id>/akhiri", methods=["POST"])
@login_required
def end(session_id: int):
    if Form().validate_on_submit() and ops.end_other(current_user, session_id):
        flash("Sesi itu diakhiri: perangkatnya harus masuk lagi.", "success")
    else:
        flash("Sesi itu tidak ditemukan atau sudah berakhir.", "warning")
    return redirect(url_for("sessions.index"))


@bp.route("/akhiri-lain", methods=["POST"])
@login_required
def end_others():
    if Form().validate_on_submit():
        n = ops.end_all(current_user, ops.ENDED_ELSEWHERE, keep=current_user.session_token)
        db.session.commit()
        flash(f"{n} sesi lain diakhiri." if n else "Tidak ada sesi lain.", "success")
    return redirect(url_for("sessions.index"))

from flask import Blueprint, flash, redirect, url_for
from flask_login import current_user

from sikomo.auth.access import roles_required
from sikomo.extensions import db
from sikomo.foureyes import operations as ops
from sikomo.foureyes.forms import SecondForm
from sikomo.review import views as review
from sikomo.review.operations import ReviewConflict, ReviewError
from sikomo.review.values import predikat_label

bp = Blueprint("foureyes", __name__, url_prefix="/penilaian")


@bp.route("/laporan/<int:report_id>/persetujuan-kedua", methods=["POST"])
@roles_required(*ops.CONFIRMERS)
def settle(report_id: int):
    report = review.report_or_404(report_id)
    form = SecondForm()
    if not form.validate_on_submit():
        flash("Formulir tidak lengkap; muat ulang halaman.", "error")
        return review.render_review(report, 400, second_form=form)
    kind, version = form.keputusan.data, form.version_id.data
    try:
        if kind == ops.KONFIRMASI:
            row = ops.confirm(current_user, report, version)
            done = f"Keputusan dikonfirmasi; laporan disetujui dengan predikat {predikat_label(row.predikat)}."
        elif kind == ops.TOLAK:
            ops.refuse(current_user, report, version, form.alasan.data)
            done = "Keputusan ditolak; laporan kembali ke pengawas untuk ditinjau."
        else:
            ops.withdraw(current_user, report, version)
            done = "Keputusan ditarik; laporan dapat ditinjau kembali."
    except ReviewConflict as exc:
        return review.conflict(report.id, exc)
    except ReviewError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return review.render_review(report, 422, second_form=form)
    flash(done, "success")
    return redirect(url_for("review.review", report_id=report.id))

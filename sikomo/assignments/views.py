from flask import abort, flash, redirect, url_for
from flask_login import current_user

from sikomo.assignments import bp
from sikomo.assignments import operations as ops
from sikomo.assignments.forms import AssignForm
from sikomo.auth.access import STAFF, roles_required
from sikomo.extensions import db
from sikomo.models import Report, ReportStatus


@bp.route("/laporan/<int:report_id>/tugas", methods=["POST"])
@roles_required(*STAFF)
def assign(report_id: int):
    report = db.session.get(Report, report_id)
    if report is None or report.status == ReportStatus.DRAF:
        abort(404)
    back = redirect(url_for("review.review", report_id=report.id) + "#penugasan")
    form = AssignForm()
    if not form.validate_on_submit():
        flash("Formulir tidak lengkap; muat ulang halaman.", "error")
        return back
    try:
        changed = ops.assign(current_user, report, form.pengawas_id())
    except ValueError as exc:  # AssignmentError, or an id that is no number
        message = (
            str(exc) if isinstance(exc, ops.AssignmentError) else "Pilih pengawas dari daftar."
        )
        flash(message, "error")
        return back
    who = ops.assignee(report)
    done = f"Laporan ditugaskan ke {who.name or who.email}." if who else "Penugasan dilepas."
    flash(done if changed else "Tidak ada perubahan.", "success" if changed else "info")
    return back

from flask import current_app, redirect, render_template, send_from_directory, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select

from sikomo.extensions import db
from sikomo.indicators.series import yearly_counts
from sikomo.main import bp
from sikomo.models import Cooperative, Report, Role
from sikomo.review.queue import DINAS_WORKLIST, worklist
from sikomo.settings import get_setting
from sikomo.status import reference_year


@bp.route("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico whatever the page links; answer with the packaged icon."""
    folder = current_app.static_folder + "/img"
    return send_from_directory(
        folder, "favicon.ico", mimetype="image/vnd.microsoft.icon", max_age=86400
    )


@bp.route("/")
@login_required
def index():
    if current_user.role == Role.PENGURUS:
        return redirect(url_for("reports.dashboard"))
    work = (
        worklist(current_user.id)
        if current_user.role == Role.PENGAWAS
        else worklist(current_user.id, DINAS_WORKLIST)
        if current_user.role == Role.DINAS
        else []
    )
    return render_template("main/index.html", summary=dashboard_summary(), worklist=work,
                           overdue_days=get_setting("batas_tunggu_hari"))  # fmt: skip


def dashboard_summary() -> dict:
    year = reference_year()  # the latest year in which RATs were held
    tahun_buku = db.session.scalar(select(func.max(Report.tahun_buku)))
    total = db.session.scalar(select(func.count(Cooperative.id))) or 0
    ksp_usp = db.session.scalar(
        select(func.count(Cooperative.id)).where(Cooperative.simpan_pinjam.is_(True))
    )
    by_status = dict(
        db.session.execute(
            select(Report.status, func.count(Report.id))
            .where(Report.tahun_buku == tahun_buku)
            .group_by(Report.status)
        ).all()
    )
    aktif = yearly_counts([year])[year]["aktif"] if year else 0  # the indicator's, stored
    return {
        "tahun": year,
        "tahun_buku": tahun_buku,
        "window": get_setting("aktif_window"),
        "total": total,
        "ksp_usp": ksp_usp or 0,
        "aktif": aktif,
        "persen_aktif": (aktif / total * 100) if total else None,
        "laporan": by_status,
    }

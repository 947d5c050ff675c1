from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from sikomo import per_request
from sikomo.auth.access import MANAGERS, roles_required
from sikomo.extensions import db
from sikomo.models import OfficeLogo
from sikomo.office import bp
from sikomo.office import operations as ops
from sikomo.office.forms import OfficeForm
from sikomo.settings import get_setting


def filled_form() -> OfficeForm:
    form = OfficeForm()
    if request.method == "GET":
        for key in ("kop_pemerintah", "kop_dinas", "kop_alamat", "empat_mata"):
            getattr(form, key).data = get_setting(key)
        form.batas_tunggu_hari.data = get_setting("batas_tunggu_hari")
        form.batas_lapor_hari.data = get_setting("batas_lapor_hari")
        form.fill_batas_rat(get_setting("batas_rat"))
    return form


@bp.route("/", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def settings():
    form = filled_form()
    if request.method == "POST":
        if not form.validate_on_submit():
            flash("Pengaturan belum disimpan; periksa isian yang ditandai.", "error")
            return render_page(form, 422)
        try:
            changed = save(form)
        except ops.OfficeError as exc:
            db.session.rollback()
            form.logo.errors = [str(exc)]
            flash("Pengaturan belum disimpan; periksa isian yang ditandai.", "error")
            return render_page(form, 422)
        flash("Pengaturan tersimpan." if changed else "Tidak ada perubahan.", "success")
        return redirect(url_for("office.settings"))
    return render_page(form)


def save(form: OfficeForm) -> bool:
    upload = form.logo.data
    data = upload.read(ops.MAX_LOGO_BYTES + 1) if upload and upload.filename else None
    return ops.change(current_user, form.values(), data, bool(form.hapus_logo.data))


def render_page(form: OfficeForm, status: int = 200):
    logo = db.session.get(OfficeLogo, 1)
    return render_template("office/settings.html", form=form, logo=logo), status


@bp.route("/logo.png")
def logo():
    """The letterhead logo: public, as it is printed on every certificate."""
    row = db.session.get(OfficeLogo, 1)
    if row is None:
        abort(404)
    response = Response(row.png, mimetype="image/png")
    response.set_etag(row.sha256)
    versioned = request.args.get("v") == row.sha256[:12]  # the header's address: this logo only
    response.cache_control.public = True
    response.cache_control.max_age = 30 * 86400 if versioned else 3600
    return response.make_conditional(request)


def logo_url() -> str | None:
    """The office logo's address for the header (it changes with the logo, so it may be cached
    long), or None while no logo is set. Read once per page."""

    def address() -> str | None:
        sha = db.session.scalar(select(OfficeLogo.sha256).where(OfficeLogo.id == 1))
        return url_for("office.logo", v=sha[:12]) if sha else None

    return per_request.once("sikomo.office_logo_url", address)


@bp.app_context_processor
def header_logo() -> dict:
    return {"office_logo_url": logo_url}

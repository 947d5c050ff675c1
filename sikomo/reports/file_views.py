"""Report files: attachments, the Excel template and upload, and the Dinas bulk import."""

from dataclasses import asdict
from io import BytesIO

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from sikomo import audit, progress
from sikomo.auth.access import roles_required
from sikomo.extensions import db
from sikomo.format import angka
from sikomo.models import Attachment, Role
from sikomo.reports import attachments, bp, excel
from sikomo.reports import operations as ops
from sikomo.reports.forms import AttachmentForm, ImportForm, SubmitForm, UploadForm
from sikomo.reports.importer import RowError, import_file
from sikomo.reports.views import (
    ALL_ROLES,
    expected_version,
    own_report_or_404,
    report_or_404,
    section_context,
    sentence,
)


@bp.route("/<int:report_id>/lampiran", methods=["POST"])
@roles_required(Role.PENGURUS)
def add_attachment(report_id: int):
    report = own_report_or_404(report_id)
    form = AttachmentForm()
    if form.validate_on_submit():
        upload = form.berkas.data
        try:
            stored = attachments.add(current_user, report, upload.stream, upload.filename,
                                     form.keterangan.data)  # fmt: skip
        except attachments.AttachmentError as exc:
            form.berkas.errors = [sentence(exc)]
        else:
            flash(f"Lampiran {stored.filename} disimpan.", "success")
            return redirect(url_for("reports.edit", report_id=report.id, slug="lampiran"))
        finally:
            upload.close()  # a large upload is a temporary file: release it now
    context = section_context(report, "lampiran")
    context["upload_form"] = form
    return render_template("reports/attachments.html", **context), 422


@bp.route("/lampiran/<int:attachment_id>")
@roles_required(*ALL_ROLES)
def download(attachment_id: int):
    att = db.session.get(Attachment, attachment_id)
    if att is None or not attachments.may_download(current_user, att):
        abort(404)
    inline = att.content_type == "application/pdf"  # sniffed on upload: a PDF opens in the browser
    return send_file(attachments.path_of(att), mimetype=att.content_type, as_attachment=not inline,
                     download_name=att.filename)  # fmt: skip


@bp.route("/lampiran/<int:attachment_id>/hapus", methods=["POST"])
@roles_required(Role.PENGURUS)
def remove_attachment(attachment_id: int):
    att = db.session.get(Attachment, attachment_id)
    if att is None or att.report.cooperative_id != current_user.cooperative_id:
        abort(404)
    if not SubmitForm().validate_on_submit():
        abort(400)
    report_id = att.report_id
    try:
        attachments.remove(current_user, att)
        flash("Lampiran dihapus.", "success")
    except attachments.AttachmentError as exc:
        flash(sentence(exc), "error")
    return redirect(url_for("reports.edit", report_id=report_id, slug="lampiran"))


@bp.route("/<int:report_id>/template.xlsx")
@roles_required(*ALL_ROLES)
def template(report_id: int):
    report = report_or_404(report_id)
    content = excel.template_workbook(report)
    name = f"laporan-rat-{report.tahun_buku}-{report.cooperative.nik or report.cooperative_id}.xlsx"
    audit.record_access(current_user, "export", {"berkas": name, "alamat": request.full_path})
    return send_file(BytesIO(content), as_attachment=True, download_name=name,
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")  # fmt: skip


@bp.route("/<int:report_id>/unggah", methods=["POST"])
@roles_required(Role.PENGURUS)
def upload(report_id: int):
    report = own_report_or_404(report_id)
    form = UploadForm()
    if not form.validate_on_submit():
        flash("Pilih berkas XLSX template yang telah diisi.", "error")
        return redirect(url_for("reports.summary", report_id=report.id))
    try:
        values, answers = excel.read_template(report, form.berkas.data.stream)
        ops.save_values(current_user, report, values, {}, expected_version())
        if answers:
            ops.save_answers(current_user, report, answers, None)
    except excel.TemplateErrors as exc:
        refused = progress.refusal(current_user.id, {"upload_errors": exc.errors}, exc.errors,
                                   "Berkas tidak diterapkan: perbaiki kesalahan berikut lalu unggah "
                                   "lagi. Draf tidak berubah.", "reports.summary", report_id=report.id)  # fmt: skip
        flash(refused.message, refused.category)
        return redirect(refused.url)
    except (ops.Conflict, ops.NotEditable) as exc:
        flash(str(exc), "error")
        return redirect(url_for("reports.summary", report_id=report.id))
    flash("Isi template diterapkan pada draf.", "success")
    return redirect(url_for("reports.summary", report_id=report.id))


@bp.route("/impor", methods=["GET", "POST"])
@roles_required(Role.DINAS, Role.ADMIN)
def import_reports():
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.berkas.data

        def work(tracker) -> progress.Outcome:
            result = import_file(current_user, upload.read(), upload.filename or "", tracker)
            if result.ok:
                return progress.Outcome(url_for("reports.import_reports"),
                                        f"{angka(result.created)} laporan diimpor sebagai diajukan "
                                        f"({angka(result.warnings)} peringatan kualitas dicatat).")  # fmt: skip
            return progress.refusal(current_user.id, {"errors": [asdict(e) for e in result.errors]},
                                    result.errors, "Impor dibatalkan: tidak ada laporan yang "
                                    "disimpan. Perbaiki kesalahan berikut.", "reports.import_reports")  # fmt: skip

        outcome = progress.once(current_user.id, request.form.get(progress.FORM_FIELD), work)
        flash(outcome.message, outcome.category)
        return redirect(outcome.url or url_for("reports.import_reports"))
    kept = progress.kept_result(current_user.id, request.args.get("hasil"))
    errors = [RowError(**e) for e in kept["errors"]] if kept else None
    return render_template("reports/import.html", form=form, errors=errors,
                           token=progress.new_token()), (422 if form.errors else 200)  # fmt: skip


@bp.route("/impor/kemajuan/<token>")
def import_progress(token: str):
    """Polled by the import page while its upload is checked and written (any worker)."""
    return progress.answer(token)

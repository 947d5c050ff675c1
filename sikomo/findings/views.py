"""Finding pages: record on the review page, the finding's own page (answer, follow up, close,
reopen), its evidence files, and the staff's list with its CSV."""

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from sqlalchemy.orm import selectinload

from sikomo import deadlines, spreadsheet
from sikomo.auth.access import STAFF, roles_required
from sikomo.extensions import db
from sikomo.findings import bp, evidence, listing
from sikomo.findings import operations as ops
from sikomo.findings.forms import (
    AnswerForm,
    CloseForm,
    FindingForm,
    FollowUpForm,
    ReopenForm,
)
from sikomo.models import (
    Finding,
    FindingEvidence,
    FindingStatus,
    FindingStep,
    Report,
    ReportStatus,
    Role,
    Severity,
)
from sikomo.numbers import page_arg
from sikomo.registry.operations import regions

ALL_ROLES = (Role.PENGURUS, *STAFF)
SAVED = {
    "answer": "Tanggapan tersimpan; pengawas diberi tahu.",
    "follow_up": "Tindak lanjut tersimpan; pengawas diberi tahu.",
    "close": "Temuan ditutup; pengurus diberi tahu.",
    "reopen": "Temuan dibuka kembali; pengurus diberi tahu.",
}


def new_form(report: Report, **kwargs) -> FindingForm:
    return FindingForm(criteria=ops.criteria(report), **kwargs)


bp.add_app_template_global(ops.of_report, "findings_on")
bp.add_app_template_global(ops.open_findings, "open_findings")
bp.add_app_template_global(ops.is_overdue, "finding_overdue")
bp.add_app_template_global(new_form, "new_finding_form")
bp.add_app_template_global(deadlines.today, "today_wib")
bp.add_app_template_global(ops.overdue_total, "overdue_findings_total")


def finding_or_404(finding_id: int) -> Finding:
    """The finding if the current user may see it (a pengurus: only their cooperative's)."""
    shown = selectinload(Finding.steps).options(selectinload(FindingStep.evidence),
                                                selectinload(FindingStep.user))  # fmt: skip
    finding = db.session.get(Finding, finding_id, options=[shown])
    if finding is None:
        abort(404)
    if current_user.role == Role.PENGURUS and finding.cooperative_id != current_user.cooperative_id:
        abort(404)
    return finding


def report_or_404(report_id: int) -> Report:
    report = db.session.get(Report, report_id)
    if report is None or report.status == ReportStatus.DRAF:
        abort(404)
    return report


@bp.route("/laporan/<int:report_id>/baru", methods=["GET", "POST"])
@roles_required(*ops.RECORDERS)
def record(report_id):
    report = report_or_404(report_id)
    form = new_form(report)
    if form.validate_on_submit():
        try:
            finding = ops.record(current_user, report, form.data_of())
        except ops.FindingError as exc:
            db.session.rollback()
            form.batas.errors = [str(exc)]
        else:
            flash("Temuan dicatat; pengurus koperasi diberi tahu.", "success")
            return redirect(url_for("findings.detail", finding_id=finding.id))
    status = 422 if request.method == "POST" else 200
    return render_template("findings/form.html", form=form, report=report, finding=None), status


@bp.route("/<int:finding_id>/ubah", methods=["GET", "POST"])
@roles_required(*ops.RECORDERS)
def edit(finding_id):
    finding = finding_or_404(finding_id)
    if not ops.may_edit(current_user, finding):
        abort(403)
    form = new_form(finding.report)
    form.kept_due = finding.due_date
    if request.method == "GET":
        form.fill(finding)
    elif form.validate_on_submit():
        try:
            changed = ops.edit(current_user, finding, form.data_of(), form.version_id.data)
        except ops.FindingConflict as exc:
            return conflict(finding_id, exc)
        except ops.FindingError as exc:
            db.session.rollback()
            form.batas.errors = [str(exc)]
        else:
            flash("Temuan diubah." if changed else "Tidak ada perubahan.", "success")
            return redirect(url_for("findings.detail", finding_id=finding.id))
    status = 422 if request.method == "POST" else 200
    return render_template("findings/form.html", form=form, report=finding.report,
                           finding=finding), status  # fmt: skip


@bp.route("/<int:finding_id>")
@roles_required(*ALL_ROLES)
def detail(finding_id):
    return render_detail(finding_or_404(finding_id))


def render_detail(finding: Finding, status: int = 200, **forms):
    user = current_user
    own = user.role == Role.PENGURUS and user.cooperative_id == finding.cooperative_id
    version = {"version_id": finding.version_id}
    context = {
        "f": finding,
        "report": finding.report,
        "overdue": ops.is_overdue(finding),
        "today": deadlines.today(),
        "can_answer": own and finding.status != FindingStatus.DITUTUP,
        "can_decide": user.role == Role.PENGAWAS,
        "can_edit": ops.may_edit(user, finding),
        "answer_form": forms.get("answer") or AnswerForm(data=version),
        "follow_form": forms.get("follow_up") or FollowUpForm(data=version),
        "close_form": forms.get("close") or CloseForm(data=version),
        "reopen_form": forms.get("reopen") or ReopenForm(data=version),
    }
    return render_template("findings/detail.html", **context), status


def conflict(finding_id: int, exc: ops.FindingError):
    """The finding as it is now, with the conflict message; nothing was saved."""
    db.session.rollback()
    db.session.expire_all()
    flash(str(exc), "error")
    return render_detail(finding_or_404(finding_id), 409)


def act(finding: Finding, name: str, form, action):
    """Validate `form`, run `action`; the page again with the refusal (422) or the conflict."""
    if not form.validate_on_submit():
        return render_detail(finding, 422, **{name: form})
    try:
        action()
    except ops.FindingConflict as exc:
        return conflict(finding.id, exc)
    except ops.FindingError as exc:
        db.session.rollback()
        db.session.expire_all()
        flash(str(exc), "error")
        return render_detail(finding_or_404(finding.id), 422, **{name: form})
    flash(SAVED[name], "success")
    return redirect(url_for("findings.detail", finding_id=finding.id) + "#riwayat")


@bp.route("/<int:finding_id>/tanggapan", methods=["POST"])
@roles_required(Role.PENGURUS)
def answer(finding_id):
    finding, form = finding_or_404(finding_id), AnswerForm()
    return act(finding, "answer", form, lambda: ops.answer(
        current_user, finding, form.sikap.data == "setuju", form.tanggapan.data.strip(),
        form.version_id.data))  # fmt: skip


@bp.route("/<int:finding_id>/tindak-lanjut", methods=["POST"])
@roles_required(Role.PENGURUS)
def follow_up(finding_id):
    finding, form = finding_or_404(finding_id), FollowUpForm()
    try:
        return act(finding, "follow_up", form, lambda: evidence.follow_up(
            current_user, finding, form.uraian.data.strip(), form.bukti.data or [],
            form.version_id.data))  # fmt: skip
    finally:
        for upload in request.files.getlist("bukti"):
            upload.close()  # a large upload is a temporary file: release it now


@bp.route("/<int:finding_id>/tutup", methods=["POST"])
@roles_required(Role.PENGAWAS)
def close(finding_id):
    finding, form = finding_or_404(finding_id), CloseForm()
    return act(finding, "close", form, lambda: ops.close(
        current_user, finding, form.catatan.data.strip(), form.version_id.data))  # fmt: skip


@bp.route("/<int:finding_id>/buka-kembali", methods=["POST"])
@roles_required(Role.PENGAWAS)
def reopen(finding_id):
    finding, form = finding_or_404(finding_id), ReopenForm()
    return act(finding, "reopen", form, lambda: ops.reopen(
        current_user, finding, form.alasan.data.strip(), form.version_id.data))  # fmt: skip


@bp.route("/bukti/<int:evidence_id>")
@roles_required(*ALL_ROLES)
def download(evidence_id):
    row = db.session.get(FindingEvidence, evidence_id)
    if row is None or not evidence.may_download(current_user, row):
        abort(404)
    inline = row.content_type == "application/pdf"  # sniffed on upload: a PDF opens in the browser
    response = send_file(evidence.path_of(row), mimetype=row.content_type,
                         as_attachment=not inline, download_name=row.filename)  # fmt: skip
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/")
@roles_required(*STAFF)
def index():
    filters = listing.filters_from(request.args)
    page = db.paginate(listing.query(filters), page=page_arg(request.args),
                       per_page=current_app.config["PER_PAGE"], error_out=False)  # fmt: skip
    return render_template("findings/index.html", page=page, filters=filters, regions=regions(),
                           statuses=list(FindingStatus), severities=list(Severity))  # fmt: skip


@bp.route("/ekspor.csv")
@roles_required(*STAFF)
def export():
    filters = listing.filters_from(request.args)
    rows = listing.csv_rows(db.session.scalars(listing.query(filters)).unique())
    body = spreadsheet.to_csv(listing.CSV_COLUMNS, rows)
    return spreadsheet.attachment(body, f"temuan-{deadlines.today().isoformat()}.csv")

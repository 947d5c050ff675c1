from datetime import datetime

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import joinedload

from sikomo.assessments import is_health_scored
from sikomo.assignments import operations as assignments
from sikomo.auth.access import MANAGERS, STAFF, can_see_cooperative, roles_required
from sikomo.extensions import db
from sikomo.format import WIB
from sikomo.foureyes import operations as four_eyes
from sikomo.foureyes.forms import SecondForm
from sikomo.links import site_root  # where the public verifies a certificate
from sikomo.models import (
    Assessment,
    AssessmentStatus,
    Cooperative,
    Jenis,
    Report,
    ReportStatus,
    Role,
)
from sikomo.numbers import page_arg
from sikomo.registry.operations import regions
from sikomo.reports.sections import sections_for
from sikomo.review import bp, certificate, page, scores, trail
from sikomo.review import corrections as fix
from sikomo.review import operations as ops
from sikomo.review import queue as q
from sikomo.review.answers import carried_corrections
from sikomo.review.forms import (
    AnswersForm,
    ConflictForm,
    DecisionForm,
    NotApplicableForm,
    WithdrawForm,
    answers_from,
    notes_from,
)
from sikomo.review.values import PREDIKAT_LABELS, predikat_label
from sikomo.settings import get_setting
from sikomo.whatif import operations as whatif

bp.add_app_template_filter(predikat_label, "predikat")
bp.add_app_template_filter(page.field_label, "label_field")
# The pengurus's questionnaire shows the corrections carried into a new version (an include).
bp.add_app_template_global(carried_corrections, "carried_corrections")


@bp.route("/")
@roles_required(*STAFF)
def index():
    filters = q.filters_from(request.args, current_user.id)
    page = q.queue_page(filters, page_arg(request.args), current_app.config["PER_PAGE"])
    return render_template(
        "review/queue.html",
        page=page,
        filters=filters,
        regions=regions(),
        jenis_list=list(Jenis),
        statuses=q.QUEUE_STATUSES,
        predikat_labels=PREDIKAT_LABELS,
        flags=q.FLAGS,
        sort_labels=q.SORT_LABELS,
        sort_aria=q.SORT_ARIA,
        today=datetime.now(WIB).date(),
        overdue_days=int(get_setting("batas_tunggu_hari")),
    )


def report_or_404(report_id: int) -> Report:
    """The report with what every review view reads of it: cooperative, kecamatan, corrections."""
    shown = (joinedload(Report.cooperative).joinedload(Cooperative.region),
             joinedload(Report.review))  # fmt: skip
    report = db.session.get(Report, report_id, options=shown)
    if report is None or report.status == ReportStatus.DRAF:
        abort(404)
    return report


def render_review(report: Report, status: int = 200, **forms):
    # the stored row when current; a GET stores what it computed (a failed POST never does)
    row, result, error = scores.for_report(report, store=request.method == "GET")
    previous = ops.previous_assessment(report)
    held = ops.pending_assessment(report)
    context = {
        "report": report,
        "coop": report.cooperative,
        "result": result,
        "error": error,
        "previous": previous,
        "decided": ops.decided_assessment(report),
        "trail": trail.trail(report, trail.events(report)),
        "decision_form": forms.get("decision_form") or DecisionForm(version_id=report.version_id),
        "answers_form": forms.get("answers_form") or AnswersForm(version_id=report.version_id),
        "na_form": forms.get("na_form"),
        "can_decide": current_user.role == Role.PENGAWAS
        and report.status == ReportStatus.DIAJUKAN
        and held is None,
        "held": held,
        "can_settle": held is not None
        and report.status == ReportStatus.DIAJUKAN
        and four_eyes.may_settle(current_user, held),
        "second_form": forms.get("second_form") or SecondForm(version_id=report.version_id),
        "flags": row.flags,
        "report_sections": sections_for(report, is_health_scored(report.cooperative)),
        "assignee": assignments.assignee(report),
        "assignment_open": report.status in assignments.OPEN,
        "pengawas_list": assignments.pengawas_list() if current_user.role in MANAGERS else [],
        # corrections and confirmations count, as in `result`; None if not scored or refused
        # (searched after the page loads unless this process has it: static/js/plan.js)
        "plan": whatif.plan_for(report, True, result, search=False) if result is not None else None,
        **page.context(report, result, previous),
    }
    return render_template("review/review.html", **context), status


@bp.route("/laporan/<int:report_id>")
@roles_required(*STAFF)
def review(report_id):
    return render_review(report_or_404(report_id))


@bp.route("/laporan/<int:report_id>/jawaban", methods=["POST"])
@roles_required(Role.PENGAWAS)
def correct(report_id):
    report = report_or_404(report_id)
    form = AnswersForm()
    if not form.validate_on_submit():
        flash("Formulir tidak lengkap; muat ulang halaman.", "error")
        return render_review(report, 400, answers_form=form)

    def action():
        codes = sorted(ops.item_codes(report))
        answers, notes = answers_from(request.form, codes), notes_from(request.form, codes)
        return ops.correct_answers(current_user, report, answers, form.version_id.data, notes)

    done = "Koreksi jawaban tersimpan; skor dihitung ulang."
    return run(report, action, {True: done, False: "Tidak ada perubahan."}, "#skor",
               answers_form=form)  # fmt: skip


@bp.route("/laporan/<int:report_id>/tidak-berlaku", methods=["POST"])
@roles_required(Role.PENGAWAS)
def not_applicable(report_id):
    report = report_or_404(report_id)
    form = NotApplicableForm()
    if not form.validate_on_submit():
        if {"version_id", "indikator", "csrf_token"} & set(form.errors):
            flash("Formulir tidak lengkap; muat ulang halaman.", "error")
            return render_review(report, 400)
        flash(first_error(form, "Alasan tidak berlaku wajib diisi."), "error")
        return render_review(report, 422, na_form=form)
    code = form.indikator.data

    def action():
        return fix.confirm_not_applicable(
            current_user, report, code, form.alasan.data, form.version_id.data
        )

    messages = {True: "Indikator ditetapkan tidak berlaku; skor dihitung ulang.",
                False: "Tidak ada perubahan."}  # fmt: skip
    return run(report, action, messages, f"#indikator-{code}", na_form=form)


@bp.route("/laporan/<int:report_id>/tidak-berlaku/cabut", methods=["POST"])
@roles_required(Role.PENGAWAS)
def withdraw_not_applicable(report_id):
    report = report_or_404(report_id)
    form = WithdrawForm()
    if not form.validate_on_submit():
        flash("Formulir tidak lengkap; muat ulang halaman.", "error")
        return render_review(report, 400)
    code = form.indikator.data

    def action():
        fix.withdraw_not_applicable(current_user, report, code, form.version_id.data)

    message = "Penetapan tidak berlaku dicabut; indikator kembali dinilai."
    return run(report, action, {None: message}, f"#indikator-{code}")


@bp.route("/laporan/<int:report_id>/konflik", methods=["POST"])
@roles_required(Role.PENGAWAS)
def settle_conflict(report_id):
    report = report_or_404(report_id)
    form = ConflictForm()
    if not form.validate_on_submit():
        flash("Pilih: pertahankan koreksi atau terima jawaban pengurus.", "error")
        return render_review(report, 400)

    def action():
        fix.settle_conflict(
            current_user, report, form.butir.data, form.keputusan.data, form.version_id.data
        )

    kept = form.keputusan.data == fix.KEEP
    message = "Koreksi pengawas dipertahankan." if kept else "Jawaban pengurus diterima."
    return run(report, action, {None: message + " Skor dihitung ulang."}, "#kuesioner")


def run(report: Report, action, messages: dict, anchor: str, **forms):
    """Run a review action: its message and a redirect, or the page again with the refusal."""
    try:
        outcome = action()
    except ops.ReviewConflict as exc:
        return conflict(report.id, exc)
    except ops.ReviewError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return render_review(report, 422, **forms)
    flash(messages[outcome], "success")
    return redirect(url_for("review.review", report_id=report.id) + anchor)


def first_error(form, default: str) -> str:
    errors = [e for field in form for e in field.errors]
    return str(errors[0]) if errors else default


@bp.route("/laporan/<int:report_id>/keputusan", methods=["POST"])
@roles_required(Role.PENGAWAS)
def decide(report_id):
    report = report_or_404(report_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        flash("Pilih keputusan terlebih dahulu.", "error")
        return render_review(report, 422, decision_form=form)
    try:
        assessment = ops.decide(current_user, report, form.decision())
    except ops.ReviewConflict as exc:
        return conflict(report_id, exc)
    except ops.ReviewError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return render_review(report, 422, decision_form=form)
    flash(decision_message(form.keputusan.data, assessment), "success")
    return redirect(url_for("review.index"))


def conflict(report_id: int, exc: ops.ReviewError):
    """Show the report as it is now, with the conflict message; nothing was saved."""
    db.session.rollback()
    db.session.expire_all()
    flash(str(exc), "error")
    return render_review(report_or_404(report_id), 409)


def decision_message(kind: str, assessment: Assessment | None) -> str:
    if kind == ops.KEMBALIKAN:
        return "Laporan dikembalikan ke pengurus dengan catatan."
    if assessment is None:
        return "Laporan disetujui."
    if assessment.status == AssessmentStatus.PENDING:
        return (
            "Keputusan tersimpan dan menunggu persetujuan kedua oleh pengawas lain atau Dinas "
            "sebelum berlaku."
        )
    return f"Laporan disetujui dengan predikat {predikat_label(assessment.predikat)}."


def certificate_or_404(assessment_id: int) -> Assessment:
    row = db.session.get(Assessment, assessment_id)
    if (
        row is None
        or row.status != AssessmentStatus.APPROVED
        or not row.certificate_number
        or not can_see_cooperative(current_user, row.report.cooperative_id)
    ):
        abort(404)
    return row


@bp.route("/<int:assessment_id>/sertifikat")
@roles_required(*Role)
def certificate_page(assessment_id):
    row = certificate_or_404(assessment_id)
    return render_template("review/certificate.html", c=certificate.content(row, site_root()))


@bp.route("/<int:assessment_id>/sertifikat.pdf")
@roles_required(*Role)
def certificate_pdf(assessment_id):
    c = certificate.content(certificate_or_404(assessment_id), site_root())
    name = c.number.replace("/", "-")
    headers = {"Content-Disposition": f"attachment; filename={name}.pdf"}
    return Response(certificate.pdf(c), mimetype="application/pdf", headers=headers)

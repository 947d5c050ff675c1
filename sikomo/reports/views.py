"""Pengurus report pages: dashboard, sections, summary and submission, attachments, Excel."""

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from scoring import ScoringError
from sikomo import edit_rules, progress
from sikomo.assessments import is_health_scored, run_engine
from sikomo.auth.access import STAFF, roles_required
from sikomo.extensions import db
from sikomo.format import angka
from sikomo.models import Assessment, Report, ReportStatus, Role
from sikomo.reports import bp, excel
from sikomo.reports import operations as ops
from sikomo.reports.forms import (
    AttachmentForm,
    StartForm,
    SubmitForm,
    UploadForm,
    item_field_name,
    questionnaire_form,
    section_form,
)
from sikomo.reports.sections import (
    group_fields,
    questionnaire,
    questionnaire_groups,
    section,
    sections_for,
    unread,
)
from sikomo.review.operations import DECIDED
from sikomo.review.values import engine_score, predikat_label
from sikomo.whatif import operations as whatif

ALL_ROLES = (Role.PENGURUS, *STAFF)


def report_or_404(report_id: int) -> Report:
    """The report if the current user may see it; 404 otherwise, so nothing leaks."""
    report = db.session.get(Report, report_id)
    if report is None:
        abort(404)
    if current_user.role == Role.PENGURUS and report.cooperative_id != current_user.cooperative_id:
        abort(404)
    return report


def own_report_or_404(report_id: int) -> Report:
    """Only the cooperative's own pengurus changes its report."""
    report = report_or_404(report_id)
    if current_user.role != Role.PENGURUS:
        abort(403)
    return report


def sentence(message: object) -> str:
    """A message as a sentence: first letter upper case, a full stop at the end."""
    text = str(message)
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def expected_version() -> int | None:
    value = request.form.get("version_id", "")
    return int(value) if value.isdigit() else None


@bp.route("/")
@roles_required(Role.PENGURUS)
def dashboard():
    coop = current_user.cooperative
    if coop is None:
        abort(404)
    reports = ops.versions(coop.id)
    years = sorted({r.tahun_buku for r in reports}, reverse=True)
    newest = {y: next(r for r in reports if r.tahun_buku == y) for y in years}
    approved = db.session.scalars(
        db.select(Assessment)
        .join(Assessment.report)
        .where(Report.cooperative_id == coop.id, Assessment.status.in_(DECIDED))
        .order_by(Report.tahun_buku.desc(), Assessment.id.desc())
    ).all()
    form = StartForm()
    form.tahun_buku.choices = [
        SelectChoice(y, str(y)) for y in excel.open_years() if y not in newest
    ]
    return render_template(
        "reports/dashboard.html", coop=coop, years=years, newest=newest, reports=reports,
        approved=approved, form=form, replaced=ops.replaced(reports),
    )  # fmt: skip


@bp.route("/mulai", methods=["POST"])
@roles_required(Role.PENGURUS)
def start():
    form = StartForm()
    form.tahun_buku.choices = [SelectChoice(y, str(y)) for y in excel.open_years()]
    if not form.validate_on_submit():
        flash("Pilih tahun buku yang akan dilaporkan.", "error")
        return redirect(url_for("reports.dashboard"))
    report = ops.start(current_user, current_user.cooperative, form.tahun_buku.data)
    return redirect(url_for("reports.edit", report_id=report.id, slug="identitas"))


def preview_of(report: Report, data: dict | None = None) -> dict | None:
    """The engine's score for the draft as it stands (None when the cooperative is not scored)."""
    if not is_health_scored(report.cooperative):
        return None
    try:
        result = run_engine(report, data)
    except ScoringError as exc:
        return {"error": str(exc)}
    scored = [i for i in result.indicators if i.status == "ok" and i.skor is not None]
    weakest = sorted(scored, key=lambda i: (i.skor / i.max_skor, i.code))[:5]
    return {
        **score_of(result),
        "scored": result.indicators_scored,
        "defined": result.indicators_defined,
        "reasons": list(getattr(result, "provisional_reasons", ())),
        "weakest": [
            {"name": i.name, "ratio": i.ratio, "kategori": i.kategori, "nilai": i.nilai}
            for i in weakest
        ],
    }


def score_of(result) -> dict:
    """Total and predikat when complete; otherwise no total, only the range (decisions.md 8)."""
    score = engine_score(result)
    if score.complete:
        text = f"Skor {angka(score.total, 2)} — {predikat_label(score.predikat)}"
    elif score.has_range:
        text = score.range_text().replace("sementara", "Sementara:", 1)
    else:
        text = "Sementara: belum dapat dinilai"
    return {"text": text, "predikat_label": predikat_label(score.predikat) if score.complete else text,
            **score.to_json(), "provisional": score.provisional}  # fmt: skip


def section_context(report: Report, slug: str, form=None) -> dict:
    sections = sections_for(report, is_health_scored(report.cooperative))
    current = section(slug)
    if current is None or current not in sections:
        abort(404)
    if form is None:
        form = build_form(report, current)
    editable = current_user.role == Role.PENGURUS and report.status == ReportStatus.DRAF
    chosen = {f.name for f in form if f.data in ("ya", "tidak")}  # answers as the screen shows
    return dict(
        report=report, sections=sections, current=current, form=form, editable=editable,
        preview=preview_of(report), raw=(report.data or {}).get(ops.RAW, {}),
        prefilled=set((report.data or {}).get(ops.PREFILLED, [])),
        questionnaire=questionnaire_groups(report, lambda code: item_field_name(code) in chosen)
        if current.slug == "kuesioner" else [],
        item_field_name=item_field_name, upload_form=AttachmentForm(),
        group_keys=lambda name: {f.key for f in group_fields(name)},
    )  # fmt: skip


def build_form(report: Report, current, formdata=None):
    data = dict(report.data or {})
    if current.slug == "kuesioner":
        codes = tuple(item.code for _, items in questionnaire(report) for item in items)
        answers = data.get("kuesioner", {})
        initial = {
            item_field_name(c): ("ya" if answers[c] else "tidak") for c in codes if c in answers
        }
        form = questionnaire_form(codes)(formdata=formdata, data=initial)
    else:
        initial = {**data, **data.get(ops.RAW, {})}
        form = section_form(current)(formdata=formdata, data=initial)
    if formdata is None:
        form.version_id.data = report.version_id
    return form


@bp.route("/<int:report_id>/bagian/<slug>", methods=["GET", "POST"])
@roles_required(*ALL_ROLES)
def edit(report_id: int, slug: str):
    report = report_or_404(report_id)
    if request.method == "GET":
        context = section_context(report, slug)
        if slug == "lampiran":
            return render_template("reports/attachments.html", **context)
        for key in context["raw"]:  # show why a kept text is not read yet
            if key in context["form"]:
                field = context["form"][key]
                try:
                    field.pre_validate(context["form"])
                except ValueError as exc:
                    field.errors = [str(exc)]
        return render_template("reports/section.html", **context)
    report = own_report_or_404(report_id)
    current = section(slug)
    shown = sections_for(report, is_health_scored(report.cooperative))
    if current is None or current not in shown or current.slug == "lampiran":
        abort(404)  # an unknown section, one this report does not have, or the attachments page
    form = build_form(report, current, request.form)
    form.validate()
    try:
        if current.slug == "kuesioner":
            answers = {
                item.code: {"ya": True, "tidak": False}.get(form[item_field_name(item.code)].data)
                for _, items in questionnaire(report) for item in items
            }  # fmt: skip
            ops.save_answers(current_user, report, answers, expected_version())
        else:
            values, unreadable = read_amounts(form)
            ops.save_values(current_user, report, values, unreadable, expected_version())
    except ops.Conflict as exc:
        flash(str(exc), "error")
        return render_template("reports/section.html", **section_context(report, slug, form)), 409
    except ops.NotEditable as exc:
        flash(sentence(exc), "error")
        return redirect(url_for("reports.summary", report_id=report.id))
    if form.errors:
        flash("Draf disimpan, tetapi beberapa isian belum dapat dibaca: lihat pesan di bawahnya. "
              "Teks yang Anda ketik tetap tersimpan.", "warning")  # fmt: skip
        return render_template("reports/section.html", **section_context(report, slug, form)), 422
    flash("Draf disimpan.", "success")
    return redirect(next_url(report, current))


def read_amounts(form) -> tuple[dict, dict]:
    """Values that could be read, and the raw text of those that could not."""
    values, unreadable = {}, {}
    for field in form:
        if field.name in ("csrf_token", "version_id") or field.name not in request.form:
            continue  # a field the request did not send is left as it is
        if field.errors:
            unreadable[field.name] = field.data
        elif field.name == "tanggal_rat":
            values[field.name] = (field.data or "").strip() or None
        else:
            values[field.name] = field.parsed
    return values, unreadable


def next_url(report: Report, current) -> str:
    if request.form.get("lanjut"):
        sections = sections_for(report, is_health_scored(report.cooperative))
        position = [s.slug for s in sections].index(current.slug)
        if position + 1 < len(sections):
            return url_for("reports.edit", report_id=report.id, slug=sections[position + 1].slug)
        return url_for("reports.summary", report_id=report.id)
    return url_for("reports.edit", report_id=report.id, slug=current.slug)


@bp.route("/<int:report_id>/pratinjau", methods=["POST"])
@roles_required(Role.PENGURUS)
def preview(report_id: int):
    """The engine's score for the draft with the section's unsaved values laid over it."""
    report = own_report_or_404(report_id)
    current = section(request.form.get("bagian", ""))
    data = dict(report.data or {})
    if current is not None and current.slug not in ("kuesioner", "lampiran"):
        form = build_form(report, current, request.form)
        form.validate()
        values, _ = read_amounts(form)
        data.update(values)
    return jsonify(preview_of(report, data))


@bp.route("/<int:report_id>")
@roles_required(*ALL_ROLES)
def summary(report_id: int):
    report = report_or_404(report_id)
    kept = progress.kept_result(current_user.id, request.args.get("hasil")) or {}
    context = summary_context(report) | {"upload_errors": kept.get("upload_errors")}
    return render_template("reports/summary.html", **context)


def summary_context(report: Report, form=None, explanations=None) -> dict:
    data = report.data or {}
    return dict(
        report=report, findings=ops.findings(report), raw=data.get(ops.RAW, {}),
        unread=unread(data.get(ops.RAW, {})),
        explanations=explanations if explanations is not None else data.get(ops.EXPLANATIONS, {}),
        preview=preview_of(report), form=form or SubmitForm(version_id=report.version_id),
        sections=sections_for(report, is_health_scored(report.cooperative)),
        history=(history := ops.versions(report.cooperative_id, report.tahun_buku)),
        replaced=ops.replaced(history),
        return_note=return_note(report), upload_form=UploadForm(),
        # the pengurus's own figures; searched after the page loads (static/js/plan.js)
        plan=whatif.plan_for(report, reviewed=False, search=False),
    )  # fmt: skip


def return_note(report: Report) -> str | None:
    """The pengawas's note of the latest return, shown while the report is being corrected."""
    if report.status not in (ReportStatus.DRAF, ReportStatus.DIKEMBALIKAN):
        return None
    for version in ops.versions(report.cooperative_id, report.tahun_buku):
        if version.status == ReportStatus.DIKEMBALIKAN and version.review_note:
            return version.review_note
    return None


@bp.route("/<int:report_id>/ajukan", methods=["GET", "POST"])
@roles_required(Role.PENGURUS)
def submit(report_id: int):
    """Ajukan in two steps: the checks (explanations kept), then the confirmed POST submits."""
    report = own_report_or_404(report_id)
    if request.method == "GET":
        return confirmation(report)
    if not SubmitForm().validate_on_submit():
        abort(400)
    explanations = {**stored_explanations(report), **typed_explanations()}
    try:
        if request.form.get("konfirmasi") != "ya":
            return check_before_confirming(report, explanations)
        receipt = ops.submit(current_user, report, explanations, expected_version())
    except ops.SubmitBlocked:
        flash("Laporan belum dapat diajukan: perbaiki isian yang ditandai dan beri penjelasan untuk "
              "setiap peringatan.", "error")  # fmt: skip
        context = summary_context(report, explanations=explanations)
        return render_template("reports/summary.html", **context), 422
    except ops.Conflict as exc:
        flash(str(exc), "error")
        context = summary_context(report, SubmitForm(), explanations)
        return render_template("reports/summary.html", **context), 409
    except ops.NotEditable as exc:
        flash(sentence(exc), "error")
        return redirect(url_for("reports.summary", report_id=report.id))
    flash(f"Laporan tahun buku {report.tahun_buku} versi {report.version} telah diajukan. "
          f"Tanda terima {receipt.number}.", "success")  # fmt: skip
    return redirect(url_for("reports.summary", report_id=report.id))


def confirmation(report: Report):
    """The last step before Ajukan: what submitting means, and the engine's score."""
    explanations, found = stored_explanations(report), ops.findings(report)
    if report.status != ReportStatus.DRAF:
        flash(f"Versi ini berstatus {report.status.label.lower()} dan tidak diajukan lagi.", "info")
        return redirect(url_for("reports.summary", report_id=report.id))
    if not ready(report, found, explanations):
        flash("Laporan belum dapat diajukan: perbaiki isian yang ditandai dan beri penjelasan "
              "untuk setiap peringatan.", "error")  # fmt: skip
        return redirect(url_for("reports.summary", report_id=report.id))
    warnings = [(f.message, explanations[f.rule]) for f in found if f.kind == edit_rules.QUALITY]
    return render_template("reports/confirm.html", report=report, preview=preview_of(report),
                           form=SubmitForm(version_id=report.version_id), warnings=warnings)  # fmt: skip


def check_before_confirming(report: Report, explanations: dict[str, str]):
    """Keep the explanations as typed (nothing is lost); then confirm, unless something blocks."""
    if report.status != ReportStatus.DRAF:
        raise ops.NotEditable("laporan ini sudah diajukan atau disetujui dan tidak dapat diubah")
    found = ops.findings(report)
    quality = {f.rule for f in found if f.kind == edit_rules.QUALITY}
    kept = {r: t.strip() for r, t in explanations.items() if r in quality and t.strip()}
    if kept != stored_explanations(report):
        ops.save_values(current_user, report, {ops.EXPLANATIONS: kept}, {}, expected_version())
    if not ready(report, found, kept):
        raise ops.SubmitBlocked(found, (report.data or {}).get(ops.RAW, {}))
    return redirect(url_for("reports.submit", report_id=report.id), 303)


def typed_explanations() -> dict[str, str]:
    return {k.removeprefix("penjelasan_"): v for k, v in request.form.items()
            if k.startswith("penjelasan_")}  # fmt: skip


def stored_explanations(report: Report) -> dict[str, str]:
    stored = (report.data or {}).get(ops.EXPLANATIONS)
    stored = stored if isinstance(stored, dict) else {}
    return {k: v for k, v in stored.items() if isinstance(v, str)}


def ready(report: Report, found: list, explanations: dict[str, str]) -> bool:
    """No unreadable text, no validity finding, and every warning explained."""
    return not (report.data or {}).get(ops.RAW) and edit_rules.can_submit(found, explanations)


@bp.route("/<int:report_id>/perbaiki", methods=["POST"])
@roles_required(Role.PENGURUS)
def reopen(report_id: int):
    report = own_report_or_404(report_id)
    if not SubmitForm().validate_on_submit():
        abort(400)
    try:
        draft = ops.reopen(current_user, report)
    except ops.NotEditable as exc:
        flash(sentence(exc), "error")
        return redirect(url_for("reports.summary", report_id=report.id))
    flash(
        f"Versi {draft.version} dibuat sebagai draf; versi {report.version} tetap tersimpan.",
        "success",
    )
    return redirect(url_for("reports.edit", report_id=draft.id, slug="identitas"))

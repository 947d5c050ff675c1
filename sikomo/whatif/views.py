"""The simulator: change a report's figures and see the engine's result, never stored."""

from dataclasses import dataclass, field
from typing import Any

from flask import flash, jsonify, render_template, request
from flask_login import current_user

import scoring
from scoring.schema import KUESIONER_PREFIX
from sikomo.auth.access import roles_required
from sikomo.models import Report, Role
from sikomo.reports.views import ALL_ROLES, report_or_404
from sikomo.whatif import bp, forms
from sikomo.whatif import operations as ops

# What the simulator starts from: the pengurus's figures (report page) or, for staff, the
# figures with the pengawas's corrections and confirmations (review page).
BASES = {"laporan": "isian pengurus pada laporan ini",
         "penilaian": "isian laporan dengan koreksi jawaban dan penetapan tidak berlaku dari "
                      "pengawas, seperti halaman penilaian"}  # fmt: skip
CHOICE = {"ya": True, "tidak": False, "": None}


def reviewed() -> bool:
    """Staff start from the review page's inputs unless they ask for the pengurus's own."""
    wanted = request.values.get("dasar", "")
    return current_user.role != Role.PENGURUS and wanted != "laporan"


def build(report: Report):
    """The basis, its ruleset and the form filled with its figures (and any sent ones)."""
    b = ops.basis(report, reviewed())
    rs = ops.ruleset(b)
    answers = b.values.get("kuesioner") or {}
    initial = {f.key: b.values.get(f.key) for f in forms.figures(rs)}
    initial |= {ops.item_field(i.code): {True: "ya", False: "tidak"}.get(answers.get(i.code), "")
                for ind in forms.questionnaires(rs) for i in ind.items}  # fmt: skip
    formdata = request.form if request.method == "POST" else None
    return b, rs, forms.form_class(rs.id)(formdata=formdata, data=initial)


def changes_of(b: ops.Basis, rs, form) -> dict:
    """The figures and answers that differ from the basis, as scoring.simulate takes them."""
    out: dict = {}
    for f in forms.figures(rs):
        if form[f.key].data != b.values.get(f.key):
            out[f.key] = form[f.key].data
    answers = b.values.get("kuesioner") or {}
    for ind in forms.questionnaires(rs):
        for item in ind.items:
            answer = CHOICE.get(form[ops.item_field(item.code)].data)
            if answer != answers.get(item.code):
                out[f"{KUESIONER_PREFIX}{item.code}"] = answer
    return out


@dataclass
class Outcome:
    form: Any
    rs: scoring.Ruleset
    sim: ops.Simulation | None = None
    changed: set[str] = field(default_factory=set)  # form fields that differ from the report
    error: str = ""  # the engine's refusal
    status: int = 200


def outcome(report: Report) -> Outcome:
    b, rs, form = build(report)
    if request.method == "POST" and not form.validate():
        return Outcome(form, rs, status=400 if "csrf_token" in form.errors else 422)
    changes = changes_of(b, rs, form)
    changed = {ops.item_field(k[len(KUESIONER_PREFIX) :]) if k.startswith(KUESIONER_PREFIX)
               else k for k in changes}  # fmt: skip
    try:
        return Outcome(form, rs, ops.simulate(b, changes), changed)
    except scoring.ScoringError as exc:
        return Outcome(form, rs, None, changed, str(exc), 422)


@bp.route("/<int:report_id>/simulasi", methods=["GET", "POST"])
@roles_required(*ALL_ROLES)
def simulator(report_id: int):
    report = report_or_404(report_id)
    out = outcome(report)
    if out.status == 400:
        flash("Formulir kedaluwarsa; muat ulang halaman lalu coba lagi.", "error")
    elif out.status == 422 and not out.error:
        flash("Beberapa angka belum dapat dibaca: lihat pesan di bawah isiannya.", "error")
    context = dict(report=report, out=out, form=out.form, sim=out.sim, groups=forms.groups(out.rs),
                   questionnaires=forms.questionnaires(out.rs), dasar=dasar(),
                   basis_text=BASES[dasar()], from_plan=bool(request.form.get("rencana")),
                   item_field=ops.item_field)  # fmt: skip
    return render_template("whatif/simulator.html", **context), out.status


@bp.route("/<int:report_id>/simulasi.json", methods=["POST"])
@roles_required(*ALL_ROLES)
def simulator_json(report_id: int):
    report = report_or_404(report_id)
    out = outcome(report)
    if out.sim is None:
        errors = {name: [str(e) for e in errs] for name, errs in out.form.errors.items()}
        message = out.error or (
            "Muat ulang halaman." if out.status == 400 else "Periksa angka yang ditandai."
        )
        return jsonify({"errors": errors, "message": message}), out.status
    html = render_template("whatif/_result.html", sim=out.sim, report=report)
    return jsonify({"result": ops.to_json(out.sim), "html": html, "changed": sorted(out.changed)})


@bp.route("/<int:report_id>/rencana")
@roles_required(*ALL_ROLES)
def plan(report_id: int):
    """What it takes to reach the next predikat, searched now: the section the report and
    review pages fetch after loading (`bagian=1`), or a page of its own without script."""
    report = report_or_404(report_id)
    found = ops.plan_for(report, reviewed())
    if request.args.get("bagian"):
        if found is None:
            return "", 204  # not health-scored or refused: the page removes the section
        return render_template("whatif/_plan.html", plan=found, report=report, dasar=dasar())
    return render_template("whatif/plan.html", plan=found, report=report, dasar=dasar())


def dasar() -> str:
    return "penilaian" if reviewed() else "laporan"

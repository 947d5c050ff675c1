"""POST /api/v1/reports (cooperative token) and GET /api/v1/reports/<id>[/assessment]."""

from flask import jsonify, request

import scoring
from sikomo import receipts
from sikomo.api import ApiError, bp
from sikomo.api import submission as sub
from sikomo.api.auth import require_report_access, require_token
from sikomo.assessments import is_health_scored
from sikomo.audit import jsonable
from sikomo.extensions import db
from sikomo.models import Report
from sikomo.reports import operations as ops
from sikomo.review.operations import decided_assessment, live_result
from sikomo.review.values import stored_score
from sikomo.tokens.operations import actor_label

MAX_ID = 2**31 - 1  # the id column's range: larger ids cannot exist (and overflow the driver)


def report_by_id(report_id: int) -> Report | None:
    return db.session.get(Report, report_id) if report_id <= MAX_ID else None


def json_body():
    if not request.is_json:
        raise ApiError(415)
    body = request.get_json(silent=True)
    if body is None:
        raise ApiError(400, (None, "Isi permintaan bukan JSON yang sah."))
    return body


@bp.post("/reports")
def create_report():
    token = require_token()
    body = json_body()
    coop = token.cooperative
    try:
        parsed = sub.parse(body, coop)
        report, created = sub.store(actor_label(token), coop, parsed)
    except sub.Invalid as exc:
        raise ApiError(422, *exc.problems) from None
    except ops.SubmitBlocked as exc:
        raise ApiError(422, *sub.blocked_problems(exc, parsed.explanations)) from None
    except (ops.NotEditable, ops.Conflict) as exc:
        raise ApiError(409, (None, sentence(exc))) from None
    body = {"report": report_json(report), "assessment": engine_result(report)}
    return jsonify(body), 201 if created else 200


@bp.get("/reports/<int:report_id>")
def get_report(report_id):
    report = require_report_access(report_by_id(report_id))
    return jsonify({"report": report_json(report)})


@bp.get("/reports/<int:report_id>/assessment")
def get_assessment(report_id):
    report = require_report_access(report_by_id(report_id))
    decided = decided_assessment(report)
    if decided is not None:
        engine = stored_score(decided).to_json()
        decision = jsonable({
            "status": decided.status, "predikat": decided.predikat,
            "engine_predikat": decided.engine_predikat, "total_score": decided.total_score,
            "justification": decided.justification,
            "certificate_number": decided.certificate_number, "decided_at": decided.decided_at,
            **{k: engine[k] for k in RANGE_FIELDS},
        })  # fmt: skip
        stored = decided.result if isinstance(decided.result, dict) else {}
        result = stored | engine
    else:
        decision, result = None, engine_result(report)
    return jsonify({"report_id": report.id, "health_scored": is_health_scored(report.cooperative),
                    "decision": decision, "assessment": result})  # fmt: skip


# The engine's side of every assessment in the API, also for results stored before ranges existed.
RANGE_FIELDS = ("complete", "total_min", "total_max", "predikat_min", "predikat_max")


def sentence(exc: Exception) -> str:
    text = str(exc)
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def report_json(report: Report) -> dict:
    data = report.data or {}
    return jsonable({
        "id": report.id, "cooperative_id": report.cooperative_id, "nik": report.cooperative.nik,
        "tahun_buku": report.tahun_buku, "version": report.version, "status": report.status,
        "submitted_at": report.submitted_at, "approved_at": report.approved_at,
        "updated_at": report.updated_at,
        "data": {k: v for k, v in data.items() if k not in ops.PRIVATE},
        "penjelasan": data.get(ops.EXPLANATIONS, {}),
        "sumber_lalu": data.get(ops.SOURCES, {}),  # {twin: "dari laporan tahun buku N"}
        "temuan": [finding_json(f) for f in ops.findings(report)],
        "tanda_terima": receipts.receipt_json(receipts.receipt_of(report)),
    })  # fmt: skip


def finding_json(finding) -> dict:
    return {"rule": finding.rule, "kind": finding.kind, "fields": list(finding.fields),
            "message": finding.message}  # fmt: skip


def engine_result(report: Report) -> dict | None:
    """The engine's assessment of the report as the pengawas sees it (with corrections and
    *tidak berlaku* confirmations), as the review page shows it; None when not health-scored."""
    try:
        result = live_result(report)
    except scoring.ScoringError as exc:
        return {"error": str(exc)}
    return result.to_dict() if result is not None else None  # complete, total_min, … included

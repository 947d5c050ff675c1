"""The tanda terima page: printable, for the cooperative's own pengurus and the staff only."""

from flask import abort, render_template

from sikomo import receipts
from sikomo.auth.access import roles_required
from sikomo.office.operations import letterhead
from sikomo.reports import bp
from sikomo.reports.views import ALL_ROLES, report_or_404


@bp.route("/<int:report_id>/tanda-terima")
@roles_required(*ALL_ROLES)
def receipt(report_id: int):
    report = report_or_404(report_id)  # another cooperative's pengurus: 404
    found = receipts.receipt_of(report)
    if found is None:
        abort(404)
    return render_template("reports/receipt.html", receipt=found, report=report, kop=letterhead())


# The summary page and the dashboard show a version's receipt and the cooperative's receipts.
bp.add_app_template_global(receipts.receipt_of, "receipt_of")
bp.add_app_template_global(receipts.receipts_of, "receipts_of")

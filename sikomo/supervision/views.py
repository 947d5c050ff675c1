"""Early warnings for the district (/peringatan/) and the cooperative profile."""

from flask import current_app, render_template, request
from flask_login import current_user

from sikomo import spreadsheet
from sikomo.auth.access import STAFF, cooperative_or_404, roles_required
from sikomo.models import Jenis, Role
from sikomo.numbers import page_arg
from sikomo.registry import operations as registry_ops
from sikomo.supervision import bp, forms, listing
from sikomo.supervision import operations as ops
from sikomo.supervision.config import SEVERITIES, config
from sikomo.supervision.profile import profile


def choices() -> dict:
    regions = registry_ops.regions()
    return {"regions": regions, "jenis_list": list(Jenis), "severities": SEVERITIES,
            "rules": config().rules, "years": ops.report_years()}  # fmt: skip


def read_filters():
    """(filters, None) or (None, the 422 page refusing them)."""
    regions = registry_ops.regions()
    try:
        return forms.read(request.args, ops.default_year(), {r.id for r in regions}), None
    except forms.FilterError as exc:
        page = render_template("supervision/warnings.html", error=str(exc), listing=None,
                               filters=None, **choices())  # fmt: skip
        return None, (page, 422)


@bp.route("/peringatan/")
@roles_required(*STAFF)
def warnings():
    filters, refused = read_filters()
    if refused:
        return refused
    per_page = current_app.config["PER_PAGE"]
    shown = listing.listing(filters, page_arg(request.args), per_page)
    return render_template("supervision/warnings.html", listing=shown, filters=filters,
                           error=None, **choices())  # fmt: skip


@bp.route("/peringatan/ekspor.<fmt>")
@roles_required(*STAFF)
def export(fmt):
    if fmt not in ("csv", "xlsx"):
        return render_template("error.html", code=404, message="Format tidak dikenal."), 404
    filters, refused = read_filters()
    if refused:
        return refused
    body = listing.export(filters, fmt, comma=request.args.get("pemisah") == "koma")
    return spreadsheet.attachment(body, f"peringatan-{filters.year}.{fmt}")


@bp.route("/koperasi/<int:cooperative_id>/profil")
@roles_required(*Role)
def cooperative_profile(cooperative_id):
    coop = cooperative_or_404(cooperative_id)
    staff = current_user.role in STAFF
    return render_template("supervision/profile.html", coop=coop, staff=staff, **profile(coop))

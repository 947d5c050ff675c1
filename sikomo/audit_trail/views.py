from flask import current_app, render_template, request

from sikomo import spreadsheet
from sikomo.audit_trail import bp, labels
from sikomo.audit_trail import operations as ops
from sikomo.audit_trail.forms import FilterForm, cursor_value
from sikomo.auth.access import MANAGERS, roles_required

# The office inspects itself: the Dinas and the administrator; nobody can change a row here.
READERS = MANAGERS
CSV_COLUMNS = spreadsheet.columns(
    ("ID", "count"), "Waktu (WIB)", "Pengguna", "Tindakan", "Objek", "Perubahan"
)


@bp.route("/audit")
@roles_required(*READERS)
def index():
    form = FilterForm(request.args)
    if not form.validate():
        return render(form, None, None), 422
    criteria = form.criteria()
    found = ops.page(criteria, current_app.config["PER_PAGE"],
                     before=cursor_value(form.sebelum.data), after=cursor_value(form.setelah.data))  # fmt: skip
    return render(form, found, ops.count(criteria))


@bp.route("/audit/ekspor.csv")
@roles_required(*READERS)
def export():
    form = FilterForm(request.args)
    if not form.validate():
        return render(form, None, None), 422
    criteria = form.criteria()
    if ops.count(criteria, ops.EXPORT_LIMIT) > ops.EXPORT_LIMIT:
        form.form_errors.append(
            f"Lebih dari {ops.EXPORT_LIMIT:,} peristiwa cocok; persempit saringan (misalnya "
            "rentang tanggal) lalu unduh lagi.".replace(",", ".")
        )
        return render(form, None, None), 422
    body = spreadsheet.to_csv(CSV_COLUMNS, ops.export_rows(criteria))
    return spreadsheet.attachment(body, f"jejak-audit-{form.bagian.data}.csv")


def render(form: FilterForm, found: ops.Page | None, total: int | None):
    return render_template(
        "audit_trail/index.html",
        form=form,
        page=found,
        total=total,
        count_limit=ops.COUNT_LIMIT,
        groups=labels.GROUPS,
        actors=ops.actors(),
    )

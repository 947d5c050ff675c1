"""The calon-sanksi list (sanksi.py) for staff: filtered by kecamatan and jenis, and as CSV."""

from flask import abort, current_app, render_template, request

from sikomo import spreadsheet
from sikomo.auth.access import STAFF, roles_required
from sikomo.deadlines import report_due, today
from sikomo.extensions import db
from sikomo.indicators import bp, sanksi
from sikomo.indicators.stale import YEARS
from sikomo.indicators.views import chosen_scope, regions
from sikomo.models import Jenis
from sikomo.numbers import page_arg
from sikomo.spreadsheet import columns

CSV_COLUMNS = columns("Nama", "NIK", "Kecamatan", "Desa/Kelurahan", "Jenis",
                      ("Tanggal badan hukum", "date"), ("Laporan terakhir (tahun buku)", "year"))  # fmt: skip


def chosen_tahun_buku() -> int:
    tahun_buku = request.args.get("tahun", type=int)
    if tahun_buku is None:
        return sanksi.latest_overdue()
    if tahun_buku not in YEARS:
        abort(404)
    return tahun_buku


@bp.route("/calon-sanksi")
@roles_required(*STAFF)
def calon_sanksi():
    places = regions()
    tahun_buku, scope = chosen_tahun_buku(), chosen_scope(places)
    page = db.paginate(
        sanksi.candidates(tahun_buku, scope), page=page_arg(request.args),
        per_page=current_app.config["PER_PAGE"], error_out=False,
    )  # fmt: skip
    due = report_due(tahun_buku, None)
    return render_template(
        "indicators/sanksi.html",
        page=page,
        tahun_buku=tahun_buku,
        scope=scope,
        regions=places,
        jenis_list=list(Jenis),
        last=sanksi.last_sent([c.id for c in page.items]),
        due=due,
        overdue=due < today(),
    )


@bp.route("/calon-sanksi.csv")
@roles_required(*STAFF)
def calon_sanksi_csv():
    tahun_buku, scope = chosen_tahun_buku(), chosen_scope()
    coops = db.session.scalars(sanksi.candidates(tahun_buku, scope)).all()
    last = sanksi.last_sent([c.id for c in coops])
    rows = (
        [c.nama, c.nik or "", c.kecamatan, c.desa or "", c.jenis.label, c.tanggal_badan_hukum,
         last.get(c.id)]
        for c in coops
    )  # fmt: skip
    body = spreadsheet.to_csv(CSV_COLUMNS, rows, comma=request.args.get("pemisah") == "koma")
    return spreadsheet.attachment(body, f"calon-sanksi-{tahun_buku}.csv")

from dataclasses import asdict

from flask import (
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from sikomo import progress, spreadsheet
from sikomo.auth.access import MANAGERS, STAFF, cooperative_or_404, roles_required
from sikomo.extensions import db
from sikomo.format import angka
from sikomo.indicators import members, sanksi
from sikomo.indicators.aktif import aktif_ids, is_aktif
from sikomo.indicators.stale import YEARS
from sikomo.models import Jenis, Role
from sikomo.numbers import page_arg
from sikomo.registry import bp, export
from sikomo.registry import operations as ops
from sikomo.registry.forms import CooperativeForm, ImportForm
from sikomo.registry.importer import COLUMNS, RowError, import_cooperatives
from sikomo.registry.values import parse_bool
from sikomo.reports.operations import replaced


def filters_from_args(args) -> ops.Filters:
    jenis = args.get("jenis", "")
    sp = args.get("simpan_pinjam", "")
    return ops.Filters(
        q=args.get("q", "").strip(),
        region_id=args.get("kecamatan", type=int),
        jenis=Jenis(jenis) if jenis in set(Jenis) else None,
        simpan_pinjam=parse_bool(sp) if sp else None,
        status=args.get("status", ""),
        **indicator_args(args),
    )


def indicator_args(args) -> dict:
    """?indikator=aktif&tahun=2026: the cooperatives a dashboard count counts (else nothing)."""
    code, year = args.get("indikator", ""), args.get("tahun", type=int)
    if code not in members.LABELS or year not in YEARS:
        return {}
    return {"indikator": code, "tahun": year}


@bp.route("/")
@roles_required(*STAFF)
def index():
    filters = filters_from_args(request.args)
    page = db.paginate(
        ops.search_query(filters), page=page_arg(request.args),
        per_page=current_app.config["PER_PAGE"], error_out=False,
    )  # fmt: skip
    return render_template(
        "registry/index.html",
        page=page,
        filters=filters,
        regions=ops.regions(),
        jenis_list=list(Jenis),
        aktif=aktif_ids(among=[c.id for c in page.items]),
        indikator=members.LABELS.get(filters.indikator),
    )


@bp.route("/ekspor.<fmt>")
@roles_required(*STAFF)
def export_list(fmt):
    if fmt not in ("csv", "xlsx"):
        return render_template("error.html", code=404, message="Format tidak dikenal."), 404
    coops = db.session.scalars(ops.search_query(filters_from_args(request.args))).all()
    if fmt == "csv":
        body = export.to_csv(coops, comma=request.args.get("pemisah") == "koma")
    else:
        body = export.to_xlsx(coops)
    return spreadsheet.attachment(body, f"koperasi.{fmt}")


@bp.route("/<int:cooperative_id>")
@roles_required(*Role)
def detail(cooperative_id):
    coop = cooperative_or_404(cooperative_id)
    accounts = ops.pengurus_accounts(coop) if current_user.role in MANAGERS else []
    return render_template(
        "registry/detail.html", coop=coop, aktif=is_aktif(coop.id), reports=coop.reports,
        replaced=replaced(coop.reports), accounts=accounts,
        sanksi_tahun=sanksi.latest_overdue(), calon_sanksi=sanksi.is_candidate(coop.id),
    )  # fmt: skip


@bp.route("/baru", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def create():
    form = CooperativeForm()
    if form.validate_on_submit():
        coop = ops.create_cooperative(current_user, form.values())
        flash(f"Koperasi {coop.nama} tersimpan.", "success")
        return redirect(url_for("registry.detail", cooperative_id=coop.id))
    return render_template("registry/form.html", form=form, coop=None)


@bp.route("/<int:cooperative_id>/ubah", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def edit(cooperative_id):
    coop = cooperative_or_404(cooperative_id)
    form = CooperativeForm(obj=coop, cooperative_id=coop.id)
    if request.method == "GET":
        form.jenis.data = coop.jenis.value
    if form.validate_on_submit():
        ops.update_cooperative(current_user, coop, form.values())
        flash("Perubahan tersimpan.", "success")
        return redirect(url_for("registry.detail", cooperative_id=coop.id))
    return render_template("registry/form.html", form=form, coop=coop)


@bp.route("/impor", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def import_file():
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.berkas.data

        def work(tracker) -> progress.Outcome:
            result = import_cooperatives(
                current_user, upload.read(), upload.filename or "", tracker
            )
            if result.ok:
                return progress.Outcome(
                    url_for("registry.index"),
                    f"Impor berhasil: {angka(result.created)} koperasi baru, "
                    f"{angka(result.updated)} diperbarui, {angka(result.unchanged)} tanpa perubahan.",
                )
            return progress.refusal(
                current_user.id,
                {"errors": [asdict(e) for e in result.errors]},
                result.errors,
                "Impor dibatalkan: tidak ada data yang disimpan. Perbaiki kesalahan berikut.",
                "registry.import_file",
            )

        outcome = progress.once(current_user.id, request.form.get(progress.FORM_FIELD), work)
        flash(outcome.message, outcome.category)
        return redirect(outcome.url or url_for("registry.import_file"))
    kept = progress.kept_result(current_user.id, request.args.get("hasil"))
    return render_template(
        "registry/import.html",
        form=form,
        errors=[RowError(**e) for e in kept["errors"]] if kept else None,
        columns=COLUMNS,
        token=progress.new_token(),
    ), (422 if form.errors else 200)


@bp.route("/impor/kemajuan/<token>")
def import_progress(token: str):
    """Polled by the import page while its upload is checked and written (any worker)."""
    return progress.answer(token)

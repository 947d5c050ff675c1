from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import SelectChoice

from sikomo import lateness, progress, spreadsheet
from sikomo.auth.access import MANAGERS, STAFF, roles_required
from sikomo.deadlines import rat_deadline, report_due
from sikomo.extensions import db
from sikomo.indicators import bp, export, members
from sikomo.indicators import operations as ops
from sikomo.indicators.audit import audit_year
from sikomo.indicators.compliance import Scope
from sikomo.indicators.forms import (
    DefinitionForm,
    PdrbForm,
    PublishedForm,
    SettingsForm,
    TargetForm,
)
from sikomo.indicators.serialize import plain
from sikomo.indicators.series import shown
from sikomo.indicators.stale import YEARS
from sikomo.models import IndicatorDefinition, IndicatorDirection, Jenis, Pdrb, Region, Target
from sikomo.settings import get_setting

TABLES = ("indikator", "kecamatan", "jenis", "kepatuhan")
# Pages of every blueprint show how late a report came (the review page, the register, the
# pengurus's dashboard), by the rule of the tepat-waktu indicator.
bp.add_app_template_global(lateness.of_report, "deadline_of")
bp.add_app_template_global(lateness.of_reports, "deadlines_of")


def chosen_year(years: list[int] | None = None) -> int:
    years = ops.available_years() if years is None else years
    default = years[-1] if years else date.today().year
    year = request.args.get("tahun", default, type=int)
    if year not in YEARS:
        abort(404)
    return year


def regions() -> list[Region]:
    return list(db.session.scalars(db.select(Region).order_by(Region.kecamatan)))


def chosen_scope(known: list[Region] | None = None) -> Scope:
    """The dashboard's kecamatan and jenis filters; what is not a kecamatan or jenis is all."""
    region = request.args.get("kecamatan", type=int)
    if region not in {r.id for r in (regions() if known is None else known)}:
        region = None
    jenis = request.args.get("jenis", "")
    return Scope(region, Jenis(jenis) if jenis in set(Jenis) else None)


@bp.route("/")
@roles_required(*STAFF)
def dashboard():
    places = regions()
    years, scope = ops.available_years(), chosen_scope(places)
    year = chosen_year(years)
    held = shown(year)
    rows, totals = held.rows(scope), held.totals_in(scope)
    kecamatan = ops.breakdown(rows, "kecamatan", only=scope.region_id)
    trends = ops.trends(years, given={year: totals}, scope=scope)
    return render_template(
        "indicators/dashboard.html",
        chart_data=chart_data(kecamatan, trends, years),
        year=year,
        years=years,
        scope=scope,
        regions=places,
        jenis_list=list(Jenis),
        report=ops.indicator_report(year, None, rows, years),
        reaches=ops.reach(year, years),
        listed=members.LABELS,
        kecamatan=kecamatan,
        jenis=ops.breakdown(rows, "jenis", only=scope.jenis),
        totals=totals,
        trends=trends,
        compliance=held.compliance(scope),
        window=get_setting("aktif_window"),
        batas_rat=rat_deadline(year - 1),
        batas_lapor=report_due(year - 1, None),
        batas_hari=get_setting("batas_lapor_hari"),
    )


def chart_data(kecamatan: list[dict], trends: dict, years: list[int]) -> dict:
    def series(code, key):
        return [plain(p[key]) for p in trends.get(code, [])]

    return {
        "kecamatan": [row["name"] for row in kecamatan],
        "aktif": [row["aktif"] for row in kecamatan],
        "tidak_aktif": [row["binaan"] - row["aktif"] for row in kecamatan],
        "berkualitas": [row["berkualitas"] for row in kecamatan],
        "years": years,
        "iku": series("sehat_berkualitas_pct", "value"),
        "iku_target": series("sehat_berkualitas_pct", "target"),
        "aktif_pct": series("aktif_pct", "value"),
    }


def table_rows(name: str, year: int, scope: Scope):
    if name == "kepatuhan":
        return export.compliance_rows(ops.compliance(year, scope))
    rows = shown(year).rows(scope)
    if name == "indikator":
        return export.indicator_rows(ops.indicator_report(year, None, rows))
    only = scope.region_id if name == "kecamatan" else scope.jenis
    return export.count_rows(ops.breakdown(rows, name, only=only), name)


@bp.route("/ekspor/<name>.<fmt>")
@roles_required(*STAFF)
def export_table(name, fmt):
    if name not in TABLES or fmt not in ("csv", "xlsx"):
        abort(404)
    year = chosen_year()
    cols, rows = table_rows(name, year, chosen_scope())
    if fmt == "csv":
        body = spreadsheet.to_csv(cols, rows, comma=request.args.get("pemisah") == "koma")
    else:
        body = spreadsheet.to_xlsx(cols, rows, name.capitalize())
    return spreadsheet.attachment(body, f"indikator-{name}-{year}.{fmt}")


@bp.route("/lkjip.xlsx")
@roles_required(*STAFF)
def lkjip():
    year, scope = chosen_year(), chosen_scope()
    rows = shown(year).rows(scope)
    body = export.lkjip_workbook(
        ops.indicator_report(year, None, rows),
        ops.breakdown(rows, "kecamatan", only=scope.region_id),
    )
    return spreadsheet.attachment(body, f"lkjip-koperasi-{year}.xlsx")


@bp.route("/audit", methods=["GET", "POST"])
@roles_required(*STAFF)
def audit():
    year = chosen_year()
    form = PublishedForm()
    if form.validate_on_submit():  # post/redirect/get: the compared table is kept for the answer
        published = form.berkas.data.read().decode("utf-8-sig", errors="replace")
        kept = progress.keep_result(current_user.id, {"published": published})
        if kept is not None:
            return redirect(url_for("indicators.audit", tahun=year, hasil=kept))
    else:
        published = (progress.kept_result(current_user.id, request.args.get("hasil")) or {}).get(
            "published"
        )
    return render_template(
        "indicators/audit.html", year=year, form=form, result=audit_year(year, published)
    ), (422 if form.errors else 200)


@bp.route("/pengaturan", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def settings():
    defs = ops.definitions()
    settings_form = SettingsForm(
        prefix="s",
        aktif_window=get_setting("aktif_window"),
        berkualitas_criterion=get_setting("berkualitas_criterion"),
    )
    target_form, pdrb_form = TargetForm(prefix="t"), PdrbForm(prefix="p")
    target_form.code.choices = [SelectChoice(d.code, d.nama) for d in defs]
    target_form.percent_codes = frozenset(d.code for d in defs if d.satuan.strip() == "%")
    if "s-aktif_window" in request.form and settings_form.validate_on_submit():
        ops.change_settings(current_user, {"aktif_window": settings_form.aktif_window.data,
                                           "berkualitas_criterion": settings_form.berkualitas_criterion.data})  # fmt: skip
        flash("Pengaturan tersimpan.", "success")
        return redirect(url_for("indicators.settings"))
    if "t-tahun" in request.form and target_form.validate_on_submit():
        ops.set_target(current_user, target_form.code.data, target_form.tahun.data,
                       target_form.nilai.data)  # fmt: skip
        flash("Target tersimpan.", "success")
        return redirect(url_for("indicators.settings"))
    if "p-tahun" in request.form and pdrb_form.validate_on_submit():
        ops.set_pdrb(current_user, pdrb_form.tahun.data, pdrb_form.nilai.data)
        flash("PDRB tersimpan.", "success")
        return redirect(url_for("indicators.settings"))
    return render_template(
        "indicators/settings.html",
        settings_form=settings_form,
        target_form=target_form,
        pdrb_form=pdrb_form,
        definitions=defs,
        names={d.code: d.nama for d in defs},
        targets=db.session.scalars(
            db.select(Target).order_by(Target.tahun.desc(), Target.indicator_code)
        ).all(),
        pdrb=db.session.scalars(db.select(Pdrb).order_by(Pdrb.tahun.desc())).all(),
    )


@bp.route("/definisi/<code>", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def definition(code):
    item = next((d for d in ops.definitions() if d.code == code), None)
    if item is None:
        abort(404)
    form = DefinitionForm(obj=db.session.get(IndicatorDefinition, code) or item)
    if request.method == "GET":
        form.arah.data = IndicatorDirection(item.arah).value
    if form.validate_on_submit():
        values = {
            f: getattr(form, f).data for f in ("nama", "pembilang", "penyebut", "satuan", "sumber")
        }
        values["arah"] = IndicatorDirection(form.arah.data)
        ops.update_definition(current_user, code, values)
        flash("Definisi indikator tersimpan.", "success")
        return redirect(url_for("indicators.settings"))
    return render_template("indicators/definition.html", form=form, item=item)

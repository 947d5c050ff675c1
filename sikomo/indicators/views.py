from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import SelectChoice

from sikomo import progress, spreadsheet
from sikomo.auth.access import MANAGERS, STAFF, roles_required
from sikomo.extensions import db
from sikomo.indicators import bp, export
from sikomo.indicators import operations as ops
from sikomo.indicators.audit import audit_year
from sikomo.indicators.forms import (
    DefinitionForm,
    PdrbForm,
    PublishedForm,
    SettingsForm,
    TargetForm,
)
from sikomo.indicators.serialize import plain
from sikomo.indicators.series import count_rows, shown
from sikomo.indicators.stale import YEARS
from sikomo.models import IndicatorDefinition, IndicatorDirection, Pdrb, Target
from sikomo.settings import get_setting

TABLES = ("indikator", "kecamatan", "jenis", "kepatuhan")


def chosen_year(years: list[int] | None = None) -> int:
    years = ops.available_years() if years is None else years
    default = years[-1] if years else date.today().year
    year = request.args.get("tahun", default, type=int)
    if year not in YEARS:
        abort(404)
    return year


@bp.route("/")
@roles_required(*STAFF)
def dashboard():
    years = ops.available_years()
    year = chosen_year(years)
    held = shown(year)
    rows = held.rows()
    kecamatan = ops.breakdown(rows, "kecamatan")
    trends = ops.trends(years, given={year: held.totals})
    return render_template(
        "indicators/dashboard.html",
        chart_data=chart_data(kecamatan, trends, years),
        year=year,
        years=years,
        report=ops.indicator_report(year, None, rows),
        kecamatan=kecamatan,
        jenis=ops.breakdown(rows, "jenis"),
        totals=held.totals,
        trends=trends,
        compliance=held.compliance(),
        window=get_setting("aktif_window"),
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


def table_rows(name: str, year: int):
    if name == "kepatuhan":
        return export.compliance_rows(ops.compliance(year))
    rows = count_rows(year)
    if name == "indikator":
        return export.indicator_rows(ops.indicator_report(year, None, rows))
    return export.count_rows(ops.breakdown(rows, name), name)


@bp.route("/ekspor/<name>.<fmt>")
@roles_required(*STAFF)
def export_table(name, fmt):
    if name not in TABLES or fmt not in ("csv", "xlsx"):
        abort(404)
    year = chosen_year()
    cols, rows = table_rows(name, year)
    if fmt == "csv":
        body = spreadsheet.to_csv(cols, rows, comma=request.args.get("pemisah") == "koma")
    else:
        body = spreadsheet.to_xlsx(cols, rows, name.capitalize())
    return spreadsheet.attachment(body, f"indikator-{name}-{year}.{fmt}")


@bp.route("/lkjip.xlsx")
@roles_required(*STAFF)
def lkjip():
    year = chosen_year()
    rows = count_rows(year)
    body = export.lkjip_workbook(
        ops.indicator_report(year, None, rows), ops.breakdown(rows, "kecamatan")
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

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from sikomo.auth.access import (
    MANAGERS,
    STAFF,
    can_see_cooperative,
    cooperative_or_404,
    roles_required,
)
from sikomo.extensions import db
from sikomo.letters import bp, document, public_bp, register, text
from sikomo.letters import operations as ops
from sikomo.letters.forms import LetterForm, NumberFormatForm, TemplateForm
from sikomo.links import site_root
from sikomo.models import Assessment, Role, User
from sikomo.models.letters import Letter, LetterKind
from sikomo.numbers import page_arg
from sikomo.registry.operations import regions
from sikomo.spreadsheet import attachment

PER_PAGE = 25

bp.add_app_template_global(register.letters_of, "letters_of")
bp.add_app_template_global(ops.kinds_for, "letter_kinds_for")
bp.add_app_template_global(LetterKind, "LetterKind")


@bp.route("/")
@roles_required(*STAFF)
def index():
    f = register.filters_from(request.args)
    page = db.paginate(register.district_query(f), page=page_arg(request.args),
                       per_page=PER_PAGE, error_out=False)  # fmt: skip
    return render_template("letters/index.html", page=page, f=f, regions=regions(),
                           years=register.years(), kinds=list(LetterKind))  # fmt: skip


@bp.route("/ekspor.csv")
@roles_required(*STAFF)
def export():
    return attachment(register.csv_rows(register.filters_from(request.args)), "surat.csv")


@bp.route("/templat")
@roles_required(*MANAGERS)
def templates():
    form = NumberFormatForm(pattern=ops.number_format())
    return render_overview(form)


def render_overview(form: NumberFormatForm, status: int = 200):
    rows = [(kind, ops.current_template(kind)) for kind in LetterKind]
    return render_template("letters/templates.html", rows=rows, form=form,
                           example=example_number()), status  # fmt: skip


def example_number() -> str:
    return text.number(ops.number_format(), 7, ops.today())


@bp.route("/templat/nomor", methods=["POST"])
@roles_required(*MANAGERS)
def number_format():
    form = NumberFormatForm()
    if not form.validate_on_submit():
        flash("Format nomor belum disimpan; periksa isian yang ditandai.", "error")
        return render_overview(form, 422)
    changed = ops.set_number_format(current_user, form.pattern.data)
    flash("Format nomor surat tersimpan." if changed else "Tidak ada perubahan.", "success")
    return redirect(url_for("letters.templates"))


def kind_or_404(value: str) -> LetterKind:
    if value not in set(LetterKind):
        abort(404)
    return LetterKind(value)


@bp.route("/templat/<kind>", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def edit_template(kind):
    kind = kind_or_404(kind)
    current = ops.current_template(kind)
    form = TemplateForm(obj=current)
    if request.method == "POST":
        if not form.validate_on_submit():
            flash("Templat belum disimpan; periksa isian yang ditandai.", "error")
            return render_edit(kind, form, 422)
        row = ops.save_template(current_user, kind, form.subject.data, form.body.data)
        flash(f"Templat tersimpan sebagai versi {row.version}." if row else
              "Tidak ada perubahan.", "success")  # fmt: skip
        return redirect(url_for("letters.edit_template", kind=kind.value))
    return render_edit(kind, form)


def render_edit(kind: LetterKind, form: TemplateForm, status: int = 200):
    return render_template("letters/template_form.html", kind=kind, form=form,
                           versions=ops.versions(kind), placeholders=text.PLACEHOLDERS), status  # fmt: skip


@bp.route("/baru/<int:cooperative_id>", methods=["GET", "POST"])
@roles_required(*STAFF)
def new(cooperative_id):
    coop = cooperative_or_404(cooperative_id)
    kinds = ops.kinds_for(coop.id)
    form = letter_form(kinds)
    if request.method == "GET":
        form.jenis.data = (
            request.args.get("jenis") if request.args.get("jenis") in kinds else kinds[0].value
        )
        form.penilaian.data = request.args.get("penilaian", "")[:12]
        return render_new(coop, form)
    if not form.validate_on_submit():
        return render_new(coop, form, status=422)
    making = request.form.get("aksi") == "buat"
    template_id = int(form.template_id.data) if making and form.template_id.data.isdigit() else None
    try:
        d = ops.draft(LetterKind(form.jenis.data), coop, db.session.get(User, int(form.penandatangan.data)),
                      assessment_of(form.penilaian.data), form.batas_waktu.data,
                      form.keterangan.data or "", template_id)  # fmt: skip
    except ops.LetterError as exc:
        flash(str(exc), "error")
        return render_new(coop, form, status=422)
    if not making:
        form.template_id.data = str(d.template.id)
        return render_new(coop, form, preview=d)
    letter = ops.make(current_user, d)
    flash(f"Surat {letter.number} dibuat.", "success")
    return redirect(url_for("letters.show", letter_id=letter.id))


def letter_form(kinds: list[LetterKind]) -> LetterForm:
    form = LetterForm()
    form.jenis.choices = [(k.value, k.label) for k in kinds]
    people = ops.signers()
    form.penandatangan.choices = [
        (str(u.id), f"{u.name} – {u.jabatan or u.role.label}") for u in people
    ]
    if request.method == "GET":
        form.penandatangan.data = str(current_user.id)
    return form


def assessment_of(value: str) -> Assessment | None:
    return (
        db.session.get(Assessment, int(value))
        if value and value.isdigit() and len(value) < 10
        else None
    )


def render_new(coop, form: LetterForm, preview: ops.Draft | None = None, status: int = 200):
    page = None
    if preview is not None:
        subject, body = ops.preview(preview)
        page = document.preview_page(
            ops.NOT_YET_NUMBERED, ops.today(), subject, body, preview.signer
        )
    return render_template("letters/new.html", coop=coop, form=form, preview=page,
                           draft=preview), status  # fmt: skip


def letter_or_404(letter_id: int) -> Letter:
    letter = db.session.get(Letter, letter_id)
    if letter is None or not can_see_cooperative(current_user, letter.cooperative_id):
        abort(404)
    return letter


@bp.route("/<int:letter_id>")
@roles_required(*Role)
def show(letter_id):
    letter = letter_or_404(letter_id)
    return render_template("letters/show.html", letter=letter,
                           page=document.page_of(letter, site_root()))  # fmt: skip


@bp.route("/<int:letter_id>.pdf")
@roles_required(*Role)
def pdf(letter_id):
    letter = letter_or_404(letter_id)
    name = letter.number.replace("/", "-")
    headers = {"Content-Disposition": f'attachment; filename="surat-{name}.pdf"',
               "Cache-Control": "no-store"}  # fmt: skip
    body = document.pdf(document.page_of(letter, site_root()))
    return Response(body, mimetype="application/pdf", headers=headers)


@bp.route("/koperasi/<int:cooperative_id>")
@roles_required(*Role)
def cooperative(cooperative_id):
    coop = cooperative_or_404(cooperative_id)
    return render_template("letters/register.html", coop=coop, letters=register.letters_of(coop.id))


@public_bp.route("")
def verify():
    """Anyone may ask whether a letter number was issued: its date, cooperative, kind, hash."""
    number = request.args.get("nomor", "")
    letter = register.by_number(number)
    shown = " ".join(number.split())[:64]
    status = 404 if shown and letter is None else 200
    return render_template("letters/verify.html", nomor=shown, letter=letter), status

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from sikomo.auth.access import MANAGERS, roles_required
from sikomo.extensions import db
from sikomo.models import Cooperative, Role, User
from sikomo.numbers import page_arg
from sikomo.users import bp, links
from sikomo.users import operations as ops
from sikomo.users.forms import FilterForm, UserForm


def user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or not ops.may_manage(current_user, user):
        abort(404)
    return user


@bp.route("/")
@roles_required(*MANAGERS)
def index():
    filters = FilterForm(request.args)
    filters.validate()
    query = ops.listing_query(current_user, filters.q.data or "", filters.peran.data or "",
                              filters.status.data or "")  # fmt: skip
    page = db.paginate(query, page=page_arg(request.args), per_page=current_app.config["PER_PAGE"],
                       error_out=False, count=True)  # fmt: skip
    return render_template("users/index.html", page=page, filters=filters,
                           has_password=ops.has_password,
                           last_logins=ops.last_logins(page.items))  # fmt: skip


def cooperative_arg(text: str | None) -> Cooperative | None:
    return (
        db.session.get(Cooperative, int(text))
        if text and text.isdigit() and len(text) < 10
        else None
    )


def cooperative_choice(form: UserForm) -> tuple[int | None, list[Cooperative]]:
    """The cooperative the form names (its chosen id, or the one NIK or name it matches); the
    candidates to choose from otherwise. Sets the field's error when none or several match."""
    if form.role.data != Role.PENGURUS.value:
        return None, []
    picked = cooperative_arg(request.form.get("pilih_koperasi"))  # a candidate chosen below
    if picked is not None:
        return picked.id, [picked]
    kept = cooperative_arg(form.koperasi_id.data)  # the one shown, unless another name is typed
    if kept is not None and form.koperasi.data in (kept.nama, kept.nik):
        return kept.id, [kept]
    match = ops.match_cooperative(form.koperasi.data or "")
    if match.cooperative is not None:
        return match.cooperative.id, [match.cooperative]
    if not (form.koperasi.data or "").strip():
        form.koperasi.errors = ["Pengurus wajib terikat pada satu koperasi: ketik nama atau NIK."]
    elif not match.candidates:
        form.koperasi.errors = ["Tidak ada koperasi dengan nama atau NIK itu."]
    elif len(match.candidates) > ops.CANDIDATES:
        form.koperasi.errors = [f"Lebih dari {ops.CANDIDATES} koperasi cocok; ketik nama lebih "
                                "lengkap atau NIK-nya, atau pilih di bawah."]  # fmt: skip
    else:
        form.koperasi.errors = [f"{len(match.candidates)} koperasi cocok; pilih satu di bawah."]
    return None, match.candidates[: ops.CANDIDATES]


def refused(form: UserForm, exc: ops.UserRefused) -> None:
    field = {"koperasi": form.koperasi, "role": form.role, "email": form.email}.get(exc.field)
    if field is not None:
        field.errors = [*field.errors, str(exc)]
    else:
        flash(str(exc), "error")


@bp.route("/baru", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def create():
    form = UserForm(roles=ops.manageable_roles(current_user))
    candidates: list[Cooperative] = []
    if request.method == "GET" and (role := request.args.get("peran")) in set(Role):
        form.role.data = role
    if request.method == "GET" and (coop := cooperative_arg(request.args.get("koperasi_id"))):
        form.koperasi.data, form.koperasi_id.data = coop.nama, str(coop.id)
    if request.method == "POST" and form.validate_on_submit():
        cooperative_id, candidates = cooperative_choice(form)
        if not form.koperasi.errors:
            try:
                user, issued = ops.create(current_user, form.values(cooperative_id))
            except ops.UserRefused as exc:
                db.session.rollback()
                refused(form, exc)
            else:
                return render_template("users/link.html", user=user, issued=issued,
                                       link=issued.url, created=True)  # fmt: skip
    status = 422 if request.method == "POST" else 200
    return render_template("users/form.html", form=form, user=None, candidates=candidates), status


@bp.route("/<int:user_id>", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def edit(user_id):
    user = user_or_404(user_id)
    form = UserForm(obj=user if request.method == "GET" else None,
                    roles=ops.manageable_roles(current_user))  # fmt: skip
    candidates: list[Cooperative] = []
    if request.method == "GET":
        form.role.data = user.role.value
        form.koperasi.data = user.cooperative.nama if user.cooperative else ""
        form.koperasi_id.data = str(user.cooperative_id or "")
    if request.method == "POST" and form.validate_on_submit():
        cooperative_id, candidates = cooperative_choice(form)
        if not form.koperasi.errors:
            try:
                changed = ops.edit(current_user, user, form.values(cooperative_id))
            except ops.UserRefused as exc:
                db.session.rollback()
                refused(form, exc)
            else:
                flash("Akun tersimpan." if changed else "Tidak ada perubahan.", "success")
                return redirect(url_for("users.edit", user_id=user.id))
    status = 422 if request.method == "POST" else 200
    return render_template("users/form.html", form=form, user=user, candidates=candidates,
                           history=links.history(user), has_password=ops.has_password(user),
                           ), status  # fmt: skip


@bp.route("/<int:user_id>/status", methods=["POST"])
@roles_required(*MANAGERS)
def set_active(user_id):
    user = user_or_404(user_id)
    active = request.form.get("aktif") == "ya"
    try:
        changed = ops.set_active(current_user, user, active)
    except ops.UserRefused as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        if changed:
            flash("Akun diaktifkan kembali." if active
                  else "Akun dinonaktifkan; semua sesinya berakhir.", "success")  # fmt: skip
    return redirect(url_for("users.edit", user_id=user.id))


@bp.route("/<int:user_id>/tautan", methods=["POST"])
@roles_required(*MANAGERS)
def send_link(user_id):
    """A fresh invitation or reset link: e-mailed, and shown once here to pass on by hand."""
    user = user_or_404(user_id)
    try:
        issued = ops.send_password_link(current_user, user)
    except ops.UserRefused as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("users.edit", user_id=user.id))
    return render_template("users/link.html", user=user, issued=issued,
                           link=issued.url, created=False)  # fmt: skip

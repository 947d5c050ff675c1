from urllib.parse import urlencode

from flask import abort, redirect, render_template, request, url_for

from sikomo.extensions import db
from sikomo.indicators.aktif import aktif_ids, is_aktif
from sikomo.models import Cooperative, Jenis
from sikomo.numbers import page_arg
from sikomo.public import bp
from sikomo.public import operations as ops
from sikomo.registry.operations import regions

PER_PAGE = 20


@bp.route("/")
def search():
    q = request.args.get("q", "")
    kecamatan = request.args.get("kecamatan", "")
    jenis = request.args.get("jenis", "")
    page = db.paginate(
        ops.search_query(q, kecamatan, jenis), page=page_arg(request.args), per_page=PER_PAGE,
        error_out=False, max_per_page=50,
    )  # fmt: skip
    return render_template(
        "public/search.html",
        q=q,
        kecamatan=kecamatan,
        jenis=jenis,
        page=page,
        rows=ops.profiles(list(page.items), aktif_ids(among=[c.id for c in page.items])),
        regions=regions(),
        jenis_list=list(Jenis),
    )


@bp.route("/koperasi/<nik>")
def cooperative(nik):
    coop = ops.by_nik(nik) or abort(404)
    return show(coop)


@bp.route("/koperasi/id/<int:cooperative_id>")
def cooperative_by_id(cooperative_id):
    """Cooperatives without a NIK are reached by their id."""
    coop = db.session.get(Cooperative, cooperative_id) or abort(404)
    return show(coop)


@bp.route("/sertifikat")
def certificate():
    """A certificate number typed by anyone: its cooperative's page, which checks it."""
    number = request.args.get("nomor", "").strip().upper()[:40]
    owner = ops.certificate_owner(number) if number else None
    if owner is None:
        return render_template("public/certificate_lookup.html", nomor=number,
                               found=False), (404 if number else 200)  # fmt: skip
    page = (url_for("public.cooperative", nik=owner.nik) if owner.nik
            else url_for("public.cooperative_by_id", cooperative_id=owner.id))  # fmt: skip
    return redirect(f"{page}?{urlencode({'sertifikat': number})}")


def show(coop: Cooperative):
    latest = ops.latest_decided([coop.id]).get(coop.id)
    number = request.args.get("sertifikat", "").strip()
    return render_template(
        "public/cooperative.html",
        coop=ops.profile(coop, is_aktif(coop.id), latest),
        check=ops.check_certificate(coop, number) if number else None,
    )

from flask import abort, render_template, request

from sikomo.extensions import db
from sikomo.indicators.aktif import aktif_ids, is_aktif
from sikomo.models import Cooperative, Jenis
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
        ops.search_query(q, kecamatan, jenis), per_page=PER_PAGE, error_out=False, max_per_page=50
    )
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


def show(coop: Cooperative):
    latest = ops.latest_decided([coop.id]).get(coop.id)
    number = request.args.get("sertifikat", "").strip()
    return render_template(
        "public/cooperative.html",
        coop=ops.profile(coop, is_aktif(coop.id), latest),
        check=ops.check_certificate(coop, number) if number else None,
    )

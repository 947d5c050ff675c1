"""GET /api/v1/koperasi and /api/v1/koperasi/<nik>: the public fields of cooperatives."""

from flask import jsonify, request

from sikomo.api import ApiError, bp
from sikomo.extensions import db
from sikomo.indicators.aktif import aktif_ids, is_aktif
from sikomo.public import operations as public

MAX_PER_PAGE = 100


def positive_arg(name: str, default: int, maximum: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= maximum:
        raise ApiError(400, (name, f"Harus bilangan bulat 1–{maximum}."))
    return int(raw)


@bp.get("/koperasi")
def cooperatives():
    page = positive_arg("page", 1, 100_000)
    per_page = positive_arg("per_page", 50, MAX_PER_PAGE)
    query = public.search_query(
        request.args.get("q", ""), request.args.get("kecamatan", ""), request.args.get("jenis", "")
    )
    found = db.paginate(query, page=page, per_page=per_page, error_out=False, count=True)
    items = public.profiles(list(found.items), aktif_ids(among=[c.id for c in found.items]))
    return jsonify(
        {
            "items": [c.to_json() for c in items],
            "page": page,
            "per_page": per_page,
            "total": found.total,
        }  # fmt: skip
    )


@bp.get("/koperasi/<nik>")
def cooperative(nik):
    coop = public.by_nik(nik)
    if coop is None:
        raise ApiError(404, ("nik", "Koperasi dengan NIK ini tidak ditemukan."))
    latest = public.latest_decided([coop.id]).get(coop.id)
    return jsonify(public.profile(coop, is_aktif(coop.id), latest).to_json())

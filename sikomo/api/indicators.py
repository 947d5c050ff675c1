"""GET /api/v1/indicators: the Dinas indicators of one year, public like the LKjIP itself."""

from flask import Response, request

from sikomo.api import bp, errors
from sikomo.indicators.operations import BY_CHOICES, indicator_report
from sikomo.indicators.serialize import to_json

MIN_YEAR, MAX_YEAR = 2000, 2100


def parse_year(raw: str | None) -> int | None:
    if raw is None or not raw.strip().isdigit():
        return None
    year = int(raw)
    return year if MIN_YEAR <= year <= MAX_YEAR else None


@bp.get("/indicators")
def indicators():
    year = parse_year(request.args.get("year"))
    by = request.args.get("by") or None
    problems = []
    if year is None:
        problems.append(("year", f"Tahun wajib diisi sebagai angka {MIN_YEAR}–{MAX_YEAR}."))
    if by is not None and by not in BY_CHOICES:
        problems.append(("by", "Rincian harus 'kecamatan' atau 'jenis'."))
    if problems:
        return errors(400, *problems)
    return Response(to_json(indicator_report(year, by)), mimetype="application/json")

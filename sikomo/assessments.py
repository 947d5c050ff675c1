"""Run the scoring engine on stored reports and keep its result beside the pengawas's decision."""

from decimal import Decimal
from typing import Any

import scoring
from scoring.schema import KUESIONER, fields
from sikomo import prior_year
from sikomo.models import Assessment, AssessmentStatus, Cooperative, Jenis, Method, Predikat, Report
from sikomo.prior_year import LOOK_UP, SOURCES


def is_health_scored(cooperative: Cooperative) -> bool:
    """KSP and USP are health-scored; so is any cooperative that runs a savings-and-loan unit."""
    return cooperative.simpan_pinjam or cooperative.jenis in (Jenis.KSP, Jenis.USP)


def scoring_jenis(cooperative: Cooperative) -> str:
    """The engine's jenis: a multi-purpose cooperative is scored on its USP."""
    if cooperative.jenis in (Jenis.KSP, Jenis.USP):
        return cooperative.jenis.value
    return Jenis.USP.value if cooperative.simpan_pinjam else cooperative.jenis.value


def engine_input(report: Report, data: dict[str, Any] | None = None) -> dict[str, Any]:
    """The report's data as the engine reads it: schema keys and answers only, never a default 0."""
    known = fields()
    source = report.data if data is None else data
    clean = {k: v for k, v in source.items() if k in known and v is not None}
    clean[KUESIONER] = {k: v for k, v in (source.get(KUESIONER) or {}).items() if v is not None}
    clean["tahun_buku"] = report.tahun_buku
    clean["jenis"] = scoring_jenis(report.cooperative)
    clean.pop("cooperative_id", None)
    return clean


def with_prior_year(
    report: Report, values: dict[str, Any], data: dict[str, Any] | None = None, previous=LOOK_UP
):
    """Blank prior-year figures from last tahun buku's report (D20), and where each came from.

    `previous` is that report (or None) when the caller fetched many at once.
    """
    stored = dict(((report.data if data is None else data) or {}).get(SOURCES) or {})
    filled, found = prior_year.fill_from_previous(
        values, report.cooperative_id, report.tahun_buku, previous=previous
    )
    return filled, {k: v for k, v in (stored | found).items() if k in filled}


def run_engine(
    report: Report,
    data: dict[str, Any] | None = None,
    not_applicable: dict[str, str] | None = None,
    previous=LOOK_UP,
) -> scoring.Assessment:
    """The engine's result on the report (or on `data`), with the pengawas's confirmations."""
    values, sources = with_prior_year(report, engine_input(report, data), data, previous)
    return scoring.assess(values, not_applicable=not_applicable, sources=sources)


def new_assessment(
    report: Report,
    result: scoring.Assessment,
    status: AssessmentStatus = AssessmentStatus.PROVISIONAL,
) -> Assessment:
    """An Assessment row holding the engine's full explained result (not yet added to a session)."""
    predikat = Predikat(result.predikat) if result.predikat else None
    return Assessment(
        report=report,
        method=Method(result.method),
        ruleset_id=result.ruleset_id,
        ruleset_version=result.ruleset_version,
        ruleset_hash=result.ruleset_hash,
        result=result.to_dict(),
        total_score=Decimal(str(result.total)) if result.total is not None else None,
        predikat=predikat,
        engine_predikat=predikat,
        status=status,
    )

"""One cooperative's profile: every tahun buku, its ratios over the years against the band edges
and its peers, the latest decision and its early-warning flags."""

import math
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from sikomo.extensions import db
from sikomo.format import persen
from sikomo.models import Assessment, Cooperative, Region, Report
from sikomo.supervision import frame
from sikomo.supervision.config import Config, Ratio, config
from sikomo.supervision.frame import DECIDED
from sikomo.supervision.operations import HISTORY, Warnings, default_year, year_data
from sikomo.supervision.peers import peer_table
from sikomo.supervision.ratios import size_class
from sikomo.supervision.rules import evaluate


@dataclass
class Year:
    tahun_buku: int
    versions: list[Report]
    assessment: Assessment | None = None  # the latest decided one
    certificates: list[Assessment] = field(default_factory=list)


@dataclass(frozen=True)
class RatioView:
    ratio: Ratio
    values: list[float | None]  # per year of `Profile.years` (oldest first)
    latest: float | None
    peer_text: str


def years_of(coop: Cooperative) -> list[Year]:
    """Every tahun buku with its versions (newest first) and decided assessments, one query for
    the assessments."""
    by_year: dict[int, Year] = {}
    for report in coop.reports:
        by_year.setdefault(report.tahun_buku, Year(report.tahun_buku, [])).versions.append(report)
    query = (
        select(Assessment).join(Assessment.report)
        .where(Report.cooperative_id == coop.id, Assessment.status.in_(DECIDED))
        .options(joinedload(Assessment.decided_by), joinedload(Assessment.report))
        .order_by(Assessment.id)
    )  # fmt: skip
    for assessment in db.session.scalars(query):
        year = by_year.get(assessment.report.tahun_buku)
        if year is None:
            continue
        year.assessment = assessment
        if assessment.certificate_number:
            year.certificates.append(assessment)
    return sorted(by_year.values(), key=lambda y: -y.tahun_buku)


def latest_decision(years: list[Year]) -> Assessment | None:
    decided = [y.assessment for y in years if y.assessment is not None]
    return max(decided, key=lambda a: a.id) if decided else None


def peer_ids(cfg: Config, coop: Cooperative, year: int, total_aset: float) -> list[int]:
    """The cooperatives of the same jenis, kabupaten and size class in the tahun buku."""
    sizes = [s.lower for s in cfg.sizes]
    at = max(0, int(np.searchsorted(sizes[1:], total_aset, side="right")))
    query = (
        select(Report.cooperative_id)
        .join(Cooperative, Cooperative.id == Report.cooperative_id)
        .join(Region, Region.id == Cooperative.region_id)
        .where(Report.counted_latest.is_(True), Report.tahun_buku == year,
               Cooperative.jenis == coop.jenis, Region.kabupaten == coop.region.kabupaten)
    )  # fmt: skip
    if at > 0:
        query = query.where(Report.total_aset >= sizes[at])
    if at + 1 < len(sizes):
        query = query.where(Report.total_aset < sizes[at + 1])
    return sorted(set(db.session.scalars(query)) | {coop.id})


def peer_texts(cfg: Config, coop: Cooperative, year: int, total_aset: float | None) -> dict:
    """{ratio code: 'Persentil 72 dari 14 koperasi sebanding (median 25,10 %)' or why none}."""
    if total_aset is None or math.isnan(total_aset):
        return {}
    ids = peer_ids(cfg, coop, year, total_aset)
    data = year_data(cfg, year, frame.register(ids), frame.counted(cfg, year, year - 1, ids),
                     frame.versions(year, ids=ids))  # fmt: skip
    values = {code: c.value[0] for code, c in data.ratios.items()}
    table = peer_table(cfg, data.register, values, data.items["total_aset"][0])
    mine = table[table["cooperative_id"] == coop.id].set_index("rasio")
    group = size_class(cfg, np.array([total_aset]))[0]
    label = next(s.label for s in cfg.sizes if s.code == group)
    texts = {}
    for code, row in mine.iterrows():
        median = f"median {persen(row['median'])}"
        if math.isnan(row["persentil"]):
            texts[code] = (f"Kelompok sebanding ({label}) hanya {int(row['jumlah'])} koperasi, "
                           f"kurang dari {cfg.min_peers}: persentil tidak dihitung ({median}).")  # fmt: skip
        else:
            texts[code] = (f"Persentil {round(row['persentil'])}: lebih baik daripada "
                           f"{round(row['persentil'])} % dari {int(row['jumlah']) - 1} koperasi "
                           f"sebanding lainnya ({label}); {median}.")  # fmt: skip
    return texts


def chart_data(views: list[RatioView], years: list[int]) -> list[dict]:
    """What static/js/profile.js draws: one small chart per ratio, its band edges as lines."""
    out = []
    for view in views:
        bands = view.ratio.bands
        out.append({
            "kode": view.ratio.code, "label": view.ratio.label, "tahun": years,
            "nilai": view.values,
            "batas": [b.lower for b in bands.bands[1:]] if bands else [],
        })  # fmt: skip
    return out


def clean(value) -> float | None:
    return None if value is None or math.isnan(value) else round(float(value), 2)


def profile(coop: Cooperative) -> dict:
    """Everything the profile page shows."""
    cfg = config()
    years = years_of(coop)
    counted = [y.tahun_buku for y in years if any(r.counted_latest for r in y.versions)]
    flag_year = max([default_year(), *counted])
    first = min([*counted, flag_year]) - HISTORY
    loaded = frame.counted(cfg, flag_year, first, [coop.id])
    versions = frame.versions(flag_year, ids=[coop.id])
    data = year_data(cfg, flag_year, frame.register_of([coop]), loaded, versions,
                     depth=flag_year - first + 1)  # fmt: skip
    warnings = Warnings(data, evaluate(data))
    shown_years = sorted(counted)
    latest = max(counted) if counted else None
    peers = peer_texts(cfg, coop, latest, data.items["total_aset"][flag_year - latest, 0]) if latest else {}  # fmt: skip
    views = []
    for ratio in cfg.ratios:
        series = data.ratios[ratio.code].value[:, 0]
        values = [clean(series[flag_year - y]) for y in shown_years]
        views.append(RatioView(ratio, values, values[-1] if values else None,
                               peers.get(ratio.code, "")))  # fmt: skip
    flags = [(f, warnings.message(f)) for f in warnings.flags.itertuples()]
    return {
        "years": years, "ratios": views, "chart": chart_data(views, shown_years),
        "flags": flags, "flag_year": flag_year, "decision": latest_decision(years),
        "latest_year": latest, "rules": {r.code: r for r in cfg.rules},
    }  # fmt: skip

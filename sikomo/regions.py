"""Region (kecamatan/desa) list loaded from a CSV file: kabupaten,kecamatan,desa."""

import csv
from pathlib import Path

from sqlalchemy import select

from sikomo import audit
from sikomo.extensions import db
from sikomo.models import Region

DEFAULT_FILE = Path(__file__).parent / "data" / "kecamatan_mojokerto.csv"


def read_regions(path: Path) -> dict[str, tuple[str, list[str]]]:
    regions: dict[str, tuple[str, list[str]]] = {}
    with open(path, encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            kecamatan = row["kecamatan"].strip()
            kabupaten, desa = regions.setdefault(kecamatan, (row["kabupaten"].strip(), []))
            if row.get("desa", "").strip():
                desa.append(row["desa"].strip())
    return regions


def load_regions(actor, path: Path = DEFAULT_FILE) -> int:
    """Create or update each kecamatan of the file (idempotent); returns how many changed."""
    existing = {r.kecamatan: r for r in db.session.scalars(select(Region))}
    changed = 0
    for kecamatan, (kabupaten, desa) in read_regions(path).items():
        region = existing.get(kecamatan)
        if region is not None and region.kabupaten == kabupaten and region.desa == desa:
            continue
        before = audit.snapshot(region) if region is not None else None
        region = region or Region(kecamatan=kecamatan)
        region.kabupaten, region.desa = kabupaten, desa
        db.session.add(region)
        db.session.flush()
        action = "region.update" if before else "region.create"
        audit.record(actor, action, region, before, audit.snapshot(region))
        changed += 1
    db.session.commit()
    return changed

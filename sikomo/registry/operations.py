"""Registry services: search, create and update cooperatives (audited)."""

from dataclasses import dataclass

from sqlalchemy import Select, func, or_, select

from sikomo import audit
from sikomo.extensions import db
from sikomo.indicators import members
from sikomo.indicators.aktif import aktif_ids_query
from sikomo.indicators.facts import settle
from sikomo.models import Cooperative, Jenis, Region, Role, User
from sikomo.settings import get_setting
from sikomo.status import reference_year

EDITABLE_FIELDS = (
    "nik",
    "nama",
    "nomor_badan_hukum",
    "tanggal_badan_hukum",
    "alamat",
    "desa",
    "region_id",
    "jenis",
    "simpan_pinjam",
    "jumlah_anggota",
    "tanggal_binaan",
)


@dataclass(frozen=True)
class Filters:
    q: str = ""
    region_id: int | None = None
    jenis: Jenis | None = None
    simpan_pinjam: bool | None = None
    status: str = ""  # "aktif", "tidak_aktif" or "" for all
    # A dashboard count's cooperatives (indicators/members.py): its code and indicator year.
    indikator: str = ""
    tahun: int | None = None


def search_query(filters: Filters) -> Select:
    query = select(Cooperative).order_by(Cooperative.nama, Cooperative.id)
    if filters.q:
        pattern = f"%{filters.q.strip().lower()}%"
        query = query.where(
            or_(
                func.lower(Cooperative.nama).like(pattern),
                Cooperative.nik.like(pattern),
                func.lower(Cooperative.desa).like(pattern),
            )
        )
    if filters.region_id:
        query = query.where(Cooperative.region_id == filters.region_id)
    if filters.jenis:
        query = query.where(Cooperative.jenis == filters.jenis)
    if filters.simpan_pinjam is not None:
        query = query.where(Cooperative.simpan_pinjam.is_(filters.simpan_pinjam))
    if filters.status in ("aktif", "tidak_aktif"):
        query = filter_by_status(query, filters.status == "aktif")
    if filters.indikator in members.LABELS and filters.tahun is not None:
        query = query.where(members.condition(filters.indikator, filters.tahun))
    return query


def filter_by_status(query: Select, aktif: bool) -> Select:
    year = reference_year()
    if year is None:
        return query if not aktif else query.where(False)
    settle(db.session())
    ids = aktif_ids_query(year, int(get_setting("aktif_window")))
    return query.where(Cooperative.id.in_(ids) if aktif else Cooperative.id.not_in(ids))


def regions() -> list[Region]:
    return list(db.session.scalars(select(Region).order_by(Region.kecamatan)))


def region_by_name(name: str) -> Region | None:
    key = str(name).strip().lower()
    return db.session.scalar(select(Region).where(func.lower(Region.kecamatan) == key))


def cooperative_by_nik(nik: str) -> Cooperative | None:
    return db.session.scalar(select(Cooperative).where(Cooperative.nik == nik))


def apply_values(coop: Cooperative, values: dict) -> None:
    for field in EDITABLE_FIELDS:
        if field in values:
            setattr(coop, field, values[field])


def add_cooperative(actor, values: dict) -> Cooperative:
    """Stage a new cooperative and its audit event; the caller commits."""
    coop = Cooperative()
    apply_values(coop, values)
    db.session.add(coop)
    db.session.flush()
    audit.record(actor, "cooperative.create", coop, None, audit.snapshot(coop))
    return coop


def change_cooperative(actor, coop: Cooperative, values: dict) -> bool:
    """Stage changes and an audit event with before/after; False when nothing changed."""
    before = audit.snapshot(coop)
    apply_values(coop, values)
    after = audit.snapshot(coop)
    if before == after:
        return False
    db.session.flush()
    audit.record(
        actor,
        "cooperative.update",
        coop,
        diff(before, after, "before"),
        diff(before, after, "after"),
    )
    return True


def diff(before: dict, after: dict, side: str) -> dict:
    source = before if side == "before" else after
    return {k: source[k] for k in after if before.get(k) != after.get(k)}


def create_cooperative(actor, values: dict) -> Cooperative:
    coop = add_cooperative(actor, values)
    db.session.commit()
    return coop


def update_cooperative(actor, coop: Cooperative, values: dict) -> Cooperative:
    change_cooperative(actor, coop, values)
    db.session.commit()
    return coop


def pengurus_accounts(coop: Cooperative) -> list[User]:
    """The pengurus accounts linked to `coop`, active first (shown to the office)."""
    return list(db.session.scalars(
        select(User).where(User.cooperative_id == coop.id, User.role == Role.PENGURUS)
        .order_by(User.active.desc(), User.name)
    ))  # fmt: skip

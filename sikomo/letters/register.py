"""Reading letters: a cooperative's register, the district list with its filters, the CSV export
and the public look-up of a number. A letter is never changed once made (`frozen`)."""

from dataclasses import dataclass

from sqlalchemy import Select, event, select
from sqlalchemy.orm import joinedload

from sikomo import spreadsheet
from sikomo.extensions import db
from sikomo.format import local
from sikomo.matching import contains
from sikomo.models import Cooperative
from sikomo.models.letters import Letter, LetterKind

MAX_QUERY = 100


class LetterIsFrozen(RuntimeError):
    """A letter as sent is never edited: a correction is a new letter."""


@event.listens_for(Letter, "before_update")
def frozen(mapper, connection, target) -> None:
    raise LetterIsFrozen(f"Surat {target.number} tidak dapat diubah; buat surat baru.")


def letters_of(cooperative_id: int, limit: int | None = None) -> list[Letter]:
    """A cooperative's letters, newest first."""
    query = (select(Letter).where(Letter.cooperative_id == cooperative_id)
             .order_by(Letter.id.desc()))  # fmt: skip
    if limit:
        query = query.limit(limit)
    return list(db.session.scalars(query))


@dataclass(frozen=True)
class Filters:
    q: str = ""
    jenis: LetterKind | None = None
    tahun: int | None = None
    kecamatan: int | None = None

    def args(self) -> dict[str, str]:
        given = {"q": self.q, "jenis": self.jenis.value if self.jenis else "",
                 "tahun": str(self.tahun or ""), "kecamatan": str(self.kecamatan or "")}  # fmt: skip
        return {k: v for k, v in given.items() if v}


def filters_from(args) -> Filters:
    """The list's filters from a query string; a value that means nothing is ignored."""
    jenis = args.get("jenis", "")
    tahun, kecamatan = args.get("tahun", "").strip(), args.get("kecamatan", "").strip()
    return Filters(
        q=args.get("q", "").strip()[:MAX_QUERY],
        jenis=LetterKind(jenis) if jenis in set(LetterKind) else None,
        tahun=int(tahun) if tahun.isdigit() and 2000 <= int(tahun) <= 2100 else None,
        kecamatan=int(kecamatan) if kecamatan.isdigit() and int(kecamatan) < 2**31 else None,
    )


def district_query(f: Filters) -> Select:
    query = (select(Letter).join(Letter.cooperative)
             .options(joinedload(Letter.cooperative).joinedload(Cooperative.region))
             .order_by(Letter.id.desc()))  # fmt: skip
    if f.q:
        query = query.where(
            contains(Letter.number, f.q.lower()) | contains(Cooperative.nama, f.q.lower())
        )
    if f.jenis:
        query = query.where(Letter.kind == f.jenis)
    if f.tahun:
        query = query.where(Letter.year == f.tahun)
    if f.kecamatan:
        query = query.where(Cooperative.region_id == f.kecamatan)
    return query


COLUMNS = spreadsheet.columns("Nomor surat", ("Tanggal", "date"), "Jenis surat", "Perihal",
                              "Koperasi", ("NIK", "text"), "Kecamatan", "Penanda tangan",
                              "SHA-256")  # fmt: skip
EXPORT_LIMIT = 50_000


def csv_rows(f: Filters) -> bytes:
    rows = [(x.number, local(x.created_at).date(), x.kind.label, x.subject, x.cooperative.nama,
             x.cooperative.nik or "", x.cooperative.kecamatan, x.signer_name, x.sha256)
            for x in db.session.scalars(district_query(f).limit(EXPORT_LIMIT))]  # fmt: skip
    return spreadsheet.to_csv(COLUMNS, rows)


def years() -> list[int]:
    return list(db.session.scalars(select(Letter.year).distinct().order_by(Letter.year.desc())))


def by_number(number: str) -> Letter | None:
    number = " ".join(number.split())[:64]
    if not number:
        return None
    return db.session.scalar(select(Letter).where(Letter.number == number))

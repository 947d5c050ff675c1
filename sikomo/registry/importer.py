"""All-or-nothing import of the cooperative register from CSV or XLSX, linear in rows."""

import io
import logging
from dataclasses import dataclass, field
from datetime import date

import pandas as pd
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError

from sikomo import audit, upload_limits
from sikomo.extensions import db
from sikomo.models import Cooperative, Region
from sikomo.progress import EVERY_ROWS, ProgressCallback
from sikomo.registry import operations as ops
from sikomo.registry.values import parse_bool, parse_date, parse_jenis, valid_nik

log = logging.getLogger(__name__)

COLUMNS = (
    "nik",
    "nama",
    "kecamatan",
    "desa",
    "jenis",
    "simpan_pinjam",
    "nomor_badan_hukum",
    "tanggal_badan_hukum",
    "alamat",
)
REQUIRED = ("nama", "kecamatan", "jenis", "simpan_pinjam")
LOOKUP_CHUNK = 500  # NIKs per IN (...) query
WRITE_CHUNK = 1000  # rows per flush: the page sees rows written, statements stay per chunk
BUSY = ("Basis data sedang dipakai proses lain (mis. impor lain); tidak ada data yang disimpan. "
        "Ulangi impor sebentar lagi.")  # fmt: skip


@dataclass(frozen=True)
class RowError:
    baris: int  # row number as the spreadsheet shows it (header is row 1)
    kolom: str
    pesan: str

    def __str__(self) -> str:
        return f"Baris {self.baris}, kolom {self.kolom}: {self.pesan}"


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


# The register's text columns hold this much on every database (SQLite would store more).
TEXT_LIMITS = {
    k: Cooperative.__table__.c[k].type.length
    for k in ("nama", "desa", "nomor_badan_hukum", "alamat")
}


def read_table(content: bytes, filename: str) -> pd.DataFrame:
    """Read every cell as text; a CSV may use ',' or ';' as separator."""
    suffix = filename.rsplit(".", 1)[-1].lower()
    options = {"dtype": str, "keep_default_na": False}
    if suffix not in ("xlsx", "csv"):
        raise ValueError("Format berkas harus CSV atau XLSX.")
    upload_limits.check(content, filename)  # a file too big to read is refused before parsing
    try:
        if suffix == "xlsx":
            return pd.read_excel(io.BytesIO(content), engine="openpyxl", **options)
        text = content.decode("utf-8-sig")
        return pd.read_csv(io.StringIO(text), sep=None, engine="python", **options)
    except UnicodeDecodeError:
        raise ValueError("Berkas CSV harus disimpan sebagai UTF-8.") from None
    except Exception:  # noqa: BLE001  (pandas and openpyxl raise many kinds for a broken file)
        raise ValueError("Berkas tidak dapat dibaca sebagai tabel CSV atau XLSX.") from None


def import_cooperatives(
    actor, content: bytes, filename: str, progress: ProgressCallback | None = None
) -> ImportResult:
    """Validate every row; write all of them in one transaction only when none has an error.

    `progress(checked, written, total)` is called every EVERY_ROWS rows of each phase."""
    try:
        table = read_table(content, filename)
    except Exception as exc:  # noqa: BLE001  (any parser failure is the file's fault)
        return ImportResult(errors=[RowError(1, "-", f"Berkas tidak dapat dibaca: {exc}")])
    table.columns = [str(c).strip().lower() for c in table.columns]
    missing = [c for c in COLUMNS if c not in table.columns]
    if missing:
        return ImportResult(errors=[RowError(1, c, "Kolom tidak ditemukan.") for c in missing])
    progress = progress or _silent
    rows, errors = validate_rows(table, progress)
    if errors:
        return ImportResult(errors=errors)
    if not rows:
        return ImportResult(errors=[RowError(2, "-", "Berkas tidak berisi data.")])
    return write_rows(actor, rows, progress, total=len(table))


def _silent(checked: int, written: int, total: int) -> None:
    pass


def validate_rows(
    table: pd.DataFrame, progress: ProgressCallback = _silent
) -> tuple[list[dict], list[RowError]]:
    rows, errors, seen_nik = [], [], {}
    regions = region_ids()
    records = table.to_dict("records")
    for index, record in enumerate(records):
        baris = index + 2
        if index and index % EVERY_ROWS == 0:
            progress(index, 0, len(records))
        cells = {k: str(record.get(k, "")).strip() for k in COLUMNS}
        if not any(cells.values()):
            continue  # blank line
        values, row_errors = validate_row(baris, cells, regions)
        nik = values.get("nik")
        if nik and nik in seen_nik:
            row_errors.append(RowError(baris, "nik", f"NIK sama dengan baris {seen_nik[nik]}."))
        if nik:
            seen_nik.setdefault(nik, baris)
        errors.extend(row_errors)
        rows.append(values)
    progress(len(records), 0, len(records))
    return rows, errors


def region_ids() -> dict[str, int]:
    """Every kecamatan by its lower-case name: one query for the whole file."""
    return {r.kecamatan.strip().lower(): r.id for r in db.session.scalars(select(Region))}


def validate_row(
    baris: int, cells: dict[str, str], regions: dict[str, int]
) -> tuple[dict, list[RowError]]:
    values: dict = {}
    errors: list[RowError] = []

    def fail(kolom: str, pesan: str) -> None:
        errors.append(RowError(baris, kolom, pesan))

    for kolom in REQUIRED:
        if not cells[kolom]:
            fail(kolom, "Wajib diisi.")
    nik = cells["nik"].removesuffix(".0")
    if nik and not valid_nik(nik):
        fail("nik", "NIK harus tepat 16 digit angka.")
    values["nik"] = nik or None
    values["nama"] = cells["nama"]
    if cells["kecamatan"]:
        region_id = regions.get(cells["kecamatan"].lower())
        if region_id is None:
            fail("kecamatan", f"Kecamatan '{cells['kecamatan']}' tidak dikenal.")
        else:
            values["region_id"] = region_id
    if cells["jenis"]:
        values["jenis"] = parse_jenis(cells["jenis"])
        if values["jenis"] is None:
            fail("jenis", f"Jenis koperasi '{cells['jenis']}' tidak dikenal.")
    if cells["simpan_pinjam"]:
        values["simpan_pinjam"] = parse_bool(cells["simpan_pinjam"])
        if values["simpan_pinjam"] is None:
            fail("simpan_pinjam", "Isi dengan ya/tidak, true/false atau 1/0.")
    values["tanggal_badan_hukum"] = None
    if cells["tanggal_badan_hukum"]:
        try:
            values["tanggal_badan_hukum"] = parse_date(cells["tanggal_badan_hukum"])
        except ValueError:
            fail("tanggal_badan_hukum", "Tanggal tidak valid (gunakan TTTT-BB-HH).")
    for kolom in ("desa", "nomor_badan_hukum", "alamat"):
        values[kolom] = cells[kolom] or None
    for kolom, limit in TEXT_LIMITS.items():
        if len(cells[kolom]) > limit:
            fail(kolom, f"Paling banyak {limit} karakter (berisi {len(cells[kolom])}).")
    moment = values["tanggal_badan_hukum"]
    if moment is not None and not 1900 <= moment.year <= date.today().year:
        fail("tanggal_badan_hukum", f"Tahun {moment.year} tidak mungkin untuk badan hukum.")
    return values, errors


def write_rows(
    actor, rows: list[dict], progress: ProgressCallback = _silent, total: int | None = None
) -> ImportResult:
    """A flush per WRITE_CHUNK rows, audit events in bulk, one commit; a clash writes nothing."""
    result = ImportResult()
    total = total or len(rows)
    try:
        registered = cooperatives_by_nik({values["nik"] for values in rows if values["nik"]})
        for start in range(0, len(rows), WRITE_CHUNK):
            end = start + WRITE_CHUNK
            _write_chunk(actor, rows[start:end], registered, result)
            progress(total, end if end < len(rows) else total, total)  # blank lines count as done
        audit.record(actor, "cooperative.import", None, None, summary(result))
        db.session.commit()
    except (IntegrityError, OperationalError):
        # another request wrote the same NIK, or holds SQLite's write lock, meanwhile
        db.session.rollback()
        log.exception("register import not written")
        return ImportResult(errors=[RowError(1, "-", BUSY)])
    except Exception:
        db.session.rollback()
        raise
    return result


def cooperatives_by_nik(niks: set[str]) -> dict[str, Cooperative]:
    """The registered cooperatives of these NIKs, LOOKUP_CHUNK at a time (not one per row)."""
    ordered = sorted(niks)
    found: dict[str, Cooperative] = {}
    for start in range(0, len(ordered), LOOKUP_CHUNK):
        query = select(Cooperative).where(
            Cooperative.nik.in_(ordered[start : start + LOOKUP_CHUNK])
        )
        found.update((coop.nik, coop) for coop in db.session.scalars(query))
    return found


def _write_chunk(actor, rows: list[dict], registered: dict, result: ImportResult) -> None:
    created, changed = [], []
    for values in rows:
        coop = registered.get(values["nik"]) if values["nik"] else None
        if coop is None:
            coop = Cooperative()
            ops.apply_values(coop, values)
            created.append(coop)
            continue
        before = audit.snapshot(coop)
        ops.apply_values(coop, values)
        after = audit.snapshot(coop)
        if before == after:
            result.unchanged += 1
        else:
            changed.append(
                (coop, ops.diff(before, after, "before"), ops.diff(before, after, "after"))
            )
    db.session.add_all(created)
    db.session.flush()
    audit.record_many(actor, "cooperative.create", [(c, None, audit.snapshot(c)) for c in created])
    audit.record_many(actor, "cooperative.update", changed)
    result.created += len(created)
    result.updated += len(changed)


def summary(result: ImportResult) -> dict:
    return {"dibuat": result.created, "diperbarui": result.updated, "tetap": result.unchanged}

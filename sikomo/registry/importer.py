"""All-or-nothing import of the cooperative register from CSV or XLSX."""

import io
from dataclasses import dataclass, field

import pandas as pd

from sikomo import audit
from sikomo.extensions import db
from sikomo.registry import operations as ops
from sikomo.registry.values import parse_bool, parse_date, parse_jenis, valid_nik

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


def read_table(content: bytes, filename: str) -> pd.DataFrame:
    """Read every cell as text; a CSV may use ',' or ';' as separator."""
    suffix = filename.rsplit(".", 1)[-1].lower()
    options = {"dtype": str, "keep_default_na": False}
    if suffix == "xlsx":
        return pd.read_excel(io.BytesIO(content), engine="openpyxl", **options)
    if suffix == "csv":
        text = content.decode("utf-8-sig")
        return pd.read_csv(io.StringIO(text), sep=None, engine="python", **options)
    raise ValueError("Format berkas harus CSV atau XLSX.")


def import_cooperatives(actor, content: bytes, filename: str) -> ImportResult:
    """Validate every row; write all of them in one transaction only when none has an error."""
    try:
        table = read_table(content, filename)
    except Exception as exc:  # noqa: BLE001  (any parser failure is the file's fault)
        return ImportResult(errors=[RowError(1, "-", f"Berkas tidak dapat dibaca: {exc}")])
    table.columns = [str(c).strip().lower() for c in table.columns]
    missing = [c for c in COLUMNS if c not in table.columns]
    if missing:
        return ImportResult(errors=[RowError(1, c, "Kolom tidak ditemukan.") for c in missing])
    rows, errors = validate_rows(table)
    if errors:
        return ImportResult(errors=errors)
    if not rows:
        return ImportResult(errors=[RowError(2, "-", "Berkas tidak berisi data.")])
    return write_rows(actor, rows)


def validate_rows(table: pd.DataFrame) -> tuple[list[dict], list[RowError]]:
    rows, errors, seen_nik = [], [], {}
    for index, record in enumerate(table.to_dict("records")):
        baris = index + 2
        cells = {k: str(record.get(k, "")).strip() for k in COLUMNS}
        if not any(cells.values()):
            continue  # blank line
        values, row_errors = validate_row(baris, cells)
        nik = values.get("nik")
        if nik and nik in seen_nik:
            row_errors.append(RowError(baris, "nik", f"NIK sama dengan baris {seen_nik[nik]}."))
        if nik:
            seen_nik.setdefault(nik, baris)
        errors.extend(row_errors)
        rows.append(values)
    return rows, errors


def validate_row(baris: int, cells: dict[str, str]) -> tuple[dict, list[RowError]]:
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
        region = ops.region_by_name(cells["kecamatan"])
        if region is None:
            fail("kecamatan", f"Kecamatan '{cells['kecamatan']}' tidak dikenal.")
        else:
            values["region_id"] = region.id
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
    return values, errors


def write_rows(actor, rows: list[dict]) -> ImportResult:
    result = ImportResult()
    try:
        for values in rows:
            existing = ops.cooperative_by_nik(values["nik"]) if values["nik"] else None
            if existing is None:
                ops.add_cooperative(actor, values)
                result.created += 1
            elif ops.change_cooperative(actor, existing, values):
                result.updated += 1
            else:
                result.unchanged += 1
        audit.record(actor, "cooperative.import", None, None, summary(result))
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return result


def summary(result: ImportResult) -> dict:
    return {"dibuat": result.created, "diperbarui": result.updated, "tetap": result.unchanged}
